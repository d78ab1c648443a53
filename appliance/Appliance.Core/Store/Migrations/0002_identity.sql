-- Keystone's slice: one domain, projects, users, roles and the assignments between them; tokens by hash.
CREATE TABLE domains (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    description TEXT,
    enabled     INTEGER NOT NULL DEFAULT 1
);
INSERT INTO domains (id, name, description, enabled) VALUES ('default', 'Default', 'The default domain', 1);

CREATE TABLE projects (
    id          TEXT    PRIMARY KEY,
    domain_id   TEXT    NOT NULL REFERENCES domains (id),
    name        TEXT    NOT NULL,
    description TEXT,
    enabled     INTEGER NOT NULL DEFAULT 1,
    tags        TEXT    NOT NULL DEFAULT '[]', -- JSON array, as Keystone echoes it
    created_at  TEXT    NOT NULL,
    UNIQUE (domain_id, name)
);

-- password_hash is NULL for a user who cannot log in with a password (Keystone allows it).
CREATE TABLE users (
    id                 TEXT    PRIMARY KEY,
    domain_id          TEXT    NOT NULL REFERENCES domains (id),
    name               TEXT    NOT NULL,
    password_hash      TEXT,
    enabled            INTEGER NOT NULL DEFAULT 1,
    default_project_id TEXT    REFERENCES projects (id) ON DELETE SET NULL,
    description        TEXT,
    email              TEXT,
    created_at         TEXT    NOT NULL,
    UNIQUE (domain_id, name)
);

-- The three roles Keystone's bootstrap makes; they cannot be deleted.
CREATE TABLE roles (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    description TEXT,
    immutable   INTEGER NOT NULL DEFAULT 0
);
INSERT INTO roles (id, name, immutable) VALUES (lower(hex(randomblob(16))), 'admin', 1);
INSERT INTO roles (id, name, immutable) VALUES (lower(hex(randomblob(16))), 'member', 1);
INSERT INTO roles (id, name, immutable) VALUES (lower(hex(randomblob(16))), 'reader', 1);

CREATE TABLE role_assignments (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    role_id    TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, project_id, role_id)
);
CREATE INDEX role_assignments_project ON role_assignments (project_id);

-- A token is 256 random bits given to the client once; only its SHA-256 is kept here.
CREATE TABLE tokens (
    hash          TEXT    PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id    TEXT    REFERENCES projects (id) ON DELETE CASCADE,
    audit_id      TEXT    NOT NULL,
    methods       TEXT    NOT NULL,
    issued_at_ms  INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    revoked       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_expires_at ON tokens (expires_at_ms);
