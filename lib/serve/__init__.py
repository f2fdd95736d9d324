"""Serving several processes: ``python -m lib serve --workers N`` (``make serve WORKERS=N``).

``supervisor`` runs N Streamlit workers of ``app.py`` behind nginx and keeps them alive
(restarts with a back-off, health checks, a status file, a clean stop on SIGTERM/SIGINT);
``workers`` is one supervised process; ``nginx`` writes nginx's configuration from
``templates/nginx.conf.j2`` (sticky sessions by cookie, passive health checks, gzip, long
cache headers for Streamlit's hashed assets, the static public site, security headers and the
content security policy). Pure Python, no streamlit: the workers are command lines.
"""
