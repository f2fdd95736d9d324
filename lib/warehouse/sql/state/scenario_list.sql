-- Saved what-if scenarios, newest first.
SELECT scenario_id, name, author, created_at, inputs, results
FROM scenario
ORDER BY created_at DESC, scenario_id DESC;
