"""Running Idmaj for months: backups and restore, the integrity check, JSON logs, health.

``backup`` copies the warehouse and the state store with a manifest and restores them;
``retention`` says which backups to keep; ``integrity`` checks the invariants of a live
warehouse; ``logs`` writes the JSON-lines log; ``health`` says what is fresh. Pure: no
streamlit; connections go through ``lib.warehouse.db``.
"""
