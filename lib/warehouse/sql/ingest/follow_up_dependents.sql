-- The committed batches of follow-ups, other than $batch_id, that name records of $batch_id:
-- rolling $batch_id back would leave their visits without a record.
SELECT DISTINCT f.batch_id
FROM follow_up f
LEFT JOIN beneficiary b ON b.beneficiary_id = f.beneficiary_id
LEFT JOIN placement p ON p.placement_id = f.placement_id
WHERE f.batch_id IS NOT NULL
  AND f.batch_id <> $batch_id
  AND (b.batch_id = $batch_id OR p.batch_id = $batch_id)
ORDER BY f.batch_id;
