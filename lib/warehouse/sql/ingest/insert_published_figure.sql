-- Append the validated figures registered as ingest_rows (ids already in the batch's id block).
INSERT INTO published_figure (figure_id, indicator, value, unit, qualifier, period, scope,
                              source_title, source_url, source_date, quote, note,
                              already_public)
SELECT figure_id, indicator, value, unit, qualifier, period, scope, source_title, source_url,
       CAST(source_date AS DATE), quote, note, already_public
FROM ingest_rows;
