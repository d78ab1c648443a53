-- User-mode networks (kind 'user'): guests on the hypervisor's user-mode stack (passt, or QEMU's SLIRP), reached from
-- the host through TCP forwards. A user network says where its forwards listen and which guest ports they reach.
ALTER TABLE networks ADD COLUMN forward_address TEXT;
ALTER TABLE networks ADD COLUMN forward_ports TEXT NOT NULL DEFAULT '[]';

-- One row per forward of a port. host_port is the key: two forwards can never hold one host port, whatever their
-- address, however the writers race. A port's delete frees its forwards with it.
CREATE TABLE port_forwards (
    host_port    INTEGER NOT NULL PRIMARY KEY,
    host_address TEXT    NOT NULL,
    port_id      TEXT    NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
    protocol     TEXT    NOT NULL DEFAULT 'tcp',
    guest_port   INTEGER NOT NULL,
    UNIQUE (port_id, protocol, guest_port)
);
CREATE INDEX port_forwards_port ON port_forwards (port_id);
