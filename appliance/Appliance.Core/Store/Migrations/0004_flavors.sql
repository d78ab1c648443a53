-- Flavors as Nova keeps them; flavorid is the API id (a string), id only orders creation.
CREATE TABLE flavors (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    flavorid     TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL UNIQUE,
    memory_mb    INTEGER NOT NULL,
    vcpus        INTEGER NOT NULL,
    root_gb      INTEGER NOT NULL,
    ephemeral_gb INTEGER NOT NULL DEFAULT 0,
    swap         INTEGER NOT NULL DEFAULT 0,
    rxtx_factor  REAL    NOT NULL DEFAULT 1.0,
    is_public    INTEGER NOT NULL DEFAULT 1,
    disabled     INTEGER NOT NULL DEFAULT 0,
    description  TEXT,
    created_at   TEXT    NOT NULL
);

CREATE TABLE flavor_extra_specs (
    flavor_id INTEGER NOT NULL REFERENCES flavors (id) ON DELETE CASCADE,
    key       TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (flavor_id, key)
);

-- Private flavors are visible to the projects listed here (os-flavor-access).
CREATE TABLE flavor_projects (
    flavor_id  INTEGER NOT NULL REFERENCES flavors (id) ON DELETE CASCADE,
    project_id TEXT    NOT NULL,
    PRIMARY KEY (flavor_id, project_id)
);

-- Nova's default flavors, plus m1.nano: small enough for a guest under TCG emulation.
INSERT INTO flavors (flavorid, name, memory_mb, vcpus, root_gb, created_at) VALUES
    ('1', 'm1.tiny', 512, 1, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('2', 'm1.small', 2048, 1, 20, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('3', 'm1.medium', 4096, 2, 40, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('4', 'm1.large', 8192, 4, 80, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('5', 'm1.xlarge', 16384, 8, 160, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('42', 'm1.nano', 256, 1, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
