-- The tables the public snapshot (data/public/public.duckdb) holds: one written by an older
-- Idmaj may lack some the page now shows.
SELECT table_name FROM information_schema.tables WHERE table_schema = 'main';
