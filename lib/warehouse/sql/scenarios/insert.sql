-- Save one scenario; a scenario of the same name is replaced (it keeps its id).
INSERT INTO scenario (scenario_id, name, author, created_at, inputs, results)
VALUES ((SELECT coalesce(max(scenario_id), 0) + 1 FROM scenario),
        $name, $author, $created_at, $inputs, $results)
ON CONFLICT (name) DO UPDATE SET
    author = excluded.author,
    created_at = excluded.created_at,
    inputs = excluded.inputs,
    results = excluded.results;
