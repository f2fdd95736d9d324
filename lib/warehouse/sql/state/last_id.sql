-- The id of the row this connection wrote last.
SELECT last_insert_rowid() AS id;
