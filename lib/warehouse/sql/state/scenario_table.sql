-- How the scenario table was made: a store from before names were unique per author says
-- "name TEXT NOT NULL UNIQUE" (and then needs state/scenario_rebuild).
SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'scenario';
