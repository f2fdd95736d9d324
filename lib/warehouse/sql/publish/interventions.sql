-- Interventions per year, centre and type (input of lib.publish).
SELECT year, centre_id, type_code, sum(interventions)::BIGINT AS interventions,
       bool_or(is_demo) AS any_demo
FROM agg_intervention
GROUP BY ALL
ORDER BY ALL;
