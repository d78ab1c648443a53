-- A resize in flight or awaiting its confirm or revert (Nova's instance.old_flavor, instance.new_flavor and the
-- old_vm_state system metadata; a single node needs no migrations table). All four are NULL when no resize is open.
ALTER TABLE servers ADD COLUMN old_flavor_json TEXT;
ALTER TABLE servers ADD COLUMN new_flavor_json TEXT;
-- active or stopped: where a revert, a failed resize or a restart cut short returns the server.
ALTER TABLE servers ADD COLUMN old_vm_state TEXT;
-- When the server reached VERIFY_RESIZE; the automatic confirm counts its window from here.
ALTER TABLE servers ADD COLUMN resized_at TEXT;
CREATE INDEX servers_resized ON servers (resized_at) WHERE resized_at IS NOT NULL;
