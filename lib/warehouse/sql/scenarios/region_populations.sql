-- The 12 regions with their census populations.
SELECT code::INTEGER AS code, iso_3166_2, name_fr, name_ar, name_en, population_2014,
       population_2024
FROM region
ORDER BY code;
