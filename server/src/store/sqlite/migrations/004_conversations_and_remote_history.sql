-- Remote history, the server-side conversation list, and remote deletions (per user). A
-- deletion also removes the user's inbox entries of the messages it hides, keeping the user's
-- sequence in `inbox_counters` first (as purges do).

-- A private conversation's history in either direction, by time: both participants map to the
-- same (lower id, higher id) pair. Only history (persisted messages) is indexed.
CREATE INDEX messages_by_conversation ON messages
    (app_key, conversation_type, min(sender_id, target_id), max(sender_id, target_id), sent_time)
    WHERE persisted = 1;

-- Each user's conversation list: one row per conversation (from the user's side), pointing at
-- the latest persisted message the user still has there (the row goes once they deleted all
-- of them). Written with every persisted message.
CREATE TABLE conversations (
    app_key             TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    conversation_type   INTEGER NOT NULL,
    target_id           TEXT NOT NULL,
    latest_message_uid  TEXT NOT NULL,
    sent_time           INTEGER NOT NULL,
    PRIMARY KEY (app_key, user_id, conversation_type, target_id)
) WITHOUT ROWID;
-- Latest first, page by page.
CREATE INDEX conversations_by_time ON conversations (app_key, user_id, sent_time);

-- The list as the history so far makes it.
INSERT INTO conversations (app_key, user_id, conversation_type, target_id, latest_message_uid,
                           sent_time)
    SELECT app_key, user_id, conversation_type, target_id, message_uid, max(sent_time)
    FROM (SELECT app_key, sender_id AS user_id, conversation_type, target_id, message_uid,
                 sent_time
          FROM messages WHERE persisted = 1
          UNION ALL
          SELECT app_key, target_id, conversation_type, sender_id, message_uid, sent_time
          FROM messages WHERE persisted = 1 AND target_id <> sender_id)
    GROUP BY app_key, user_id, conversation_type, target_id;

-- Messages a user deleted from their history (deleteRemoteMessages); the other participant
-- keeps them.
CREATE TABLE deleted_messages (
    app_key      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    message_uid  TEXT NOT NULL,
    PRIMARY KEY (app_key, user_id, message_uid)
) WITHOUT ROWID;

-- Conversations a user cleared (clearRemoteHistoryMessages): their messages sent at or before
-- `cleared_through` are gone for that user.
CREATE TABLE cleared_conversations (
    app_key            TEXT NOT NULL,
    user_id            TEXT NOT NULL,
    conversation_type  INTEGER NOT NULL,
    target_id          TEXT NOT NULL,
    cleared_through    INTEGER NOT NULL,
    PRIMARY KEY (app_key, user_id, conversation_type, target_id)
) WITHOUT ROWID;
