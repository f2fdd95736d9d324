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

from bench.parts import (
    concurrency,
    lighthouse,
    pages,
    profiles,
    queries,
    serve,
    soak,
    startup,
    warehouses,
)

MEASURED = (queries, pages, startup, concurrency, serve, profiles, lighthouse, soak)
SECTIONS = (warehouses, *MEASURED)
NAMES = tuple(part.NAME for part in MEASURED)
# Parts a plain `python -m bench` leaves out (``DEFAULT = False``: the soak's 20 minutes).
DEFAULT_NAMES = tuple(part.NAME for part in MEASURED if getattr(part, "DEFAULT", True))
