-- Group mutes set through the Server API (`/group/user/gag/*`, `/group/ban/*`,
-- `/group/user/ban/whitelist/*`), keyed by group id alone (membership is not needed). All of
-- them are also cached in memory (`groups::mutes`) for the send path.

-- A member gag in force until `until_ms` (ms; 0: permanent). `group_id` '' gags the user in
-- every group. Rows past their end are ignored and deleted by the next gag of the app.
CREATE TABLE group_gags (
    app_key   TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    until_ms  INTEGER NOT NULL,
    PRIMARY KEY (app_key, group_id, user_id)
) WITHOUT ROWID;

-- A whole group muted: only its whitelisted users may speak.
CREATE TABLE group_bans (
    app_key   TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    PRIMARY KEY (app_key, group_id)
) WITHOUT ROWID;

-- Users who may still speak in a muted group (kept whether the group is muted or not).
CREATE TABLE group_ban_whitelist (
    app_key   TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (app_key, group_id, user_id)
) WITHOUT ROWID;
