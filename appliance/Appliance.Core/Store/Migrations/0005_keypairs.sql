-- Key pairs belong to a user, as in Nova; names are unique per user.
CREATE TABLE key_pairs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    public_key  TEXT    NOT NULL,
    type        TEXT    NOT NULL DEFAULT 'ssh',
    created_at  TEXT    NOT NULL,
    UNIQUE (user_id, name)
);
