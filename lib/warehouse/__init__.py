"""The warehouse: the DuckDB file every internal page reads, and everything that shapes it.

``db`` is the one door to SQL; ``schema.sql`` and ``build`` make the file from ``data/seed/``
and the ``demo`` generator; ``queries`` (over the named files of ``sql/``), ``filters`` and
``kpis`` are what pages call. Pure: nothing here imports streamlit.
"""
