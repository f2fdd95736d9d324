"""Idmaj benchmark: how fast the dashboard answers, with figures anyone can reproduce.

    python -m bench                      # everything, < 10 min on 2 cores; writes bench/RESULTS.md
    python -m bench --quick --out DIR    # scale 1, few repeats (what tests/test_bench.py runs)
    python -m bench --only queries,apptest --scales 1,100
    python -m bench --rebuild            # rebuild the warehouses under bench/warehouses/

Parts (each measurement in a child process of its own; see each module's docstring):

- ``queries``: every named query the pages send, captured from AppTest runs of each page in
  three views (``bench.plan``), timed without the result cache on the DuckDB path, and the
  same KPIs the pandas way (``bench.pandas_way``); peak RSS of each path; cell-by-cell check;
- ``apptest``: every page through app.py with AppTest, cold and warm (``bench.apptest_worker``);
- ``startup``: a fresh clone's ``python -m lib.warehouse.build`` + first AppTest run
(``bench.startup``);
- ``concurrency``: 10/50/100 simultaneous websocket sessions against ``streamlit run``
  on 127.0.0.1 (``bench.concurrency``);
- ``profile``: cProfile of AppTest runs and of a server (``bench.profiling``).

Results: ``<out>/results/latest.json`` (+ a timestamped copy) and ``<out>/RESULTS.md``,
compared with the previous ``bench/results/latest.json`` to flag regressions.
"""
