"""The board brief: one A4 page (PDF) of a year's KPI tiles, with what each compares, its source
or its demonstration mark, four trend charts as vector graphics, the selection, the data's
version, the method and the disclosure rule; in French, Arabic or English.

    from lib.brief import brief_pdf, file_name
    data = brief_pdf(settings, 2019, filters, "ar")   # bytes of a one-page PDF

``python -m lib brief --year 2019 --lang ar -o brief.pdf`` writes the same. Pure: no streamlit.
"""

from lib.brief.render import brief_html, brief_pdf, file_name

__all__ = ["brief_html", "brief_pdf", "file_name"]
