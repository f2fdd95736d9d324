-- Delete one saved scenario: its author may, an administrator may delete any. Its sharing goes
-- first; the scenario's own delete comes last, so that changes() counts it.
DELETE FROM scenario_share
WHERE scenario_id = :scenario_id
  AND scenario_id IN (SELECT scenario_id FROM scenario WHERE :any_author OR author = :author);
DELETE FROM scenario
WHERE scenario_id = :scenario_id AND (:any_author OR author = :author);
