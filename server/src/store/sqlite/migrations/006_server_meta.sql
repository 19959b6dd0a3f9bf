-- Facts about the store itself: the inbox epoch and whether the last run shut down cleanly.
CREATE TABLE server_meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
