-- Save one scenario. The author's own scenario of the same name is replaced (it keeps its id);
-- names are unique per author, so another author's scenario of that name is never touched.
INSERT INTO scenario (name, author, created_at, inputs, results)
VALUES (:name, :author, :created_at, :inputs, :results)
ON CONFLICT (author, name) DO UPDATE SET
    created_at = excluded.created_at,
    inputs = excluded.inputs,
    results = excluded.results;
