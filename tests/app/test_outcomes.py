"""The Résultats page: survival of micro-projects and jobs per cohort, the breakdowns, returns
to prison per cohort, and the two reoffending rates kept apart; exact figures of the demo
warehouse (seed 20190527, scale 1), and a filter that changes them."""

from __future__ import annotations

import pytest

from lib.config import get_settings
from lib.warehouse.build import build
from tests.app.helpers import (
    assert_clean,
    badges,
    chart_table,
    fr,
    metrics,
    open_page,
    plotly_array,
    plotly_charts,
    plotly_spec,
    shown,
    texts,
)
from tests.small_records import small_records

PROJECTS = "Micro-projets encore en activité, par cohorte"
JOBS = "Personnes placées encore en poste, par cohorte"
BY_REGION = "Micro-projets encore en activité à 12 mois, par région"
COLUMNS = ["Cohorte", "Personnes suivies", "À 6 mois", "À 12 mois", "À 24 mois"]


def open_outcomes(query: dict[str, str] | None = None):
    return open_page("outcomes", query)


def rows(frame) -> dict[str, list]:
    """A table's rows by their first cell, the other cells as the page writes them."""
    return {row[0]: list(row[1:]) for row in frame.itertuples(index=False)}


def test_the_default_view_shows_each_cohort_with_its_interval_and_people():
    at = open_outcomes()
    assert_clean(at)
    assert texts(at.title) == ["Résultats"]
    assert badges(at) == [("orange", "données de démonstration")]
    assert texts(at.main.header) == [
        "Micro-projets encore en activité",
        "Par région, secteur et sexe",
        "Pourquoi les micro-projets ferment",
        "Maintien dans l'emploi des placements",
        "Retours en prison",
        "Comparer honnêtement",
    ]
    assert (
        "5\u202f635 dossiers suivis (micro-projets et placements), visites enregistrées "
        "jusqu'en décembre 2019." in texts(at.main.caption)
    )
    projects = chart_table(at, PROJECTS)
    assert list(projects.columns) == COLUMNS
    assert rows(projects) == {
        "2014": ["230", "91,7\xa0% (87,3–94,6)", "82,7\xa0% (77,1–87,1)", "64,8\xa0% (58,0–70,7)"],
        "2015": ["317", "87,0\xa0% (82,8–90,3)", "76,8\xa0% (71,8–81,1)", "60,2\xa0% (54,4–65,4)"],
        "2016": ["333", "91,6\xa0% (88,0–94,1)", "84,5\xa0% (80,1–88,0)", "74,6\xa0% (69,4–79,0)"],
        "2017": ["391", "86,7\xa0% (82,9–89,7)", "79,0\xa0% (74,6–82,8)", "68,3\xa0% (63,3–72,7)"],
        "2018": ["270", "80,3\xa0% (75,0–84,6)", "69,0\xa0% (63,1–74,2)", "—"],
        "2019": ["478", "—", "—", "—"],  # the 2019 cohort: followed 5 months at most
    }
    jobs = rows(chart_table(at, JOBS))
    assert jobs["2013"] == [
        "1\u202f793", "67,5\xa0% (65,3–69,6)", "52,9\xa0% (50,6–55,3)", "40,6\xa0% (38,3–42,9)",
    ]  # fmt: skip
    assert list(jobs) == ["2013", "2014", "2015", "2018"]


def test_returns_to_prison_per_cohort_and_the_published_cohort():
    at = open_outcomes()
    returns = [shown(df) for df in at.main.dataframe if "Retours en prison" in df.value.columns]
    assert len(returns) == 1
    table = rows(returns[0])
    assert table["2015"] == [
        "1\u202f335", "120", "9,0\xa0% (7,6–10,6)", "3,4\xa0% (2,5–4,7)", "7,5\xa0% (6,0–9,5)",
    ]  # fmt: skip
    assert table["2019"] == ["478", "18", "3,8\xa0% (2,4–5,9)", "—", "—"]
    assert (
        "Cohorte du chiffre publié (dossiers de 2015 ou avant, suivis avant la fin de 2015) : "
        "134 retours en prison sur 3\u202f893 personnes suivies, soit 3,44\xa0% (2,91–4,06)."
    ) in texts(at.main.caption)


