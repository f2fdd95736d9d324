-- Every row of one table of the warehouse, as it is (a cube being checked, a table compared).
SELECT * FROM query_table($table_name);
