-- Attempts on one account name since a moment that did not succeed (a pending one counts:
-- its password is being checked, or its process died checking it).
SELECT count(*) AS failures
FROM sign_in_attempt
WHERE name = :name AND attempted_at > :since AND outcome IN ('pending', 'failed');
