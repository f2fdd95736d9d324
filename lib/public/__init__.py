"""The public face: what may leave the foundation, and the files and pages that carry it.

``system`` (every published number and the sums tying the tables), ``suppression`` (which
numbers to hide) and ``audit`` (what a reader can still work out) decide what is published;
``render`` writes the public tables from them and ``publish`` the snapshot in ``data/public/``
(CSV/JSON, datapackage, zip, site), with its calendar and its refusals. ``snapshot`` reads the
published snapshot back, ``view`` shapes its figures for the public page and the static site
(``site``, ``svgmap``, ``templates/``). All pure: the Streamlit side of the public page is
``lib.ui.public``.
"""
