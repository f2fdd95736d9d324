-- Each published figure that the warehouse can compute, next to the warehouse's own value.
WITH national_year AS (
    SELECT CAST(programme_year AS VARCHAR) AS period, 'national' AS scope,
           sum(grant_mad) AS programme_budget,
           sum(beneficiaries) AS programme_beneficiaries,
           count(DISTINCT region_code) FILTER (WHERE beneficiaries > 0) AS programme_regions_covered,
           sum(moussalaha) AS programme_beneficiaries_moussalaha,
           sum(royal_handover) AS royal_handover_beneficiaries,
           sum(royal_handover) FILTER (WHERE sex = 'F') AS royal_handover_beneficiaries_women,
           sum(royal_handover_former_cpe) AS royal_handover_beneficiaries_former_cpe
    FROM agg_beneficiary
    GROUP BY programme_year
),
regional_year AS (
    SELECT CAST(b.programme_year AS VARCHAR) AS period, r.iso_3166_2 AS scope,
           sum(b.grant_mad) AS programme_budget,
           sum(b.beneficiaries) AS programme_beneficiaries
    FROM agg_beneficiary b JOIN region r ON r.code = b.region_code
    GROUP BY ALL
),
computed AS (
    UNPIVOT national_year ON COLUMNS(* EXCLUDE (period, scope)) INTO NAME indicator VALUE value
    UNION ALL BY NAME
    UNPIVOT regional_year ON COLUMNS(* EXCLUDE (period, scope)) INTO NAME indicator VALUE value
    UNION ALL BY NAME
    SELECT CAST(year AS VARCHAR) AS period, 'national' AS scope,
           'placements_in_companies' AS indicator, sum(placements) AS value
    FROM agg_placement GROUP BY year
    UNION ALL BY NAME
    SELECT CAST(year AS VARCHAR) AS period, 'national' AS scope,
           'placements_in_companies_women' AS indicator,
           sum(placements) FILTER (WHERE sex = 'F') AS value
    FROM agg_placement GROUP BY year
    UNION ALL BY NAME
    SELECT CAST(min(year) AS VARCHAR) || '-' || CAST(max(year) AS VARCHAR) AS period,
           'national' AS scope, 'capc_interventions' AS indicator, sum(interventions) AS value
    FROM agg_intervention WHERE year BETWEEN 2018 AND 2019
)
SELECT p.figure_id, p.indicator, p.period, p.scope, p.value AS published_value, p.unit,
       p.qualifier, p.source_title, p.source_url, p.source_date,
       c.value::DOUBLE AS warehouse_value
FROM published_figure p
JOIN computed c USING (indicator, period, scope)
ORDER BY p.indicator, p.period, p.scope;
