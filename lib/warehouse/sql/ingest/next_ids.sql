-- The largest id of every table an import writes: new ids start after them.
SELECT (SELECT coalesce(max(batch_id), 0) FROM import_batch) AS import_batch,
       (SELECT coalesce(max(beneficiary_id), 0) FROM beneficiary) AS beneficiary,
       (SELECT coalesce(max(placement_id), 0) FROM placement) AS placement,
       (SELECT coalesce(max(intervention_id), 0) FROM intervention) AS intervention,
       (SELECT coalesce(max(follow_up_id), 0) FROM follow_up) AS follow_up,
       (SELECT coalesce(max(figure_id), 0) FROM published_figure) AS published_figure;
