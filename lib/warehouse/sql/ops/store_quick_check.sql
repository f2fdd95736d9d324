-- SQLite's own check of the store's pages and indexes: one row 'ok' when sound.
PRAGMA quick_check;
