"""Idmaj: all the logic behind the pages (see ARCHITECTURE in the README)."""
