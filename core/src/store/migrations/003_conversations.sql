-- Conversations with their unread and mention counters, and the full-text index of messages.

-- One row per conversation, kept in step with `messages` by the store (see conversations.rs).
CREATE TABLE conversations (
    conversation_type   INTEGER NOT NULL,
    target_id           TEXT    NOT NULL,
    -- Latest message (NULL when it has none: pinned before any message, or all deleted).
    latest_message_id   INTEGER,
    -- Sent time of the latest message: the list order after pinning.
    sent_time           INTEGER NOT NULL DEFAULT 0,
    unread_count        INTEGER NOT NULL DEFAULT 0,
    mention_count       INTEGER NOT NULL DEFAULT 0,
    is_top              INTEGER NOT NULL DEFAULT 0,
    -- Seed values: 1 do not disturb, 2 notify.
    notification_status INTEGER NOT NULL DEFAULT 2,
    -- Removed from the list (removeConversation) until a new message arrives.
    hidden              INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_type, target_id)
) WITHOUT ROWID;

CREATE INDEX conversations_in_list_order ON conversations (hidden, is_top, sent_time);

-- Existing messages: each conversation with its latest message (a bare column next to max()
-- comes from the row holding the maximum).
INSERT INTO conversations (conversation_type, target_id, latest_message_id, sent_time)
    SELECT conversation_type, target_id, message_id, max(sent_time)
    FROM messages GROUP BY conversation_type, target_id;

-- Searchable text of each message (imcore_searchable_text, registered on every connection),
-- keyed by message_id; the trigram tokenizer matches any substring of 3+ characters, which
-- works for Chinese as well as for English. The store adds the row of each new message itself
-- (searchable.rs): an insert trigger would make every message insert a statement transaction,
-- and FTS5 writes its pending terms to disk at each of them, five times slower in bulk.
CREATE VIRTUAL TABLE message_text USING fts5(text, tokenize = 'trigram');

INSERT INTO message_text (rowid, text)
    SELECT message_id, imcore_searchable_text(object_name, content) FROM messages
    WHERE imcore_searchable_text(object_name, content) <> '';

-- Messages that arrived live and wait to be indexed: a single-message commit that also wrote
-- to FTS5 would flush a new index segment each time (about 70 µs), so the database thread
-- indexes these in batches moments later; searches scan the few rows still waiting.
CREATE TABLE message_text_pending (message_id INTEGER PRIMARY KEY);

CREATE TRIGGER message_text_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_text WHERE rowid = old.message_id;
    DELETE FROM message_text_pending WHERE message_id = old.message_id;
END;

CREATE TRIGGER message_text_update AFTER UPDATE OF content, object_name ON messages BEGIN
    DELETE FROM message_text WHERE rowid = old.message_id;
    DELETE FROM message_text_pending WHERE message_id = old.message_id;
    INSERT INTO message_text (rowid, text)
        SELECT new.message_id, imcore_searchable_text(new.object_name, new.content)
        WHERE imcore_searchable_text(new.object_name, new.content) <> '';
END;
