-- One attempt to publish the public snapshot (lib.public.publish).
INSERT INTO publication
SELECT coalesce(max(publication_id), 0) + 1, $attempted_at, $status, $reason, $detail, $demo,
       $threshold, $shown
FROM publication;
