-- When and how the public snapshot was made.
SELECT key, value FROM metadata;
