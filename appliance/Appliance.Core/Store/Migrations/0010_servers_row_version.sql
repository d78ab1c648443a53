-- A counter every UPDATE of a server row bumps, in the same statement's transaction: a reader holding a copy of the
-- row can tell it is still exact from two columns (uuid, row_version) instead of all of them (see ServerRowCache).
-- A trigger rather than the writers, so no UPDATE, present or future, can change a row and leave its version.
ALTER TABLE servers ADD COLUMN row_version INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER servers_row_version AFTER UPDATE ON servers FOR EACH ROW WHEN NEW.row_version = OLD.row_version
BEGIN
    UPDATE servers SET row_version = OLD.row_version + 1 WHERE rowid = NEW.rowid;
END;
