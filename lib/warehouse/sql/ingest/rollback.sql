-- Undo one batch: its records go, the batch stays in the audit trail marked rolled_back.
DELETE FROM beneficiary WHERE batch_id = $batch_id;
DELETE FROM placement WHERE batch_id = $batch_id;
DELETE FROM intervention WHERE batch_id = $batch_id;
DELETE FROM follow_up WHERE batch_id = $batch_id;
DELETE FROM published_figure WHERE figure_id BETWEEN $figure_low AND $figure_high;
UPDATE import_batch
SET status = 'rolled_back', rolled_back_at = $rolled_back_at, rolled_back_by = $rolled_back_by
WHERE batch_id = $batch_id;
