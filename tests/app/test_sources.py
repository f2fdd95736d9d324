"""The sources page: published figures, their reconciliation with the warehouse, the method."""

from __future__ import annotations

import re

import pytest

from lib.warehouse import queries
from tests.app.helpers import (
    BAD_PARAMS,
    assert_clean,
    badges,
    fr,
    metrics,
    new_app,
    open_page,
    plotly_charts,
    shown,
    texts,
)

QUALIFIER = re.compile(r"^(plus de|près de) ")


def open_sources(query: dict[str, str] | None = None):
    return open_page("sources", query)


def tables(at) -> dict[str, object]:
    """The page's three tables (as written on the page), named by the heading above each."""
    frames = [shown(frame) for frame in at.main.dataframe]
    assert len(frames) == 3
    return dict(zip(("published", "reconciliation", "provenance"), frames, strict=True))


def assert_reconciled(at) -> None:
    assert metrics(at)["Chiffres concordants"][0] == "25 / 25"
    table = tables(at)["reconciliation"]
    assert len(table) == 25
    assert set(table["Concordance"]) == {"✓"}
    # "plus de 13 500 000 MAD" is a published 13 500 000 MAD: the warehouse holds exactly that.
    for published, computed in zip(
        table["Valeur publiée"], table["Valeur de l'entrepôt"], strict=True
    ):
        assert QUALIFIER.sub("", published) == computed


def test_renders_the_three_tables():
    at = open_sources()
    assert_clean(at)
    assert texts(at.title) == ["Sources et méthode"]
    assert texts(at.main.header) == [
        "Chiffres publiés",
        "Réconciliation",
        "Données de démonstration",
        "Méthode",
    ]
    assert not plotly_charts(at)
    assert not at.sidebar.multiselect  # no filters here: the figures are national and dated
    published = tables(at)["published"]
    assert len(published) == len(queries.published_figures())
    assert fr("sources.method_text") in texts(at.markdown)


def test_reconciliation_matches_every_figure():
    assert_reconciled(open_sources())
    table = tables(open_sources())["reconciliation"]
    budget_2019 = table[
        (table["Indicateur"] == "Budget du programme") & (table["Période"] == "2019")
    ].iloc[0]
    assert budget_2019["Valeur publiée"] == "plus de 13\u202f500\u202f000\xa0MAD"
    assert budget_2019["Valeur de l'entrepôt"] == "13\u202f500\u202f000\xa0MAD"
    assert budget_2019["Portée"] == "National"


def test_demo_records_reproduce_the_published_totals():
    at = open_sources()
    assert badges(at) == [("orange", "données de démonstration")]
    assert fr("sources.demo_text") in texts(at.markdown)
    provenance = tables(at)["provenance"].set_index("Table")
    # 230 + 317 + 333 + 391 + 270 + 478 beneficiaries; 3 142 + 933 + 1 719 + 453 placements.
    # Counts written with their thousands separator: 2 019 records, never "2019" (a year).
    assert provenance.loc["Bénéficiaires"].tolist() == ["2\u202f019", "0"]
    assert provenance.loc["Placements"].tolist() == ["6\u202f247", "0"]
    assert provenance.loc["Interventions"].tolist() == ["9\u202f183", "0"]


def test_indicator_filter():
    at = open_sources()
    at.selectbox(key="source_indicator").set_value("programme_budget").run()
    assert_clean(at)
    published = tables(at)["published"]
    assert set(published["Indicateur"]) == {"Budget du programme"}
    assert len(published) == 7
    row = published[(published["Période"] == "2019")].iloc[0]
    assert row["Valeur publiée"] == "plus de 13\u202f500\u202f000\xa0MAD"
    # The reconciliation is not filtered.
    assert_reconciled(at)


@pytest.mark.parametrize(("name", "value"), BAD_PARAMS)
def test_bad_url_parameter_does_not_break_the_page(name, value):
    """The page has no filters: it neither reads nor rewrites the filter parameters."""
    at = new_app({name: value}).run()
    assert any(f"« {value} »" in warning for warning in texts(at.main.warning))
    at.switch_page("pages/sources.py").run()
    assert_clean(at)
    assert texts(at.title) == ["Sources et méthode"]
    assert_reconciled(at)
