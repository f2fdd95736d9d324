-- How many published figures each import batch has: batch b's take the ids
-- b * $figure_block + 1, + 2... (published_figure has no batch_id; the seed's are below).
SELECT (figure_id // $figure_block)::INTEGER AS batch_id, count(*)::BIGINT AS records
FROM published_figure
WHERE figure_id > $figure_block
GROUP BY ALL;
