-- Share one saved scenario with every signed-in user: its author may, an administrator may.
INSERT OR IGNORE INTO scenario_share (scenario_id, shared_at)
SELECT scenario_id, :at FROM scenario
WHERE scenario_id = :scenario_id AND (:any_author OR author = :author);
