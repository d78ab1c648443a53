-- The default list order (newest first) read straight from an index: without it an admin's list of every
-- project's servers sorted all rows, with all their columns, in a temp b-tree on each request.
-- Entries end in the rowid, so ORDER BY created_at DESC, rowid DESC (the list's tie-break) needs no sort.
CREATE INDEX servers_created ON servers (deleted, created_at);
