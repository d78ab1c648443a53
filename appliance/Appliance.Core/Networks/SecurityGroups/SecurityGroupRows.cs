namespace Appliance.Core.Networks;

/// <summary>The security group tables' rows as SQLite returns them, and their conversion to records.</summary>
internal static class SecurityGroupRows
{
    public const string GroupColumns = """
        id AS Id, project_id AS ProjectId, name AS Name, description AS Description, is_default AS IsDefault, stateful AS Stateful,
        created_at AS CreatedAt, updated_at AS UpdatedAt, revision_number AS RevisionNumber
        """;

    public const string RuleColumns = """
        id AS Id, security_group_id AS SecurityGroupId, project_id AS ProjectId, direction AS Direction, ethertype AS Ethertype,
        protocol AS Protocol, port_range_min AS PortRangeMin, port_range_max AS PortRangeMax, remote_ip_prefix AS RemoteIpPrefix,
        remote_group_id AS RemoteGroupId, description AS Description, created_at AS CreatedAt, updated_at AS UpdatedAt,
        revision_number AS RevisionNumber
        """;

    internal sealed class GroupRow
    {
        public string Id { get; set; } = "";
        public string ProjectId { get; set; } = "";
        public string Name { get; set; } = "";
        public string Description { get; set; } = "";
        public long IsDefault { get; set; }
        public long Stateful { get; set; }
        public string CreatedAt { get; set; } = "";
        public string UpdatedAt { get; set; } = "";
        public long RevisionNumber { get; set; }

        public SecurityGroupRecord ToRecord(IReadOnlyList<SecurityGroupRuleRecord> rules) => new()
        {
            Id = Id,
            ProjectId = ProjectId,
            Name = Name,
            Description = Description,
            IsDefault = IsDefault != 0,
            Stateful = Stateful != 0,
            Rules = rules,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
            RevisionNumber = RevisionNumber,
        };
    }

    internal sealed class RuleRow
    {
        public string Id { get; set; } = "";
        public string SecurityGroupId { get; set; } = "";
        public string ProjectId { get; set; } = "";
        public string Direction { get; set; } = "";
        public string Ethertype { get; set; } = "";
        public string? Protocol { get; set; }
        public long? PortRangeMin { get; set; }
        public long? PortRangeMax { get; set; }
        public string? RemoteIpPrefix { get; set; }
        public string? RemoteGroupId { get; set; }
        public string Description { get; set; } = "";
        public string CreatedAt { get; set; } = "";
        public string UpdatedAt { get; set; } = "";
        public long RevisionNumber { get; set; }

        public SecurityGroupRuleRecord ToRecord() => new()
        {
            Id = Id,
            SecurityGroupId = SecurityGroupId,
            ProjectId = ProjectId,
            Direction = Direction,
            Ethertype = Ethertype,
            Protocol = Protocol,
            PortRangeMin = (int?)PortRangeMin,
            PortRangeMax = (int?)PortRangeMax,
            RemoteIpPrefix = RemoteIpPrefix,
            RemoteGroupId = RemoteGroupId,
            Description = Description,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
            RevisionNumber = RevisionNumber,
        };
    }
}
