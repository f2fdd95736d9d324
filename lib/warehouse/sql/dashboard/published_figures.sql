-- Every published figure with its source, newest period first.
SELECT figure_id, indicator, value, unit, qualifier, period, scope,
       source_title, source_url, source_date, quote, note, already_public
FROM published_figure
ORDER BY indicator, period, scope;
