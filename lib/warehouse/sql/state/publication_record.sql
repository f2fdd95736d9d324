-- One attempt to publish the public snapshot.
INSERT INTO publication (attempted_at, status, reason, detail, demo, threshold, shown)
VALUES (:attempted_at, :status, :reason, :detail, :demo, :threshold, :shown);
