-- How many imports were ever committed (rolled back ones included): an installation that
-- imported anything, published figures included, is no longer a demonstration.
SELECT count(*)::BIGINT AS batches FROM import_batch;
