-- The key of every published figure: a new figure may not repeat one.
SELECT figure_id, indicator, period, scope, source_title
FROM published_figure;
