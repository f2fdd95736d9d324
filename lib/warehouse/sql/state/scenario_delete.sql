-- Delete one saved scenario.
DELETE FROM scenario WHERE scenario_id = :scenario_id;
