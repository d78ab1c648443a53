using System.Data;
using System.Text.Json;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;
using static Appliance.Core.Networks.NetworkRows;

namespace Appliance.Core.Networks;

/// <summary>Networks, subnets, ports and their fixed addresses in the store.</summary>
/// <remarks>Public only as a name, for the public services' constructors; everything it does is internal to the core.</remarks>
public sealed class NetworkRepository(Database database)
{
    internal async Task<NetworkRecord?> FindNetworkAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<NetworkRow>($"SELECT {NetworkColumns} FROM networks WHERE id = @id", new { id }))?.ToRecord();
    }

    internal async Task<IReadOnlyList<NetworkRecord>> NetworksAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<NetworkRow>($"SELECT {NetworkColumns} FROM networks ORDER BY created_at, id")).Select(row => row.ToRecord()).ToList();
    }

    internal async Task<IReadOnlyList<SubnetRecord>> SubnetsAsync(string? networkId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await SubnetsAsync(connection, null, networkId);
    }

    /// <summary>Each network's subnet (the appliance gives a network one), by network id.</summary>
    internal async Task<IReadOnlyDictionary<string, SubnetRecord>> SubnetByNetworkAsync(CancellationToken cancellationToken = default) =>
        (await SubnetsAsync(cancellationToken: cancellationToken)).GroupBy(s => s.NetworkId).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    private static async Task<IReadOnlyList<SubnetRecord>> SubnetsAsync(SqliteConnection connection, IDbTransaction? transaction, string? networkId) =>
        (await connection.QueryAsync<SubnetRow>(
            $"SELECT {SubnetColumns} FROM subnets WHERE @networkId IS NULL OR network_id = @networkId ORDER BY created_at, id", new { networkId }, transaction))
        .Select(row => row.ToRecord()).ToList();

    /// <summary>Adds a network with its one subnet; refused when the subnet overlaps another one on the appliance.</summary>
    internal Task CreateNetworkAsync(NetworkRecord network, SubnetRecord subnet, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await InsertNetworkAsync(connection, transaction, network);
            await InsertSubnetAsync(connection, transaction, subnet);
            return 0;
        }, cancellationToken);

    /// <summary>Adds a network without a subnet yet, as Neutron's network create does, within the project's network quota.</summary>
    internal Task AddNetworkAsync(NetworkRecord network, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await NetworkQuotas.EnsureAvailableAsync(connection, transaction, network.ProjectId, NetworkQuotaResources.Network);
            await InsertNetworkAsync(connection, transaction, network);
            return 0;
        }, cancellationToken);

    /// <summary>Adds a subnet to a network that has none, within the project's subnet quota; refused when it overlaps another subnet on the appliance.</summary>
    internal Task AddSubnetAsync(SubnetRecord subnet, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await NetworkQuotas.EnsureAvailableAsync(connection, transaction, subnet.ProjectId, NetworkQuotaResources.Subnet);
            if ((await SubnetsAsync(connection, transaction, subnet.NetworkId)).Count > 0)
            {
                throw new InvalidRequestException($"Network {subnet.NetworkId} has a subnet already; a network on the appliance holds one IPv4 subnet.");
            }

            await InsertSubnetAsync(connection, transaction, subnet);
            return 0;
        }, cancellationToken);

    private static async Task InsertNetworkAsync(SqliteConnection connection, IDbTransaction transaction, NetworkRecord network) =>
        await connection.ExecuteAsync("""
            INSERT INTO networks (id, name, project_id, shared, kind, libvirt_name, bridge, mtu, admin_state_up, router_external, description, created_at, updated_at,
                forward_address, forward_ports)
            VALUES (@Id, @Name, @ProjectId, @Shared, @Kind, @LibvirtName, @Bridge, @Mtu, @AdminStateUp, @RouterExternal, @Description, @CreatedAt, @UpdatedAt,
                @ForwardAddress, @ForwardPorts)
            """, new
        {
            network.Id,
            network.Name,
            network.ProjectId,
            Shared = network.Shared ? 1 : 0,
            network.Kind,
            network.LibvirtName,
            network.Bridge,
            network.Mtu,
            AdminStateUp = network.AdminStateUp ? 1 : 0,
            RouterExternal = network.RouterExternal ? 1 : 0,
            network.Description,
            network.CreatedAt,
            network.UpdatedAt,
            network.ForwardAddress,
            ForwardPorts = JsonSerializer.Serialize(network.ForwardPorts),
        }, transaction);

    private static async Task InsertSubnetAsync(SqliteConnection connection, IDbTransaction transaction, SubnetRecord subnet)
    {
        var overlapping = (await SubnetsAsync(connection, transaction, null)).FirstOrDefault(other => other.Range.Overlaps(subnet.Range));
        if (overlapping is not null)
        {
            throw new InvalidRequestException(
                $"Invalid input for operation: Requested subnet with cidr: {subnet.Cidr} for network: {subnet.NetworkId} overlaps with another subnet.");
        }

        await connection.ExecuteAsync("""
            INSERT INTO subnets (id, network_id, project_id, name, ip_version, cidr, gateway_ip, enable_dhcp, dns_nameservers, allocation_pools, created_at, updated_at)
            VALUES (@Id, @NetworkId, @ProjectId, @Name, @IpVersion, @Cidr, @GatewayIp, @EnableDhcp, @DnsNameservers, @AllocationPools, @CreatedAt, @UpdatedAt)
            """, new
        {
            subnet.Id,
            subnet.NetworkId,
            subnet.ProjectId,
            subnet.Name,
            subnet.IpVersion,
            subnet.Cidr,
            subnet.GatewayIp,
            EnableDhcp = subnet.EnableDhcp ? 1 : 0,
            DnsNameservers = JsonSerializer.Serialize(subnet.DnsNameservers),
            AllocationPools = JsonSerializer.Serialize(subnet.AllocationPools),
            subnet.CreatedAt,
            subnet.UpdatedAt,
        }, transaction);
    }

    /// <summary>Deletes a network and its subnet; refused (in use) while any port is on it.</summary>
    internal Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ports WHERE network_id = @networkId", new { networkId }, transaction) > 0)
            {
                throw new NetworkInUseException(networkId);
            }

            await connection.ExecuteAsync("DELETE FROM subnets WHERE network_id = @networkId", new { networkId }, transaction);
            return await connection.ExecuteAsync("DELETE FROM networks WHERE id = @networkId", new { networkId }, transaction);
        }, cancellationToken);

    /// <summary>Deletes a subnet; refused (in use) while any port holds an address on it.</summary>
    internal Task DeleteSubnetAsync(string subnetId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM port_ips WHERE subnet_id = @subnetId", new { subnetId }, transaction) > 0)
            {
                throw new SubnetInUseException(subnetId);
            }

            return await connection.ExecuteAsync("DELETE FROM subnets WHERE id = @subnetId", new { subnetId }, transaction);
        }, cancellationToken);

    /// <summary>Renames or redescribes a network, as Neutron's update; bumps its revision.</summary>
    internal Task UpdateNetworkAsync(string networkId, string name, string description, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync("""
            UPDATE networks SET name = @name, description = @description, updated_at = @now, revision_number = revision_number + 1 WHERE id = @networkId
            """, new { networkId, name, description, now = Servers.Timestamps.Now() }, transaction), cancellationToken);

    /// <summary>Marks a network external (floating IPs come from its pools) or not; bumps its revision.</summary>
    internal Task SetRouterExternalAsync(string networkId, bool external, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync("""
            UPDATE networks SET router_external = @external, updated_at = @now, revision_number = revision_number + 1 WHERE id = @networkId
            """, new { networkId, external = external ? 1 : 0, now = Servers.Timestamps.Now() }, transaction), cancellationToken);

    /// <summary>Renames a port, as Neutron's update; bumps its revision.</summary>
    internal Task UpdatePortNameAsync(string portId, string name, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync("""
            UPDATE ports SET name = @name, updated_at = @now, revision_number = revision_number + 1 WHERE id = @portId
            """, new { portId, name, now = Servers.Timestamps.Now() }, transaction), cancellationToken);

    internal async Task<PortRecord?> FindPortAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await PortsWhereAsync(connection, null, "id = @id", new { id })).FirstOrDefault();
    }

    /// <summary>The port holding this fixed address, if any: how the metadata service knows which guest asks.</summary>
    internal async Task<PortRecord?> PortByAddressAsync(string ipAddress, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await PortsWhereAsync(connection, null, "id = (SELECT port_id FROM port_ips WHERE ip_address = @ipAddress)", new { ipAddress })).FirstOrDefault();
    }

    /// <summary>A server's ports in NIC order.</summary>
    internal async Task<IReadOnlyList<PortRecord>> PortsOfDeviceAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await PortsWhereAsync(connection, null, "device_id = @deviceId", new { deviceId });
    }

    internal async Task<IReadOnlyList<PortRecord>> AllPortsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await PortsWhereAsync(connection, null, "1 = 1", new { });
    }

    internal static async Task<IReadOnlyList<PortRecord>> PortsWhereAsync(SqliteConnection connection, IDbTransaction? transaction, string where, object parameters)
    {
        var ports = (await connection.QueryAsync<PortRow>(
            $"SELECT {PortColumns} FROM ports WHERE {where} ORDER BY device_id, position, created_at, id", parameters, transaction)).ToList();
        if (ports.Count == 0)
        {
            return [];
        }

        var ips = (await connection.QueryAsync<FixedIpRow>(
            "SELECT port_id AS PortId, subnet_id AS SubnetId, ip_address AS IpAddress FROM port_ips WHERE port_id IN (SELECT value FROM json_each(@ids))",
            new { ids = SqlParameters.JsonList(ports.Select(port => port.Id)) }, transaction))
            .ToLookup(ip => ip.PortId, ip => new FixedIp(ip.SubnetId, ip.IpAddress));
        return ports.Select(port => port.ToRecord(ips[port.Id].OrderBy(ip => ip.IpAddress, StringComparer.Ordinal).ToList())).ToList();
    }

    /// <summary>The fixed addresses of these servers, by server, in NIC order: what addresses shows in lists and details.</summary>
    internal static async Task<Dictionary<string, List<ServerAddress>>> AddressesAsync(SqliteConnection connection, IReadOnlyCollection<string> deviceIds)
    {
        var result = new Dictionary<string, List<ServerAddress>>(StringComparer.Ordinal);
        if (deviceIds.Count == 0)
        {
            return result;
        }

        var rows = (await connection.QueryAsync<AddressRow>("""
            SELECT p.device_id AS DeviceId, n.name AS NetworkName, i.ip_address AS Address, p.mac_address AS MacAddress, p.id AS PortId, p.position AS Position
            FROM ports p JOIN networks n ON n.id = p.network_id JOIN port_ips i ON i.port_id = p.id
            WHERE p.device_id IN (SELECT value FROM json_each(@ids))
            ORDER BY p.device_id, p.position, p.created_at, i.ip_address
            """, new { ids = SqlParameters.JsonList(deviceIds) })).ToList();
        var forwards = await ForwardsAsync(connection, null, rows.Select(row => row.PortId).Distinct());
        var floating = await FloatingIpRepository.OfPortsAsync(connection, rows.Select(row => row.PortId).Distinct());
        foreach (var row in rows)
        {
            if (!result.TryGetValue(row.DeviceId, out var addresses))
            {
                result[row.DeviceId] = addresses = [];
            }

            addresses.Add(new ServerAddress(row.NetworkName, row.Address, row.Address.Contains(':') ? 6 : 4, row.MacAddress, row.PortId, (int)row.Position)
            {
                Forwards = forwards.Contains(row.PortId) ? forwards[row.PortId].ToList() : [],
            });
            // As Nova shows it: the floating address right after the fixed one it is NAT'd to, with the same MAC.
            addresses.AddRange(floating[row.PortId].Where(fip => fip.FixedIpAddress == row.Address).Select(fip =>
                new ServerAddress(row.NetworkName, fip.FloatingIpAddress, 4, row.MacAddress, row.PortId, (int)row.Position) { Type = ServerAddressTypes.Floating }));
        }

        return result;
    }

    /// <summary>The forwards of these ports, by guest port.</summary>
    private static async Task<ILookup<string, PortForwardRecord>> ForwardsAsync(SqliteConnection connection, IDbTransaction? transaction, IEnumerable<string> portIds) =>
        (await connection.QueryAsync<ForwardRow>("""
            SELECT port_id AS PortId, protocol AS Protocol, host_address AS HostAddress, host_port AS HostPort, guest_port AS GuestPort
            FROM port_forwards WHERE port_id IN (SELECT value FROM json_each(@ids)) ORDER BY port_id, guest_port, protocol
            """, new { ids = SqlParameters.JsonList(portIds) }, transaction))
        .ToLookup(row => row.PortId, row => new PortForwardRecord(row.PortId, row.Protocol, row.HostAddress, (int)row.HostPort, (int)row.GuestPort));

    internal async Task<IReadOnlyList<PortForwardRecord>> ForwardsOfPortAsync(string portId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await ForwardsAsync(connection, null, [portId]))[portId].ToList();
    }

    /// <summary>
    /// The port's forwards, one per guest port its user network names, each on a host port of its own: the missing ones are
    /// taken in the same IMMEDIATE transaction that reads which host ports forwards hold (and the table's key backs that up),
    /// skipping any the host has bound already. Found again, not taken again, on a later call (a rebuild, a resumed build).
    /// </summary>
    internal Task<IReadOnlyList<PortForwardRecord>> EnsureForwardsAsync(PortRecord port, NetworkRecord network, int firstHostPort, int lastHostPort,
        Func<string, int, bool> isFree, CancellationToken cancellationToken = default) =>
        database.WriteAsync<IReadOnlyList<PortForwardRecord>>(async (connection, transaction) =>
        {
            var address = network.ForwardAddress ?? throw new InvalidOperationException($"network {network.Id} has no forward address");
            var existing = (await ForwardsAsync(connection, transaction, [port.Id]))[port.Id].ToList();
            var missing = network.ForwardPorts.Where(guestPort => existing.All(f => f.GuestPort != guestPort)).ToList();
            if (missing.Count == 0)
            {
                return existing;
            }

            var held = (await connection.QueryAsync<long>("SELECT host_port FROM port_forwards", transaction: transaction)).Select(p => (int)p).ToHashSet();
            foreach (var guestPort in missing)
            {
                var hostPort = ForwardPortPicker.Pick(held, firstHostPort, lastHostPort, address, isFree);
                held.Add(hostPort);
                await connection.ExecuteAsync("""
                    INSERT INTO port_forwards (host_port, host_address, port_id, protocol, guest_port) VALUES (@hostPort, @address, @portId, 'tcp', @guestPort)
                    """, new { hostPort, address, portId = port.Id, guestPort }, transaction);
            }

            return (await ForwardsAsync(connection, transaction, [port.Id]))[port.Id].ToList();
        }, cancellationToken);

    /// <summary>Settable, not positional: an empty result gives COUNT(*) no type, and a constructor match would then fail.</summary>
    private sealed class SubnetUse
    {
        public string SubnetId { get; set; } = "";

        public long Count { get; set; }
    }

    private sealed record ForwardRow(string PortId, string Protocol, string HostAddress, long HostPort, long GuestPort);

    private sealed record AddressRow(string DeviceId, string NetworkName, string Address, string MacAddress, string PortId, long Position);

    /// <summary>
    /// Makes a port on the network with one address on its subnet: the given one, or the first free in the pools. The
    /// address is taken in the same IMMEDIATE transaction that reads which are free, and the table's key backs that up.
    /// Every port counts against its project's port quota, a server's as much as the user's own, as in Neutron.
    /// </summary>
    internal Task<PortRecord> CreatePortAsync(NewPort port, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await NetworkQuotas.EnsureAvailableAsync(connection, transaction, port.ProjectId, NetworkQuotaResources.Port);
            var subnet = (await SubnetsAsync(connection, transaction, port.Network.Id)).FirstOrDefault()
                ?? throw new InvalidRequestException($"Network {port.Network.Id} requires a subnet in order to boot instances on.");
            var used = (await connection.QueryAsync<string>(
                "SELECT ip_address FROM port_ips WHERE subnet_id = @subnetId", new { subnetId = subnet.Id }, transaction)).ToHashSet(StringComparer.Ordinal);
            var address = AddressPicker.Pick(subnet, used, port.FixedIp, port.Network.Id);
            var now = Servers.Timestamps.Now();
            var id = Guid.NewGuid().ToString();
            var groups = await SecurityGroupRepository.GroupsForNewPortAsync(connection, transaction, port.ProjectId, port.SecurityGroups);
            await connection.ExecuteAsync("""
                INSERT INTO ports (id, network_id, project_id, name, mac_address, device_id, device_owner, status, security_groups, preserve_on_delete, position, created_at, updated_at)
                VALUES (@id, @networkId, @projectId, @name, @mac, @deviceId, @deviceOwner, @status, @securityGroups, @preserve, @position, @now, @now)
                """, new
            {
                id,
                networkId = port.Network.Id,
                projectId = port.ProjectId,
                name = port.Name,
                mac = MacAddresses.NewMac(),
                deviceId = port.DeviceId,
                deviceOwner = port.DeviceId.Length == 0 ? "" : DeviceOwners.Compute,
                status = port.DeviceId.Length == 0 ? PortStatuses.Down : PortStatuses.Active,
                securityGroups = JsonSerializer.Serialize(groups),
                preserve = port.PreserveOnDelete ? 1 : 0,
                position = port.Position,
                now,
            }, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO port_ips (ip_address, port_id, subnet_id) VALUES (@address, @id, @subnetId)", new { address, id, subnetId = subnet.Id }, transaction);
            return (await PortsWhereAsync(connection, transaction, "id = @id", new { id })).Single();
        }, cancellationToken);

    /// <summary>Binds an unbound port to a server as its NIC at position; false when someone else bound it first.</summary>
    internal Task<bool> BindPortAsync(string portId, string deviceId, int position, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync("""
            UPDATE ports SET device_id = @deviceId, device_owner = @owner, status = @status, position = @position,
                updated_at = @now, revision_number = revision_number + 1
            WHERE id = @portId AND (device_id = '' OR device_id = @deviceId)
            """, new { portId, deviceId, owner = DeviceOwners.Compute, status = PortStatuses.Active, position, now = Servers.Timestamps.Now() }, transaction) == 1,
            cancellationToken);

    /// <summary>
    /// Lets go of a server's ports: deletes the ones made for it (their addresses are free again) and unbinds the ones the
    /// user made. Returns them all as they were.
    /// </summary>
    internal Task<IReadOnlyList<PortRecord>> ReleaseDeviceAsync(string deviceId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var ports = await PortsWhereAsync(connection, transaction, "device_id = @deviceId", new { deviceId });
            await connection.ExecuteAsync("DELETE FROM ports WHERE device_id = @deviceId AND preserve_on_delete = 0", new { deviceId }, transaction);
            await connection.ExecuteAsync("""
                UPDATE ports SET device_id = '', device_owner = '', status = @down, updated_at = @now, revision_number = revision_number + 1
                WHERE device_id = @deviceId
                """, new { deviceId, down = PortStatuses.Down, now = Servers.Timestamps.Now() }, transaction);
            return ports;
        }, cancellationToken);

    /// <summary>Takes a port the user made off its server: it keeps its address, ready for another.</summary>
    internal Task UnbindPortAsync(string portId, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync("""
            UPDATE ports SET device_id = '', device_owner = '', status = @down, updated_at = @now, revision_number = revision_number + 1
            WHERE id = @portId
            """, new { portId, down = PortStatuses.Down, now = Servers.Timestamps.Now() }, transaction), cancellationToken);

    /// <summary>Deletes one port and frees its address; false when it was not there.</summary>
    internal Task<bool> DeletePortAsync(string portId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync("DELETE FROM ports WHERE id = @portId", new { portId }, transaction) == 1, cancellationToken);

    /// <summary>How many more of <paramref name="resource"/> the project may make now; null when its limit is -1 (unlimited).</summary>
    internal async Task<long?> QuotaRoomAsync(string projectId, string resource, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var limit = await NetworkQuotas.LimitAsync(connection, null, projectId, resource);
        return limit < 0 ? null : limit - await NetworkQuotas.UsedAsync(connection, null, projectId, resource);
    }

    /// <summary>Whether any port holds this address.</summary>
    internal async Task<bool> AddressInUseAsync(string ipAddress, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM port_ips WHERE ip_address = @ipAddress", new { ipAddress }) > 0;
    }

    /// <summary>How many addresses each subnet has given out, for the status page's pool use.</summary>
    internal async Task<IReadOnlyDictionary<string, int>> AddressCountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<SubnetUse>("SELECT subnet_id AS SubnetId, COUNT(*) AS Count FROM port_ips GROUP BY subnet_id"))
            .ToDictionary(row => row.SubnetId, row => (int)row.Count, StringComparer.Ordinal);
    }
}

/// <summary>A port to make: on which network, for which server (empty for none), with which address (null for any).</summary>
internal sealed record NewPort(NetworkRecord Network, string ProjectId, string DeviceId, string? FixedIp)
{
    public string Name { get; init; } = "";

    public int Position { get; init; }

    public bool PreserveOnDelete { get; init; }

    /// <summary>The ids of the groups the port goes in (checked in the port's own transaction); null for the project's default group.</summary>
    public IReadOnlyList<string>? SecurityGroups { get; init; }
}
