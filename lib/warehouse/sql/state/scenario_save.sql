-- Save one scenario; a scenario of the same name is replaced (it keeps its id).
INSERT INTO scenario (name, author, created_at, inputs, results)
VALUES (:name, :author, :created_at, :inputs, :results)
ON CONFLICT (name) DO UPDATE SET
    author = excluded.author,
    created_at = excluded.created_at,
    inputs = excluded.inputs,
    results = excluded.results;
