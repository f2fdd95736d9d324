"""The public face: what may leave the foundation, and the files and pages that carry it.

``disclosure`` (small-cell and complementary suppression, the audit) and ``publish`` (the
snapshot in ``data/public/``: protected tables, CSV/JSON, datapackage, zip, site) run on the
warehouse; ``snapshot`` reads the published snapshot back, ``view`` shapes its figures for the
public page and the static site (``site``, ``svgmap``, ``templates/``). All pure: the
Streamlit side of the public page is ``lib.ui``.
"""
