-- The data's date and version: when the warehouse was built, by which demo generator, and the
-- last import since (its number, and when the data last changed: an import or its rollback).
-- last_batch and last_change_at are NULL before the first import.
SELECT (SELECT value FROM build_info WHERE key = 'built_at') AS built_at,
       (SELECT value FROM build_info WHERE key = 'generator_version') AS generator_version,
       (SELECT max(batch_id) FROM import_batch) AS last_batch,
       (SELECT greatest(max(imported_at), max(rolled_back_at)) FROM import_batch)
           AS last_change_at;
