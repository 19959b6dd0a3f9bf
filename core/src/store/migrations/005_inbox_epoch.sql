-- The server's inbox epoch the inbox cursor counts in (0: not known yet).
ALTER TABLE sync_state ADD COLUMN inbox_epoch INTEGER NOT NULL DEFAULT 0;
