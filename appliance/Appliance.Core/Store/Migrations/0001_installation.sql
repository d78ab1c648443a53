-- One row naming this installation; its id is the host id the compute API reports.
CREATE TABLE installation (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    id         TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
