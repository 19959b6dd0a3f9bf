-- Conversation statuses shared by the user's devices (seed setConversationStatus, synced across
-- devices since 2.5.8). Each conversation keeps the server's version of its status, so that an
-- older change arriving late never overwrites a newer one, and whether it was changed here
-- while offline and still has to go to the server; `status_cursor` is the version up to which
-- this device has caught up with the server's list of the user's changes.
ALTER TABLE conversations ADD COLUMN status_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN status_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN status_cursor INTEGER NOT NULL DEFAULT 0;
