-- Messages of every conversation, and the inbox sync cursor.
CREATE TABLE messages (
    message_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    message_uid       TEXT UNIQUE,
    conversation_type INTEGER NOT NULL,
    target_id         TEXT    NOT NULL,
    sender_user_id    TEXT    NOT NULL,
    direction         INTEGER NOT NULL,
    object_name       TEXT    NOT NULL,
    content           TEXT    NOT NULL,
    sent_time         INTEGER NOT NULL,
    sent_status       INTEGER NOT NULL,
    received_status   INTEGER NOT NULL DEFAULT 0,
    received_time     INTEGER NOT NULL DEFAULT 0,
    offline           INTEGER NOT NULL DEFAULT 0,
    -- Idempotency key of outgoing messages (NULL for received ones).
    client_message_id TEXT
);

CREATE UNIQUE INDEX messages_by_client_id ON messages (client_message_id) WHERE client_message_id IS NOT NULL;

CREATE INDEX messages_by_conversation ON messages (conversation_type, target_id, sent_time, message_id);

-- Single-row state: the highest inbox sequence number stored here.
CREATE TABLE sync_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    inbox_seq INTEGER NOT NULL
);
INSERT INTO sync_state (id, inbox_seq) VALUES (1, 0);
