-- Security groups, in Neutron's model: a project's groups hold rules; a port names the groups it is in (ports.security_groups,
-- a JSON list of group ids). Each project has one default group (is_default = 1; the partial index makes a second impossible).
CREATE TABLE security_groups (
    id              TEXT    PRIMARY KEY,
    project_id      TEXT    NOT NULL,
    name            TEXT    NOT NULL DEFAULT '',
    description     TEXT    NOT NULL DEFAULT '',
    is_default      INTEGER NOT NULL DEFAULT 0,
    stateful        INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    revision_number INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX security_groups_one_default ON security_groups (project_id) WHERE is_default = 1;

-- A group's delete takes its rules, and the rules of other groups that name it as their remote group (as Neutron's cascade).
CREATE TABLE security_group_rules (
    id                TEXT    PRIMARY KEY,
    security_group_id TEXT    NOT NULL REFERENCES security_groups (id) ON DELETE CASCADE,
    project_id        TEXT    NOT NULL,
    direction         TEXT    NOT NULL,
    ethertype         TEXT    NOT NULL,
    protocol          TEXT,
    port_range_min    INTEGER,
    port_range_max    INTEGER,
    remote_ip_prefix  TEXT,
    remote_group_id   TEXT    REFERENCES security_groups (id) ON DELETE CASCADE,
    description       TEXT    NOT NULL DEFAULT '',
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    revision_number   INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX security_group_rules_group ON security_group_rules (security_group_id);
CREATE INDEX security_group_rules_remote ON security_group_rules (remote_group_id);

-- Ports made before security groups are in their project's default group: each project with ports gets it now, with
-- Neutron's default rules (all egress, ingress from the group's own members, for IPv4 and IPv6).
INSERT INTO security_groups (id, project_id, name, description, is_default, created_at, updated_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
             || substr('89AB', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
       project_id, 'default', 'Default security group', 1,
       strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z', strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'
FROM (SELECT DISTINCT project_id FROM ports);

INSERT INTO security_group_rules (id, security_group_id, project_id, direction, ethertype, remote_group_id, created_at, updated_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
             || substr('89AB', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
       g.id, g.project_id, d.direction, d.ethertype, CASE d.from_members WHEN 1 THEN g.id END, g.created_at, g.created_at
FROM security_groups g
CROSS JOIN (SELECT 'egress' AS direction, 'IPv4' AS ethertype, 0 AS from_members
            UNION ALL SELECT 'egress', 'IPv6', 0
            UNION ALL SELECT 'ingress', 'IPv4', 1
            UNION ALL SELECT 'ingress', 'IPv6', 1) d;

UPDATE ports SET security_groups = json_array((SELECT g.id FROM security_groups g WHERE g.project_id = ports.project_id AND g.is_default = 1));
