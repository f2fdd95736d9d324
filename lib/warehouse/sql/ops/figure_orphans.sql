-- Published figures in the id block of an import the audit does not know.
SELECT count(*)::BIGINT AS records
FROM published_figure
WHERE figure_id > $figure_block
  AND (figure_id // $figure_block)::INTEGER NOT IN (SELECT batch_id FROM import_batch);
