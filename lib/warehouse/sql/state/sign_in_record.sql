-- Forget attempts older than a day, then write this one.
DELETE FROM sign_in_attempt WHERE attempted_at < :now - 86400;
INSERT INTO sign_in_attempt (name, client, attempted_at, outcome)
VALUES (:name, :client, :now, :outcome);
