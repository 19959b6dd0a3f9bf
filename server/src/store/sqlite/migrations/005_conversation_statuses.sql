-- Each user's pin and do-not-disturb state of conversations (seed setConversationStatus),
-- shared by all the user's devices. `version` numbers the user's changes in order, so a device
-- asks for the changes after the last one it applied.
CREATE TABLE conversation_statuses (
    app_key             TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    conversation_type   INTEGER NOT NULL,
    target_id           TEXT NOT NULL,
    is_top              INTEGER NOT NULL DEFAULT 0,
    -- Seed values: 1 do not disturb, 2 notify.
    notification_status INTEGER NOT NULL DEFAULT 2,
    version             INTEGER NOT NULL,
    PRIMARY KEY (app_key, user_id, conversation_type, target_id)
) WITHOUT ROWID;

CREATE UNIQUE INDEX conversation_statuses_by_version
    ON conversation_statuses (app_key, user_id, version);
