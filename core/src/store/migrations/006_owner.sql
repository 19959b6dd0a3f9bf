-- The user whose database this is: set by the first open that names a user (a database of an
-- earlier version is claimed by the user it is opened for), refused to any other user.
ALTER TABLE sync_state ADD COLUMN owner_user_id TEXT;
