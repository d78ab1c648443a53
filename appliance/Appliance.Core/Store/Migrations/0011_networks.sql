-- Guest networking, in Neutron's model: networks hold subnets, ports hold a MAC and fixed addresses on a subnet.
-- kind says which data plane carries a network: 'nat' or 'isolated' (a libvirt network the appliance owns),
-- 'provider' (an existing host bridge the admin names).
CREATE TABLE networks (
    id              TEXT    PRIMARY KEY,
    name            TEXT    NOT NULL,
    project_id      TEXT    NOT NULL,
    shared          INTEGER NOT NULL DEFAULT 0,
    kind            TEXT    NOT NULL,
    libvirt_name    TEXT    UNIQUE,
    bridge          TEXT    NOT NULL,
    mtu             INTEGER NOT NULL DEFAULT 1500,
    admin_state_up  INTEGER NOT NULL DEFAULT 1,
    router_external INTEGER NOT NULL DEFAULT 0,
    description     TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    revision_number INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE subnets (
    id               TEXT    PRIMARY KEY,
    network_id       TEXT    NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    project_id       TEXT    NOT NULL,
    name             TEXT    NOT NULL DEFAULT '',
    ip_version       INTEGER NOT NULL DEFAULT 4,
    cidr             TEXT    NOT NULL,
    gateway_ip       TEXT,
    enable_dhcp      INTEGER NOT NULL DEFAULT 1,
    dns_nameservers  TEXT    NOT NULL DEFAULT '[]',
    allocation_pools TEXT    NOT NULL DEFAULT '[]',
    host_routes      TEXT    NOT NULL DEFAULT '[]',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    revision_number  INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX subnets_network ON subnets (network_id);

-- A port the user made (preserve_on_delete = 1) is unbound when its server goes; one made for a server goes with it.
CREATE TABLE ports (
    id                 TEXT    PRIMARY KEY,
    network_id         TEXT    NOT NULL REFERENCES networks (id),
    project_id         TEXT    NOT NULL,
    name               TEXT    NOT NULL DEFAULT '',
    mac_address        TEXT    NOT NULL UNIQUE,
    device_id          TEXT    NOT NULL DEFAULT '',
    device_owner       TEXT    NOT NULL DEFAULT '',
    status             TEXT    NOT NULL DEFAULT 'DOWN',
    admin_state_up     INTEGER NOT NULL DEFAULT 1,
    security_groups    TEXT    NOT NULL DEFAULT '[]',
    preserve_on_delete INTEGER NOT NULL DEFAULT 0,
    position           INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    revision_number    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ports_device ON ports (device_id);
CREATE INDEX ports_network ON ports (network_id);

-- One row per fixed address. Subnets never overlap, so an address is unique on the whole appliance: the key makes
-- two ports holding one address impossible, however the writers race, and lets the metadata service find a guest
-- by the address it asks from.
CREATE TABLE port_ips (
    ip_address TEXT NOT NULL PRIMARY KEY,
    port_id    TEXT NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
    subnet_id  TEXT NOT NULL REFERENCES subnets (id)
);
CREATE INDEX port_ips_port ON port_ips (port_id);
CREATE INDEX port_ips_subnet ON port_ips (subnet_id);
