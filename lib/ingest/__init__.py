"""Importing the foundation's own records (pure: no streamlit)."""
