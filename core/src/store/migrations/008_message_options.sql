-- A message's sending options: `options` the protobuf encoding of `MessageOptions` (silent,
-- push content and data, push config, VoIP push; NULL for none), `mentioned` the message's
-- isMentioned, `directed_user_ids` (a JSON array) the recipients of a directed group message
-- sent from here, so that a resend goes to them alone.
ALTER TABLE messages ADD COLUMN options BLOB;
ALTER TABLE messages ADD COLUMN mentioned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN directed_user_ids TEXT;
