-- Every attempt to publish, newest first.
SELECT publication_id, attempted_at, status, reason, detail, demo, threshold, shown
FROM publication
ORDER BY publication_id DESC;
