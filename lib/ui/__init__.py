"""The Streamlit layer: the only code in lib/ that imports streamlit."""
