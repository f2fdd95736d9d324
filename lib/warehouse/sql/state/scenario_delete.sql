-- Delete one saved scenario: its author may, an administrator may delete any.
DELETE FROM scenario
WHERE scenario_id = :scenario_id AND (:any_author OR author = :author);
