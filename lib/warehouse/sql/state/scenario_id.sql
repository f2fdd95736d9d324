-- The id of the scenario an author saved under a name (names are unique per author).
SELECT scenario_id FROM scenario WHERE author = :author AND name = :name;
