-- Floating IPs, in Neutron's model: an address of an external network's pool, held by a port of its own
-- (device_owner network:floatingip, no project, as Neutron makes it) so port_ips' key keeps it unique across every
-- port and floating IP, however the writers race. Associated with a port's fixed address, it is NAT'd to it.
CREATE TABLE floating_ips (
    id                  TEXT    PRIMARY KEY,
    project_id          TEXT    NOT NULL,
    floating_network_id TEXT    NOT NULL REFERENCES networks (id),
    floating_port_id    TEXT    NOT NULL UNIQUE REFERENCES ports (id),
    floating_ip_address TEXT    NOT NULL UNIQUE,
    port_id             TEXT,
    fixed_ip_address    TEXT,
    description         TEXT    NOT NULL DEFAULT '',
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    revision_number     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX floating_ips_project ON floating_ips (project_id);
-- One floating IP per fixed address (Neutron's FloatingIPPortAlreadyAssociated).
CREATE UNIQUE INDEX floating_ips_fixed ON floating_ips (fixed_ip_address) WHERE fixed_ip_address IS NOT NULL;

-- A port that goes (its server's delete, a detach) takes its floating IPs' association with it, in the same statement.
CREATE TRIGGER floating_ips_port_gone AFTER DELETE ON ports
BEGIN
    UPDATE floating_ips SET port_id = NULL, fixed_ip_address = NULL, revision_number = revision_number + 1
    WHERE port_id = OLD.id;
END;

-- Neutron's port forwardings: external_port of the floating address reaches internal_port of a port's fixed address.
CREATE TABLE floating_ip_port_forwardings (
    id                  TEXT    PRIMARY KEY,
    floatingip_id       TEXT    NOT NULL REFERENCES floating_ips (id) ON DELETE CASCADE,
    protocol            TEXT    NOT NULL,
    external_port       INTEGER NOT NULL,
    internal_port       INTEGER NOT NULL,
    internal_port_id    TEXT    NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
    internal_ip_address TEXT    NOT NULL,
    description         TEXT    NOT NULL DEFAULT '',
    UNIQUE (floatingip_id, protocol, external_port),
    UNIQUE (internal_ip_address, protocol, internal_port)
);
CREATE INDEX floating_ip_port_forwardings_port ON floating_ip_port_forwardings (internal_port_id);