def test_the_two_reoffending_rates_are_two_figures_never_one_chart():
    at = open_outcomes()
    tiles = metrics(at)
    assert tiles[fr("indicator.foundation_followed_reoffending_rate")] == ("3,44\xa0%", "")
    assert tiles[fr("indicator.national_reoffending_rate")] == ("24,6\xa0%", "")
    captions = texts(at.main.caption)
    assert fr("outcomes.compare_foundation_followed_reoffending_rate",
              source="TelQuel", date="22 juin 2016") in captions  # fmt: skip
    assert fr("outcomes.compare_national_reoffending_rate",
              source="Le Matin", date="1 juillet 2023") in captions  # fmt: skip
    assert fr("outcomes.compare_why") in texts(at.main.markdown)
    # No chart of the page draws either rate: the curves are shares still active (0 to 1,
    # never 0.0344 or 0.246 as a point of their own) and the bars shares by region.
    assert [chart.key for chart in plotly_charts(at)] == [
        "chart_outcomes_projects",
        "chart_outcomes_by_region_code",
        "chart_outcomes_jobs",
    ]
    for chart in plotly_charts(at):
        for trace in plotly_spec(chart)["data"]:
            values = plotly_array(trace["x" if trace.get("orientation") == "h" else "y"])
            assert not {0.0344, 0.246} & {round(value, 4) for value in values}


def test_a_region_filter_changes_the_figures():
    at = open_outcomes({"region": "6"})
    assert_clean(at)
    assert at.query_params == {"region": "6"}
    projects = rows(chart_table(at, PROJECTS))
    assert projects["2018"] == ["52", "80,8\xa0% (67,2–89,2)", "69,2\xa0% (54,8–79,9)", "—"]
    assert projects["2014"][0] == "50"
    assert rows(chart_table(at, BY_REGION)) == {
        "Casablanca-Settat": [
            "387", "86,1\xa0% (82,0–89,3)", "78,0\xa0% (73,2–82,0)", "67,4\xa0% (61,8–72,4)",
        ]
    }  # fmt: skip
    assert fr("filters.summary", parts="Casablanca-Settat") in texts(at.main.caption)


def test_the_breakdown_by_sex():
    at = open_outcomes()
    at.segmented_control(key="o_dimension").set_value("sex").run()
    assert_clean(at)
    by_sex = rows(chart_table(at, "Micro-projets encore en activité à 12 mois, par sexe"))
    assert list(by_sex) == ["Femmes", "Hommes"]
    assert by_sex["Femmes"][:3] == ["240", "91,2\xa0% (86,2–94,4)", "82,3\xa0% (76,0–87,2)"]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_page_speaks_arabic_and_english(lang):
    at = open_outcomes({"lang": lang})
    assert_clean(at)
    from lib.i18n import t

    assert texts(at.title) == [t("outcomes.title", lang)]
    assert t("outcomes.compare_section", lang) in texts(at.main.header)


def test_a_warehouse_without_follow_ups_says_so(fresh_data_dir):
    records = small_records()
    del records["follow_up"]
    build(get_settings(data_dir=fresh_data_dir), records=records)
    at = open_outcomes()
    assert_clean(at)
    assert texts(at.main.info) == [fr("outcomes.no_follow_ups")]
    assert not plotly_charts(at)


# --- the overview's tile ------------------------------------------------------------------------

TILE = "Micro-projets actifs 12 mois après"


def test_the_overview_tile_names_its_cohort_and_follows_the_filters():
    at = open_page("overview")
    assert_clean(at)
    assert metrics(at)[TILE] == ("69,0\xa0%", "")
    assert (
        "Cohorte 2018 : 270 bénéficiaires suivis ; intervalle de confiance à 95 % : 63,1–74,2 %."
        in texts(at.caption)
    )
    older = open_page("overview", {"year": "2016"})
    assert metrics(older)[TILE] == ("84,5\xa0%", "")
    assert any(c.startswith("Cohorte 2016 : 333 bénéficiaires") for c in texts(older.caption))
    region = open_page("overview", {"region": "6"})
    assert metrics(region)[TILE] == ("69,2\xa0%", "")
    assert any(c.startswith("Cohorte 2018 : 52 bénéficiaires") for c in texts(region.caption))
