-- Server API restrictions on users: blocks (`/user/block.json`) and token cutoffs
-- (`/user/token/expire.json`). Both are also cached in memory for the connect path.

-- A block in force until `blocked_until` (ms); rows past it are ignored and may be deleted.
CREATE TABLE user_blocks (
    app_key        TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    blocked_until  INTEGER NOT NULL,
    PRIMARY KEY (app_key, user_id)
) WITHOUT ROWID;

-- Tokens of the user issued before `issued_before` (ms) are refused.
CREATE TABLE token_cutoffs (
    app_key        TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    issued_before  INTEGER NOT NULL,
    PRIMARY KEY (app_key, user_id)
) WITHOUT ROWID;
