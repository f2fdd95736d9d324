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

-- Outcomes: one line per followed record (a beneficiary's micro-project, a placement's job),
-- time counted in whole months from 1 July of its year, the warehouse holding the year only.
CREATE OR REPLACE TEMP TABLE followed_record AS
WITH visit AS (
    SELECT CASE WHEN f.beneficiary_id IS NULL THEN 'placement' ELSE 'beneficiary' END
               AS record_kind,
           coalesce(f.beneficiary_id, f.placement_id) AS record_id,
           f.visit_date, f.status_code, f.reason_code, f.is_demo, s.ends
    FROM follow_up f
    JOIN follow_up_status s ON s.code = f.status_code
),
per_record AS (
    SELECT record_kind, record_id,
           min(visit_date) AS first_visit,
           max(visit_date) AS last_visit,
           min({'visit_date': visit_date, 'status': status_code, 'reason': reason_code})
               FILTER (WHERE ends) AS ending,
           min(visit_date) FILTER (WHERE status_code = 'retour_prison') AS return_date,
           bool_or(is_demo) AS demo_visit
    FROM visit
    GROUP BY record_kind, record_id
),
record AS (
    SELECT 'beneficiary' AS record_kind, beneficiary_id AS record_id,
           programme_year AS cohort_year, region_code, sector_code, sex, is_demo
    FROM beneficiary
    UNION ALL
    SELECT 'placement', placement_id, year, region_code, sector_code, sex, is_demo
    FROM placement
)
SELECT r.record_kind, r.cohort_year, r.region_code, r.sector_code, r.sex,
       r.is_demo OR p.demo_visit AS is_demo,
       make_date(r.cohort_year, 7, 1) AS origin,
       p.first_visit, p.last_visit, p.ending, p.return_date
FROM per_record p
JOIN record r USING (record_kind, record_id);

DELETE FROM agg_follow_up_spell;
INSERT INTO agg_follow_up_spell
SELECT record_kind, cohort_year, region_code, sector_code, sex, is_demo,
       greatest(0, datediff('month', origin, coalesce(ending.visit_date, last_visit))),
       ending IS NOT NULL, ending.status, ending.reason,
       count(*)
FROM followed_record
GROUP BY ALL;

DELETE FROM agg_follow_up_return;
INSERT INTO agg_follow_up_return
SELECT record_kind, cohort_year, region_code, sector_code, sex, is_demo,
       year(first_visit),
       greatest(0, datediff('month', origin, last_visit)),
       year(return_date),
       CASE WHEN return_date IS NOT NULL
            THEN greatest(0, datediff('month', origin, return_date)) END,
       count(*)
FROM followed_record
GROUP BY ALL;

DROP TABLE followed_record;
