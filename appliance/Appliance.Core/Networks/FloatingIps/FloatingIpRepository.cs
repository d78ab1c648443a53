using System.Data;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;
using static Appliance.Core.Networks.FloatingIpRows;

namespace Appliance.Core.Networks;

/// <summary>Floating IPs and their port forwardings in the store. Every check that guards a write runs inside the write's own BEGIN IMMEDIATE.</summary>
public sealed class FloatingIpRepository(Database database)
{
    internal async Task<IReadOnlyList<FloatingIpRecord>> FloatingIpsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FloatingIpsWhereAsync(connection, null, "1 = 1", new { });
    }

    internal async Task<FloatingIpRecord?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await FloatingIpsWhereAsync(connection, null, "id = @id", new { id })).FirstOrDefault();
    }

    internal async Task<IReadOnlyList<PortForwardingRecord>> ForwardingsAsync(string? floatingIpId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ForwardingsAsync(connection, null, floatingIpId);
    }

    /// <summary>The floating addresses of these ports, by port: what a server's addresses show beside the fixed ones.</summary>
    internal static async Task<ILookup<string, FloatingIpRecord>> OfPortsAsync(SqliteConnection connection, IEnumerable<string> portIds) =>
        (await FloatingIpsWhereAsync(connection, null, "port_id IN (SELECT value FROM json_each(@ids))", new { ids = SqlParameters.JsonList(portIds) }))
        .ToLookup(fip => fip.PortId!, StringComparer.Ordinal);

    private static async Task<IReadOnlyList<FloatingIpRecord>> FloatingIpsWhereAsync(SqliteConnection connection, IDbTransaction? transaction, string where, object parameters) =>
        (await connection.QueryAsync<FloatingIpRow>($"SELECT {FloatingIpColumns} FROM floating_ips WHERE {where} ORDER BY created_at, id", parameters, transaction))
        .Select(row => row.ToRecord()).ToList();

    private static async Task<IReadOnlyList<PortForwardingRecord>> ForwardingsAsync(SqliteConnection connection, IDbTransaction? transaction, string? floatingIpId) =>
        (await connection.QueryAsync<ForwardingRow>(
            $"SELECT {ForwardingColumns} FROM floating_ip_port_forwardings WHERE @floatingIpId IS NULL OR floatingip_id = @floatingIpId ORDER BY floatingip_id, external_port, protocol, id",
            new { floatingIpId }, transaction))
        .Select(row => row.ToRecord()).ToList();

    /// <summary>
    /// Takes an address of the external network's pool (the one asked for, or the lowest free) through a network:floatingip
    /// port, and records the floating IP, associated when <paramref name="association"/> says so; all in one transaction,
    /// after the project's floatingip quota.
    /// </summary>
    internal Task<FloatingIpRecord> CreateAsync(NewFloatingIp request, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await NetworkQuotas.EnsureAvailableAsync(connection, transaction, request.ProjectId, NetworkQuotaResources.FloatingIp);
            var subnet = (await connection.QueryAsync<NetworkRows.SubnetRow>(
                $"SELECT {NetworkRows.SubnetColumns} FROM subnets WHERE network_id = @networkId ORDER BY created_at, id LIMIT 1", new { networkId = request.Network.Id }, transaction))
                .FirstOrDefault()?.ToRecord() ?? throw new FloatingIpPoolExhaustedException(request.Network.Id);
            var used = (await connection.QueryAsync<string>(
                "SELECT ip_address FROM port_ips WHERE subnet_id = @subnetId", new { subnetId = subnet.Id }, transaction)).ToHashSet(StringComparer.Ordinal);
            var address = PickAddress(subnet, used, request.Address, request.Network.Id);
            if (request.Association is { } association)
            {
                await EnsureAssociableAsync(connection, transaction, association, floatingIpId: null);
            }

            var id = Guid.NewGuid().ToString();
            var portId = Guid.NewGuid().ToString();
            var now = Servers.Timestamps.Now();
            // Neutron's floating IP port: no project (so no port quota and no member sees it), owned by the floating IP.
            await connection.ExecuteAsync("""
                INSERT INTO ports (id, network_id, project_id, name, mac_address, device_id, device_owner, status, security_groups, preserve_on_delete, position, created_at, updated_at)
                VALUES (@portId, @networkId, '', '', @mac, @id, @owner, 'N/A', '[]', 0, 0, @now, @now)
                """, new { portId, networkId = request.Network.Id, mac = MacAddresses.NewMac(), id, owner = FloatingIpOwners.FloatingIp, now }, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO port_ips (ip_address, port_id, subnet_id) VALUES (@address, @portId, @subnetId)", new { address, portId, subnetId = subnet.Id }, transaction);
            await connection.ExecuteAsync("""
                INSERT INTO floating_ips (id, project_id, floating_network_id, floating_port_id, floating_ip_address, port_id, fixed_ip_address, description, created_at, updated_at)
                VALUES (@id, @projectId, @networkId, @portId, @address, @associatedPort, @fixedAddress, @description, @now, @now)
                """, new
            {
                id,
                projectId = request.ProjectId,
                networkId = request.Network.Id,
                portId,
                address,
                associatedPort = request.Association?.PortId,
                fixedAddress = request.Association?.FixedIpAddress,
                description = request.Description,
                now,
            }, transaction);
            return (await FloatingIpsWhereAsync(connection, transaction, "id = @id", new { id })).Single();
        }, cancellationToken);

    /// <summary>Associates (a port and fixed address) or disassociates (null) a floating IP, and changes its description when given.</summary>
    internal Task<FloatingIpRecord> UpdateAsync(string id, Association? association, bool associationGiven, string? description, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var current = (await FloatingIpsWhereAsync(connection, transaction, "id = @id", new { id })).SingleOrDefault()
                ?? throw new NetworkResourceNotFoundException("FloatingIP", id);
            if (associationGiven && association is not null)
            {
                await EnsureAssociableAsync(connection, transaction, association, id);
            }

            var (portId, fixedAddress) = associationGiven ? (association?.PortId, association?.FixedIpAddress) : (current.PortId, current.FixedIpAddress);
            await connection.ExecuteAsync("""
                UPDATE floating_ips SET port_id = @portId, fixed_ip_address = @fixedAddress, description = @description,
                    updated_at = @now, revision_number = revision_number + 1
                WHERE id = @id
                """, new { id, portId, fixedAddress, description = description ?? current.Description, now = Servers.Timestamps.Now() }, transaction);
            return (await FloatingIpsWhereAsync(connection, transaction, "id = @id", new { id })).Single();
        }, cancellationToken);

    /// <summary>Deletes a floating IP with its forwardings and its port, which frees the address.</summary>
    internal Task DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var current = (await FloatingIpsWhereAsync(connection, transaction, "id = @id", new { id })).SingleOrDefault()
                ?? throw new NetworkResourceNotFoundException("FloatingIP", id);
            await connection.ExecuteAsync("DELETE FROM floating_ips WHERE id = @id", new { id }, transaction);
            return await connection.ExecuteAsync("DELETE FROM ports WHERE id = @portId", new { portId = current.FloatingPortId }, transaction);
        }, cancellationToken);

    /// <summary>Adds a port forwarding to a floating IP that no port is associated with; refused when its external or internal end is taken.</summary>
    internal Task<PortForwardingRecord> AddForwardingAsync(PortForwardingRecord forwarding, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var floating = (await FloatingIpsWhereAsync(connection, transaction, "id = @id", new { id = forwarding.FloatingIpId })).SingleOrDefault()
                ?? throw new NetworkResourceNotFoundException("FloatingIP", forwarding.FloatingIpId);
            if (floating.PortId is not null)
            {
                throw new FloatingIpInUseException(
                    $"Floating IP {floating.Id} is associated with port {floating.PortId}: a floating IP carries either an association or port forwardings.");
            }

            await EnsureHoldsAddressAsync(connection, transaction, forwarding.InternalPortId, forwarding.InternalIpAddress);
            if (await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM floating_ips WHERE fixed_ip_address = @address", new { address = forwarding.InternalIpAddress }, transaction) > 0)
            {
                throw new PortHasFloatingIpException(forwarding.InternalPortId, forwarding.InternalIpAddress);
            }

            await EnsureForwardingFreeAsync(connection, transaction, forwarding);
            await connection.ExecuteAsync("""
                INSERT INTO floating_ip_port_forwardings (id, floatingip_id, protocol, external_port, internal_port, internal_port_id, internal_ip_address, description)
                VALUES (@Id, @FloatingIpId, @Protocol, @ExternalPort, @InternalPort, @InternalPortId, @InternalIpAddress, @Description)
                """, forwarding, transaction);
            return forwarding;
        }, cancellationToken);

    /// <summary>Replaces a forwarding's ends and description, with the same checks as an add.</summary>
    internal Task<PortForwardingRecord> UpdateForwardingAsync(PortForwardingRecord forwarding, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await EnsureHoldsAddressAsync(connection, transaction, forwarding.InternalPortId, forwarding.InternalIpAddress);
            await EnsureForwardingFreeAsync(connection, transaction, forwarding);
            var changed = await connection.ExecuteAsync("""
                UPDATE floating_ip_port_forwardings SET protocol = @Protocol, external_port = @ExternalPort, internal_port = @InternalPort,
                    internal_port_id = @InternalPortId, internal_ip_address = @InternalIpAddress, description = @Description
                WHERE id = @Id AND floatingip_id = @FloatingIpId
                """, forwarding, transaction);
            return changed == 1 ? forwarding : throw new NetworkResourceNotFoundException("PortForwarding", forwarding.Id);
        }, cancellationToken);

    internal Task<bool> DeleteForwardingAsync(string floatingIpId, string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(
            "DELETE FROM floating_ip_port_forwardings WHERE id = @id AND floatingip_id = @floatingIpId", new { id, floatingIpId }, transaction) == 1, cancellationToken);

    private static string PickAddress(SubnetRecord subnet, IReadOnlySet<string> used, string? wanted, string networkId)
    {
        try
        {
            return AddressPicker.Pick(subnet, used, wanted, networkId);
        }
        catch (PoolExhaustedException)
        {
            throw new FloatingIpPoolExhaustedException(networkId);
        }
        catch (AddressInUseException)
        {
            throw new FloatingAddressTakenException(wanted!, subnet.Id);
        }
    }

    /// <summary>The port still holds the fixed address, and no other floating IP is associated with that address.</summary>
    private static async Task EnsureAssociableAsync(SqliteConnection connection, IDbTransaction transaction, Association association, string? floatingIpId)
    {
        await EnsureHoldsAddressAsync(connection, transaction, association.PortId, association.FixedIpAddress);
        var holder = await connection.QueryFirstOrDefaultAsync<string>(
            "SELECT id FROM floating_ips WHERE fixed_ip_address = @address AND (@floatingIpId IS NULL OR id != @floatingIpId)",
            new { address = association.FixedIpAddress, floatingIpId }, transaction);
        if (holder is not null)
        {
            throw new FloatingIpAlreadyAssociatedException(association.PortId, association.FixedIpAddress, holder);
        }

        if (await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM floating_ip_port_forwardings WHERE (@floatingIpId IS NOT NULL AND floatingip_id = @floatingIpId)", new { floatingIpId }, transaction) > 0)
        {
            throw new FloatingIpInUseException(
                $"Floating IP {floatingIpId} has port forwardings: a floating IP carries either an association or port forwardings.");
        }
    }

    private static async Task EnsureHoldsAddressAsync(SqliteConnection connection, IDbTransaction transaction, string portId, string address)
    {
        if (await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM port_ips WHERE port_id = @portId AND ip_address = @address", new { portId, address }, transaction) == 0)
        {
            throw new InvalidRequestException($"Bad floatingip request: Port {portId} does not have fixed ip {address}.");
        }
    }

    private static async Task EnsureForwardingFreeAsync(SqliteConnection connection, IDbTransaction transaction, PortForwardingRecord forwarding)
    {
        var clash = await connection.QueryFirstOrDefaultAsync<string>("""
            SELECT id FROM floating_ip_port_forwardings
            WHERE id != @Id AND protocol = @Protocol
              AND ((floatingip_id = @FloatingIpId AND external_port = @ExternalPort) OR (internal_ip_address = @InternalIpAddress AND internal_port = @InternalPort))
            """, forwarding, transaction);
        if (clash is not null)
        {
            throw new PortForwardingConflictException(forwarding, clash);
        }
    }
}

/// <summary>A floating IP to make: on which external network, for which project, which address (null for any), associated or not.</summary>
internal sealed record NewFloatingIp(NetworkRecord Network, string ProjectId, string? Address, Association? Association, string Description);

/// <summary>A port and the one of its fixed addresses a floating IP is NAT'd to.</summary>
public sealed record Association(string PortId, string FixedIpAddress);
