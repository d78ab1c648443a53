using System.Text.Json;

namespace Appliance.Core.Networks;

/// <summary>The rows of the network tables as SQLite returns them, and their conversion to records.</summary>
internal static class NetworkRows
{
    public const string NetworkColumns = """
        id AS Id, name AS Name, project_id AS ProjectId, shared AS Shared, kind AS Kind, libvirt_name AS LibvirtName,
        bridge AS Bridge, mtu AS Mtu, admin_state_up AS AdminStateUp, router_external AS RouterExternal,
        description AS Description, created_at AS CreatedAt, updated_at AS UpdatedAt, revision_number AS RevisionNumber,
        forward_address AS ForwardAddress, forward_ports AS ForwardPorts
        """;

    public const string SubnetColumns = """
        id AS Id, network_id AS NetworkId, project_id AS ProjectId, name AS Name, ip_version AS IpVersion, cidr AS Cidr,
        gateway_ip AS GatewayIp, enable_dhcp AS EnableDhcp, dns_nameservers AS DnsNameservers,
        allocation_pools AS AllocationPools, created_at AS CreatedAt, updated_at AS UpdatedAt, revision_number AS RevisionNumber
        """;

    public const string PortColumns = """
        id AS Id, network_id AS NetworkId, project_id AS ProjectId, name AS Name, mac_address AS MacAddress,
        device_id AS DeviceId, device_owner AS DeviceOwner, status AS Status, admin_state_up AS AdminStateUp,
        security_groups AS SecurityGroups, preserve_on_delete AS PreserveOnDelete, position AS Position,
        created_at AS CreatedAt, updated_at AS UpdatedAt, revision_number AS RevisionNumber
        """;

    internal sealed record NetworkRow(string Id, string Name, string ProjectId, long Shared, string Kind, string? LibvirtName,
        string Bridge, long Mtu, long AdminStateUp, long RouterExternal, string Description, string CreatedAt, string UpdatedAt, long RevisionNumber,
        string? ForwardAddress, string ForwardPorts)
    {
        public NetworkRecord ToRecord() => new()
        {
            Id = Id,
            Name = Name,
            ProjectId = ProjectId,
            Shared = Shared != 0,
            Kind = Kind,
            LibvirtName = LibvirtName,
            Bridge = Bridge,
            Mtu = (int)Mtu,
            AdminStateUp = AdminStateUp != 0,
            RouterExternal = RouterExternal != 0,
            Description = Description,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
            RevisionNumber = RevisionNumber,
            ForwardAddress = ForwardAddress,
            ForwardPorts = JsonSerializer.Deserialize<List<int>>(ForwardPorts) ?? [],
        };
    }

    internal sealed record SubnetRow(string Id, string NetworkId, string ProjectId, string Name, long IpVersion, string Cidr,
        string? GatewayIp, long EnableDhcp, string DnsNameservers, string AllocationPools, string CreatedAt, string UpdatedAt, long RevisionNumber)
    {
        public SubnetRecord ToRecord() => new()
        {
            Id = Id,
            NetworkId = NetworkId,
            ProjectId = ProjectId,
            Name = Name,
            IpVersion = (int)IpVersion,
            Cidr = Cidr,
            GatewayIp = GatewayIp,
            EnableDhcp = EnableDhcp != 0,
            DnsNameservers = JsonSerializer.Deserialize<List<string>>(DnsNameservers) ?? [],
            AllocationPools = JsonSerializer.Deserialize<List<AllocationPool>>(AllocationPools) ?? [],
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
            RevisionNumber = RevisionNumber,
        };
    }

    internal sealed record PortRow(string Id, string NetworkId, string ProjectId, string Name, string MacAddress, string DeviceId,
        string DeviceOwner, string Status, long AdminStateUp, string SecurityGroups, long PreserveOnDelete, long Position,
        string CreatedAt, string UpdatedAt, long RevisionNumber)
    {
        public PortRecord ToRecord(IReadOnlyList<FixedIp> fixedIps) => new()
        {
            Id = Id,
            NetworkId = NetworkId,
            ProjectId = ProjectId,
            Name = Name,
            MacAddress = MacAddress,
            DeviceId = DeviceId,
            DeviceOwner = DeviceOwner,
            Status = Status,
            AdminStateUp = AdminStateUp != 0,
            SecurityGroups = JsonSerializer.Deserialize<List<string>>(SecurityGroups) ?? [],
            PreserveOnDelete = PreserveOnDelete != 0,
            Position = (int)Position,
            FixedIps = fixedIps,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
            RevisionNumber = RevisionNumber,
        };
    }

    internal sealed record FixedIpRow(string PortId, string SubnetId, string IpAddress);
}
