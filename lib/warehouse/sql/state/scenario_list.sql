-- Saved what-if scenarios, newest first, each with whether its author shared it.
SELECT s.scenario_id, s.name, s.author, s.created_at, s.inputs, s.results,
       sh.scenario_id IS NOT NULL AS shared
FROM scenario AS s
LEFT JOIN scenario_share AS sh ON sh.scenario_id = s.scenario_id
ORDER BY s.created_at DESC, s.scenario_id DESC;
