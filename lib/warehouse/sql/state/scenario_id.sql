-- The id of the scenario saved under a name (names are unique).
SELECT scenario_id FROM scenario WHERE name = :name;
