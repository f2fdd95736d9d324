-- The audit, newest first.
SELECT event_id, at, kind, actor, client, detail FROM audit_event ORDER BY event_id DESC;
