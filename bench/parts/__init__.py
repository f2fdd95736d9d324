"""The parts of the benchmark, in the order they run and their sections appear in RESULTS.md.
Each part module owns all of itself: ``NAME`` (its name for ``--only``), ``KEY`` (its entry in
the result), ``SCALES`` (the warehouses it measures: ``"all"`` of ``--scales``, the largest
``"top"``, or ``None``), ``options(parser)`` and ``settle(args)`` (its command-line options and
their quick/full defaults), ``run(context)`` (measures, in child processes, and writes
``context.result[KEY]``), ``targets(result)`` (its rows of the Targets table) and
``section(result)`` (its Markdown). ``warehouses`` is not chosen with ``--only`` (every other
part needs it) but writes its section first. Adding a part is one module and one line here.
"""

from __future__ import annotations

from bench.parts import concurrency, pages, profiles, queries, startup, warehouses

MEASURED = (queries, pages, startup, concurrency, profiles)
SECTIONS = (warehouses, *MEASURED)
NAMES = tuple(part.NAME for part in MEASURED)
