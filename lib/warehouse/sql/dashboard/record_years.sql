-- The years each record table covers.
SELECT DISTINCT 'beneficiary' AS record_table, programme_year AS year FROM agg_beneficiary
UNION ALL
SELECT DISTINCT 'placement', year FROM agg_placement
UNION ALL
SELECT DISTINCT 'intervention', year FROM agg_intervention
ORDER BY record_table, year;
