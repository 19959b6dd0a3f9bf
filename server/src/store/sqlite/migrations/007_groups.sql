-- Groups (issue 10). A group message is stored once: its `messages` row (conversation_type 3,
-- target_id the group) and one `group_log` entry under the group's own dense sequence. Members
-- read the log through their membership periods; nothing is written per member per message.

-- A group: its name, the last sequence its log handed out, and when it was dismissed (NULL while
-- it exists; a dismissed group keeps its log for its former members).
CREATE TABLE groups (
    app_key       TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    last_seq      INTEGER NOT NULL DEFAULT 0,
    dismissed_at  INTEGER,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (app_key, group_id)
) WITHOUT ROWID;

-- Membership periods: the member sees the log entries with from_seq < seq <= to_seq (no upper
-- bound while `to_seq` is NULL, i.e. while a member). A rejoin opens a new period; only the
-- few most recent ended periods of a member are kept.
CREATE TABLE group_members (
    app_key    TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    from_seq   INTEGER NOT NULL,
    to_seq     INTEGER,
    joined_at  INTEGER NOT NULL,
    PRIMARY KEY (app_key, group_id, user_id, from_seq)
) WITHOUT ROWID;
-- A user's groups (group heads, the conversation list), without scanning any group.
CREATE INDEX group_members_by_user ON group_members (app_key, user_id, group_id);

-- Each group's messages under its own sequence; `directed` marks a message only the users of
-- its `group_directed` rows may see.
CREATE TABLE group_log (
    app_key      TEXT NOT NULL,
    group_id     TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    message_uid  TEXT NOT NULL,
    directed     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_key, group_id, seq)
) WITHOUT ROWID;
-- From a message of the group's history to its sequence (membership periods are in sequences).
CREATE INDEX group_log_by_message ON group_log (message_uid);

-- Who may see a directed group message: its addressees and its sender.
CREATE TABLE group_directed (
    message_uid  TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    PRIMARY KEY (message_uid, user_id)
) WITHOUT ROWID;

-- A group's history by time.
CREATE INDEX messages_by_group ON messages (app_key, target_id, sent_time)
    WHERE conversation_type = 3 AND persisted = 1;

-- Group conversations a user removed from their list (seed removeConversation): hidden until a
-- message sent after `removed_through` (ms).
CREATE TABLE group_conversation_removals (
    app_key          TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    group_id         TEXT NOT NULL,
    removed_through  INTEGER NOT NULL,
    PRIMARY KEY (app_key, user_id, group_id)
) WITHOUT ROWID;
