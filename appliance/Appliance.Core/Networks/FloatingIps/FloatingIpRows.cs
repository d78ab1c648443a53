namespace Appliance.Core.Networks;

/// <summary>The floating IP tables' rows as SQLite returns them.</summary>
internal static class FloatingIpRows
{
    public const string FloatingIpColumns = """
        id AS Id, project_id AS ProjectId, floating_network_id AS FloatingNetworkId, floating_port_id AS FloatingPortId,
        floating_ip_address AS FloatingIpAddress, port_id AS PortId, fixed_ip_address AS FixedIpAddress, description AS Description,
        created_at AS CreatedAt, updated_at AS UpdatedAt, revision_number AS RevisionNumber
        """;

    public const string ForwardingColumns = """
        id AS Id, floatingip_id AS FloatingIpId, protocol AS Protocol, external_port AS ExternalPort, internal_port AS InternalPort,
        internal_port_id AS InternalPortId, internal_ip_address AS InternalIpAddress, description AS Description
        """;

    internal sealed class FloatingIpRow
    {
        public string Id { get; set; } = "";
        public string ProjectId { get; set; } = "";
        public string FloatingNetworkId { get; set; } = "";
        public string FloatingPortId { get; set; } = "";
        public string FloatingIpAddress { get; set; } = "";
        public string? PortId { get; set; }
        public string? FixedIpAddress { get; set; }
        public string Description { get; set; } = "";
        public string CreatedAt { get; set; } = "";
        public string UpdatedAt { get; set; } = "";
        public long RevisionNumber { get; set; }

        public FloatingIpRecord ToRecord() => new()
        {
            Id = Id,
            ProjectId = ProjectId,
            FloatingNetworkId = FloatingNetworkId,
            FloatingPortId = FloatingPortId,
            FloatingIpAddress = FloatingIpAddress,
            PortId = PortId,
            FixedIpAddress = FixedIpAddress,
            Description = Description,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
            RevisionNumber = RevisionNumber,
        };
    }

    internal sealed class ForwardingRow
    {
        public string Id { get; set; } = "";
        public string FloatingIpId { get; set; } = "";
        public string Protocol { get; set; } = "";
        public long ExternalPort { get; set; }
        public long InternalPort { get; set; }
        public string InternalPortId { get; set; } = "";
        public string InternalIpAddress { get; set; } = "";
        public string Description { get; set; } = "";

        public PortForwardingRecord ToRecord() => new()
        {
            Id = Id,
            FloatingIpId = FloatingIpId,
            Protocol = Protocol,
            ExternalPort = (int)ExternalPort,
            InternalPort = (int)InternalPort,
            InternalPortId = InternalPortId,
            InternalIpAddress = InternalIpAddress,
            Description = Description,
        };
    }
}
