-- The records of the given batches, as a file would hold them (what replacing them removes).
SELECT intervention_date, centre_id, region_code, type_code, sex FROM intervention WHERE list_contains($batch_ids, batch_id);
