-- One sync cursor per group stream: the highest group sequence stored (counted in the inbox
-- epoch of sync_state, and reset with the inbox cursor when it changes).
CREATE TABLE group_cursors (
    group_id TEXT PRIMARY KEY,
    seq      INTEGER NOT NULL
) WITHOUT ROWID;
