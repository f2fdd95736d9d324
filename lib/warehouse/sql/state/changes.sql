-- How many rows the last statement of this connection wrote.
SELECT changes() AS changed;
