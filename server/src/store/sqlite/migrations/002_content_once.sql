-- Fewer pages per send: the content is stored once, in `messages`, which now holds every
-- message (persisted ones as history, the others until their inbox entry is purged); the
-- sender's idempotency key becomes a column of it (replacing `sent_requests`); inbox entries
-- only reference their message; and `inbox_counters` is written by purges only (the current
-- sequence of a user is the larger of their last inbox entry and their counter).

-- Keyed by the UID, which starts with the sent time: new messages append at the end.
CREATE TABLE messages_v2 (
    message_uid        TEXT PRIMARY KEY,
    app_key            TEXT NOT NULL,
    sender_id          TEXT NOT NULL,
    conversation_type  INTEGER NOT NULL,
    target_id          TEXT NOT NULL,
    object_name        TEXT NOT NULL,
    content            TEXT NOT NULL,
    sent_time          INTEGER NOT NULL,
    persisted          INTEGER NOT NULL,
    counted            INTEGER NOT NULL,
    -- Sender's idempotency key; NULL without one, and once the message's inbox entry is purged.
    client_message_id  TEXT
) WITHOUT ROWID;

-- Every message a user must receive, under that user's sequence number. All entries of a
-- message are written with it (same transaction), so they share its age.
CREATE TABLE inbox_v2 (
    app_key      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    message_uid  TEXT NOT NULL,
    PRIMARY KEY (app_key, user_id, seq)
) WITHOUT ROWID;

-- History, then messages still waiting in an inbox (not persisted, so not in history).
INSERT INTO messages_v2 (message_uid, app_key, sender_id, conversation_type, target_id,
                         object_name, content, sent_time, persisted, counted, client_message_id)
    SELECT m.message_uid, m.app_key, m.sender_id, m.conversation_type, m.target_id,
           m.object_name, m.content, m.sent_time, 1, m.counted,
           (SELECT r.client_message_id FROM sent_requests r WHERE r.message_uid = m.message_uid)
    FROM messages m;
INSERT INTO messages_v2 (message_uid, app_key, sender_id, conversation_type, target_id,
                         object_name, content, sent_time, persisted, counted, client_message_id)
    SELECT i.message_uid, i.app_key, i.sender_id, i.conversation_type, i.user_id,
           i.object_name, i.content, i.sent_time, i.persisted, i.counted,
           (SELECT r.client_message_id FROM sent_requests r WHERE r.message_uid = i.message_uid)
    FROM inbox i
    WHERE i.message_uid NOT IN (SELECT message_uid FROM messages);
INSERT INTO inbox_v2 (app_key, user_id, seq, message_uid)
    SELECT app_key, user_id, seq, message_uid FROM inbox;

DROP TABLE sent_requests;
DROP TABLE inbox;
DROP TABLE messages;
ALTER TABLE messages_v2 RENAME TO messages;
ALTER TABLE inbox_v2 RENAME TO inbox;

-- Idempotency: one message per (app, sender, key).
CREATE UNIQUE INDEX messages_by_client_id ON messages (app_key, sender_id, client_message_id)
    WHERE client_message_id IS NOT NULL;
-- Purging oldest first (UIDs sort by sent time).
CREATE INDEX inbox_by_message ON inbox (message_uid);
