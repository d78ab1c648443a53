-- Servers (Nova's instances). Deleted rows stay (deleted = 1) so changes-since can show them.
CREATE TABLE servers (
    uuid              TEXT    PRIMARY KEY,
    project_id        TEXT    NOT NULL,
    user_id           TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    hostname          TEXT    NOT NULL,
    description       TEXT,
    domain_name       TEXT    NOT NULL UNIQUE,
    image_ref         TEXT    NOT NULL DEFAULT '',
    flavor_id         TEXT    NOT NULL,
    -- The flavor as it was at create (Nova's embedded instance flavor): name, sizes, extra specs.
    flavor_json       TEXT    NOT NULL,
    vcpus             INTEGER NOT NULL,
    memory_mb         INTEGER NOT NULL,
    root_gb           INTEGER NOT NULL,
    ephemeral_gb      INTEGER NOT NULL DEFAULT 0,
    swap_mb           INTEGER NOT NULL DEFAULT 0,
    key_name          TEXT,
    key_data          TEXT,
    user_data         TEXT,
    availability_zone TEXT    NOT NULL DEFAULT 'nova',
    config_drive      INTEGER NOT NULL DEFAULT 0,
    access_ip_v4      TEXT    NOT NULL DEFAULT '',
    access_ip_v6      TEXT    NOT NULL DEFAULT '',
    disk_config       TEXT    NOT NULL DEFAULT 'MANUAL',
    security_groups   TEXT    NOT NULL DEFAULT '["default"]',
    networks          TEXT    NOT NULL DEFAULT 'none',
    reservation_id    TEXT    NOT NULL,
    launch_index      INTEGER NOT NULL DEFAULT 0,
    kernel_id         TEXT    NOT NULL DEFAULT '',
    ramdisk_id        TEXT    NOT NULL DEFAULT '',
    root_device_name  TEXT,
    vm_state          TEXT    NOT NULL,
    task_state        TEXT,
    power_state       INTEGER NOT NULL DEFAULT 0,
    progress          INTEGER NOT NULL DEFAULT 0,
    locked            INTEGER NOT NULL DEFAULT 0,
    locked_by         TEXT,
    locked_reason     TEXT,
    -- The last fault as JSON {code, message, details, created}; shown while the server is ERROR.
    fault_json        TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    launched_at       TEXT,
    terminated_at     TEXT,
    deleted_at        TEXT,
    deleted           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX servers_project ON servers (project_id, deleted, created_at);
CREATE INDEX servers_updated ON servers (updated_at);

CREATE TABLE server_metadata (
    server_uuid TEXT NOT NULL REFERENCES servers (uuid) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (server_uuid, key)
);

CREATE TABLE server_tags (
    server_uuid TEXT NOT NULL REFERENCES servers (uuid) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (server_uuid, tag)
);

-- Block devices: the local disks' sources and the volumes made for the server (boot from volume, blank).
CREATE TABLE block_device_mappings (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    server_uuid           TEXT    NOT NULL REFERENCES servers (uuid) ON DELETE CASCADE,
    boot_index            INTEGER,
    source_type           TEXT    NOT NULL,
    destination_type      TEXT    NOT NULL,
    image_id              TEXT,
    volume_id             TEXT,
    volume_size           INTEGER,
    device_name           TEXT,
    tag                   TEXT,
    delete_on_termination INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX block_device_mappings_server ON block_device_mappings (server_uuid);

-- os-instance-actions: one row per operation, its events are the phases with their times.
CREATE TABLE instance_actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    server_uuid TEXT    NOT NULL REFERENCES servers (uuid) ON DELETE CASCADE,
    action      TEXT    NOT NULL,
    request_id  TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    project_id  TEXT    NOT NULL,
    start_time  TEXT    NOT NULL,
    finish_time TEXT,
    message     TEXT,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX instance_actions_server ON instance_actions (server_uuid, id);

CREATE TABLE instance_action_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id   INTEGER NOT NULL REFERENCES instance_actions (id) ON DELETE CASCADE,
    event       TEXT    NOT NULL,
    start_time  TEXT    NOT NULL,
    finish_time TEXT,
    result      TEXT,
    traceback   TEXT,
    details     TEXT
);
CREATE INDEX instance_action_events_action ON instance_action_events (action_id);
