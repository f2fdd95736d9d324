-- Rebuild the cubes from the record tables (after a build, an import or a rollback).
DELETE FROM agg_beneficiary;
INSERT INTO agg_beneficiary
SELECT programme_year, region_code, sector_code, sex, is_demo,
       count(*), sum(grant_mad),
       count(*) FILTER (WHERE is_moussalaha),
       count(*) FILTER (WHERE is_royal_handover),
       count(*) FILTER (WHERE is_royal_handover AND is_former_cpe)
FROM beneficiary
GROUP BY ALL;

DELETE FROM agg_placement;
INSERT INTO agg_placement
SELECT year, region_code, sector_code, sex, is_demo, count(*)
FROM placement
GROUP BY ALL;

DELETE FROM agg_intervention;
INSERT INTO agg_intervention
SELECT year(intervention_date), month(intervention_date), centre_id, region_code, type_code, sex,
       is_demo, count(*)
FROM intervention
GROUP BY ALL;
