-- Every table and column of a state store, in order: compared with a store made from
-- sql/state/schema.sql to tell whether this one's schema is current.
SELECT m.name AS table_name, p.name AS column_name, p.type AS column_type
FROM sqlite_master AS m, pragma_table_info(m.name) AS p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
ORDER BY m.name, p.cid;
