-- Text drafts, one per conversation (seed: saveTextMessageDraft / getTextMessageDraft).
CREATE TABLE drafts (
    conversation_type INTEGER NOT NULL,
    target_id         TEXT    NOT NULL,
    draft             TEXT    NOT NULL,
    saved_time        INTEGER NOT NULL,
    PRIMARY KEY (conversation_type, target_id)
) WITHOUT ROWID;
