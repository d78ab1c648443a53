-- Glance's image records; the bytes live in DATA_DIR/images/<id>.
CREATE TABLE images (
    id               TEXT    PRIMARY KEY,
    name             TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('queued', 'saving', 'active', 'killed', 'deleted', 'deactivated')),
    disk_format      TEXT,
    container_format TEXT,
    size             INTEGER,
    virtual_size     INTEGER,
    checksum         TEXT,
    os_hash_algo     TEXT,
    os_hash_value    TEXT,
    min_disk         INTEGER NOT NULL DEFAULT 0,
    min_ram          INTEGER NOT NULL DEFAULT 0,
    visibility       TEXT    NOT NULL DEFAULT 'shared' CHECK (visibility IN ('public', 'private', 'shared', 'community')),
    owner            TEXT,
    protected        INTEGER NOT NULL DEFAULT 0,
    os_hidden        INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    deleted_at       TEXT
);
CREATE INDEX images_owner ON images (owner, status);
CREATE INDEX images_created ON images (created_at, id);

CREATE TABLE image_properties (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (image_id, name)
);

CREATE TABLE image_tags (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (image_id, tag)
);
