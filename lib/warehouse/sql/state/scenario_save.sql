-- Save one scenario. A scenario of the same name is replaced (it keeps its id), but only when
-- the same author saves it: nobody overwrites someone else's scenario.
INSERT INTO scenario (name, author, created_at, inputs, results)
VALUES (:name, :author, :created_at, :inputs, :results)
ON CONFLICT (name) DO UPDATE SET
    created_at = excluded.created_at,
    inputs = excluded.inputs,
    results = excluded.results
WHERE scenario.author = excluded.author;
