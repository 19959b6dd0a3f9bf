-- The first schema (see 002 for how messages, idempotency and the inbox are stored since).

-- Apps served by this instance; the development app is created on first start.
CREATE TABLE apps (
    app_key     TEXT PRIMARY KEY,
    app_secret  TEXT NOT NULL,
    is_dev      INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

-- Users registered through /user/getToken.json.
CREATE TABLE users (
    app_key       TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    portrait_uri  TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (app_key, user_id)
) WITHOUT ROWID;

-- Message history: persisted messages only.
CREATE TABLE messages (
    id                 INTEGER PRIMARY KEY,
    message_uid        TEXT NOT NULL UNIQUE,
    app_key            TEXT NOT NULL,
    sender_id          TEXT NOT NULL,
    conversation_type  INTEGER NOT NULL,
    target_id          TEXT NOT NULL,
    object_name        TEXT NOT NULL,
    content            TEXT NOT NULL,
    sent_time          INTEGER NOT NULL,
    counted            INTEGER NOT NULL
);

-- Idempotency: the first result of each (app, sender, client_message_id).
CREATE TABLE sent_requests (
    app_key            TEXT NOT NULL,
    sender_id          TEXT NOT NULL,
    client_message_id  TEXT NOT NULL,
    message_uid        TEXT NOT NULL UNIQUE,
    sent_time          INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    PRIMARY KEY (app_key, sender_id, client_message_id)
) WITHOUT ROWID;
CREATE INDEX sent_requests_by_age ON sent_requests (created_at);

-- Highest inbox sequence handed out per user (survives purging of the entries).
CREATE TABLE inbox_counters (
    app_key   TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (app_key, user_id)
) WITHOUT ROWID;

-- Every message a user must receive, under that user's sequence number.
CREATE TABLE inbox (
    id                 INTEGER PRIMARY KEY,
    app_key            TEXT NOT NULL,
    user_id            TEXT NOT NULL,
    seq                INTEGER NOT NULL,
    message_uid        TEXT NOT NULL,
    conversation_type  INTEGER NOT NULL,
    target_id          TEXT NOT NULL,
    sender_id          TEXT NOT NULL,
    object_name        TEXT NOT NULL,
    content            TEXT NOT NULL,
    sent_time          INTEGER NOT NULL,
    persisted          INTEGER NOT NULL,
    counted            INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    UNIQUE (app_key, user_id, seq)
);
CREATE INDEX inbox_by_age ON inbox (created_at);

-- Highest inbox sequence each device has acknowledged.
CREATE TABLE device_acks (
    app_key     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    acked_seq   INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (app_key, user_id, device_id)
) WITHOUT ROWID;
