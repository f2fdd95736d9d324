-- One event of the audit.
INSERT INTO audit_event (at, kind, actor, client, detail)
VALUES (:at, :kind, :actor, :client, :detail);
