-- Make one saved scenario private again: its author may, an administrator may.
DELETE FROM scenario_share
WHERE scenario_id = :scenario_id
  AND scenario_id IN (SELECT scenario_id FROM scenario WHERE :any_author OR author = :author);
