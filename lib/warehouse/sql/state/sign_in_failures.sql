-- Unsuccessful attempts since a moment (a pending one counts: its password is being checked,
-- or its process died checking it), by the name, by the client, and by both; and the last one.
SELECT
    count(*) FILTER (WHERE name = :name AND client = :client) AS pair,
    count(*) FILTER (WHERE client = :client) AS client,
    count(*) FILTER (WHERE name = :name) AS name,
    max(attempted_at) FILTER (WHERE name = :name OR client = :client) AS last
FROM sign_in_attempt
WHERE attempted_at > :since AND outcome IN ('pending', 'failed')
  AND (name = :name OR client = :client);
