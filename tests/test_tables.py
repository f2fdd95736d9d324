"""lib.tables: tables as a reader sees them, cells written by Babel in the session's language
(French here) while they keep their values; figures written as text aligned and kept left to
right on a right-to-left canvas; the Sources tables naming regions, with empty links empty."""

from __future__ import annotations

import pandas as pd
import pytest

from lib import i18n, tables

NNBSP = "\u202f"


def _table():
    return pd.DataFrame(
        {
            "Année": [2018, 2019],
            "Bénéficiaires": [6_247, 9_183],
            "Budget (MAD)": [8_100_000.0, None],
            "Pour 100 000 habitants": [2.44, 0.0],
            "Date de la source": pd.to_datetime(["2019-05-27", "2020-01-02"]),
            "Région": ["Casablanca-Settat", "L'Oriental"],
        }
    )


def test_table_cells_are_written_by_babel_and_keep_their_values():
    shown = tables.styled(_table())
    body = shown._translate(False, False)["body"]
    cells = [[cell["display_value"] for cell in row[1:]] for row in body]
    assert cells[0][:5] == ["2018", f"6{NNBSP}247", f"8{NNBSP}100{NNBSP}000", "2,4", "27 mai 2019"]
    assert cells[1][:5] == ["2019", f"9{NNBSP}183", "—", "0,0", "2 janvier 2020"]
    assert shown.data["Bénéficiaires"].tolist() == [6_247, 9_183]  # sorts by value


def test_figures_written_as_text_are_aligned_like_numbers():
    public = pd.DataFrame(
        {
            "Région": ["A", "B"],
            "Bénéficiaires": ["\u2066< 10\u2069", "1\u202f234"],
            "Note": ["x", "y"],
        }
    )
    assert tables.figure_text_columns(public) == ["Bénéficiaires"]
    marked = tables.for_canvas(public)
    # Streamlit's canvas ignores isolates: left-to-right marks keep "< 10" from reading "10 >".
    assert marked["Bénéficiaires"].tolist() == ["\u200e< 10\u200e", "\u200e1\u202f234\u200e"]
    assert marked["Région"].tolist() == ["A", "B"]


def test_sources_name_regions_and_leave_missing_links_empty():
    figures = pd.DataFrame(
        {
            "indicator": ["programme_beneficiaries", "programme_beneficiaries"],
            "period": ["2017", "2019"],
            "scope": ["MA-06", "national"],
            "value": [117.0, 478.0],
            "unit": ["persons", "persons"],
            "qualifier": ["exact", "exact"],
            "source_title": ["Le360", "MAP"],
            "source_date": pd.to_datetime(["2017-01-01", "2019-05-27"]),
            "source_url": ["https://le360.ma/x", None],
            "quote": ["…", "…"],
            "note": [None, None],
        }
    )
    table = tables.figure_table(figures, {"6": "Casablanca-Settat"})
    assert table.iloc[:, 2].tolist() == ["Casablanca-Settat", "National"]
    links = table.iloc[:, 5]
    assert links.iloc[0] == "https://le360.ma/x" and pd.isna(links.iloc[1])  # empty, not "None"


@pytest.fixture
def arabic_session():
    previous = i18n._language_source
    i18n.set_language_source(lambda: "ar")
    yield
    i18n.set_language_source(previous)


def test_sources_are_named_and_noted_in_the_readers_language_quotes_as_written(arabic_session):
    founding = "MAP dispatch of 27 May 2019 (the founding article)"
    figures = pd.DataFrame(
        {
            "indicator": ["programme_beneficiaries", "programme_beneficiaries"],
            "period": ["2019", "2014"],
            "scope": ["national", "national"],
            "value": [478.0, 1_436.0],
            "unit": ["persons", "persons"],
            "qualifier": ["exact", "exact"],
            "source_title": [founding, "Un titre sans traduction"],
            "source_date": pd.to_datetime(["2019-05-27", "2015-07-01"]),
            "source_url": [None, None],
            "quote": ["« 478 bénéficiaires »", "…"],
            "note": ["in 53 SMEs", None],
        }
    )
    table = tables.figure_table(figures, {})
    sources, quotes, notes = table.iloc[:, 4], table.iloc[:, 7], table.iloc[:, 8]
    assert sources.tolist() == [
        "قصاصة وكالة المغرب العربي للأنباء بتاريخ 27 ماي 2019 (المقال المؤسس)",
        "Un titre sans traduction",  # as written where the seed has no translation
    ]
    assert quotes.iloc[0] == "« 478 bénéficiaires »"  # a quote is never translated
    assert notes.iloc[0] == "في 53 مقاولة صغيرة ومتوسطة" and pd.isna(notes.iloc[1])


def test_a_table_of_text_only_needs_no_styler():
    """The public tables arrive written ("1 234", "< 10"): drawn as they are, with no Styler."""
    table = pd.DataFrame({"Région": ["Oriental", None], "Bénéficiaires": ["1 234", "< 10"]})
    assert tables.styled(table) is table
