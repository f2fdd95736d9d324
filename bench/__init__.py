"""Idmaj benchmark: how fast the dashboard answers, with figures anyone can reproduce. ``python -m
bench`` runs everything (< 10 min on 2 cores) and writes bench/RESULTS.md; ``--quick --out DIR``
runs scale 1 with few repeats (what tests/test_bench.py runs); ``--only queries,apptest --scales
1,100`` chooses; ``--rebuild`` rebuilds the warehouses under bench/warehouses/. Each part lives in
``bench/parts/`` with its run, its targets and its section of RESULTS.md (queries, pages through
AppTest, startup, concurrent sessions, several processes behind nginx, profiles); what runs in a
child process of its own lives in ``bench/workers/``; ``bench.report`` only assembles the
sections. Results go to ``<out>/results/latest.json`` (+ a timestamped copy) and
``<out>/RESULTS.md``, compared with the previous ``bench/results/latest.json`` to flag
regressions; ``--only serve --merge`` measures some parts again and merges them into
``bench/results/latest.json``, the other parts' figures kept.
"""
