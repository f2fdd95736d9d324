"""Outcomes: what became of the people the foundation supported, from their follow-up visits.

Pure functions, DataFrames in and DataFrames out: pages and the public side pass them what
``lib.warehouse.queries`` returns (the outcome cubes) and draw what they give back. No
streamlit, no SQL; only ``headline`` reads the warehouse, through ``lib.warehouse.queries``.

Modules, in reading order:

- ``survival``: the Kaplan-Meier estimator with right-censoring and Greenwood's variance;
- ``rates``: a proportion with its Wilson confidence interval;
- ``cohorts``: survival curves per cohort, the share still active at 6, 12 and 24 months by
  region, sector or sex, job retention, returns to prison per cohort, the published cohort;
- ``tables``: the Résultats page's tables, each share with its interval and its people;
- ``headline``: the one figure quoted elsewhere (the overview tile, the board brief, the
  simulator's assumption), read through ``lib.warehouse.queries``.
"""
