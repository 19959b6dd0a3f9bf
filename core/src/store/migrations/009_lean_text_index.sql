-- A leaner full-text index: without the per-message token counts (`columnsize=0`; only ranking
-- reads them, and search does not rank), a twentieth of the database. Rebuilt from the
-- messages, including those that waited to be indexed.
DROP TABLE message_text;

CREATE VIRTUAL TABLE message_text USING fts5(text, tokenize = 'trigram', columnsize = 0);

INSERT INTO message_text (rowid, text)
    SELECT message_id, imcore_searchable_text(object_name, content) FROM messages
    WHERE imcore_searchable_text(object_name, content) <> '';

DELETE FROM message_text_pending;
