-- Keystone's lockout (security_compliance): consecutive failed logins since the last good one, and when the last failed.
-- Kept in the store so a restart neither forgets a lock nor grants new guesses.
ALTER TABLE users ADD COLUMN failed_auth_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_auth_at TEXT;
