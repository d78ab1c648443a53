-- Per-project quota limits set by an admin (Nova's quotas table); a resource without a row has its default.
CREATE TABLE quotas (
    project_id TEXT    NOT NULL,
    resource   TEXT    NOT NULL,
    hard_limit INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (project_id, resource)
);
