"""lib.outcomes.headline: the share of micro-projects still running 12 months after the grant,
as the board brief and the simulator's assumptions quote it (demo warehouse, seed 20190527)."""

from __future__ import annotations

from datetime import date

from lib.brief import brief_html
from lib.brief import content as brief_content
from lib.config import get_settings
from lib.outcomes import headline
from lib.simulator import scenarios
from lib.simulator.assumptions import describe_assumptions
from lib.simulator.inputs import ScenarioInputs
from lib.warehouse import db, queries
from lib.warehouse.filters import Filters

LINE_2018 = (
    "Résultats : 69,0\xa0% des micro-projets de la cohorte 2018 (270 bénéficiaires suivis) "
    "étaient encore en activité 12 mois après la subvention (intervalle de confiance à 95 % : "
    "63,1–74,2 %). (données de démonstration)"
)


def test_the_latest_cohort_followed_a_year_and_its_interval():
    figure = headline.still_running(Filters(2019), queries.filter_options())
    assert (figure["cohort_year"], figure["records"], figure["at_risk"]) == (2018, 270, 211)
    assert round(figure["share"], 4) == 0.6899 and figure["any_demo"]
    assert (
        headline.still_running(Filters(2019), queries.filter_options(), up_to=2016)["cohort_year"]
        == 2016
    )
    assert headline.still_running(Filters(2019), queries.filter_options(), up_to=2013) is None


def test_the_brief_line_and_its_small_cohort_rule():
    figure = headline.still_running(Filters(2019), queries.filter_options())
    assert headline.brief_line(figure, "fr", 10) == LINE_2018
    assert "2018" in headline.brief_line(figure, "ar", 10)
    assert headline.brief_line(figure, "en", 10).startswith("Outcomes: 69.0% of the micro")
    assert headline.brief_line(None, "fr", 10) is None
    # 211 people still followed at 12 months: a threshold above that hides the share.
    hidden = headline.brief_line(figure, "fr", 300)
    assert hidden.startswith("Résultats : la cohorte 2018 compte moins de 300 personnes")
    assert "%" not in hidden


def test_the_board_brief_carries_the_line_for_its_year():
    database = db.get_database(get_settings())
    assert brief_content.outcome_line(database, Filters(2019), "fr", 10) == LINE_2018
    older = brief_content.outcome_line(database, Filters(2016), "fr", 10)
    assert "cohorte 2016 (333 bénéficiaires suivis)" in older and "84,5\xa0%" in older
    page = brief_html(database, 2019, lang="fr", today=date(2025, 1, 15))
    assert 'class="outcome">Résultats : 69,0\xa0% des micro-projets' in page


def test_the_simulator_states_a_cohorts_survival_as_an_assumption():
    reference = scenarios.reference_frame(2019)
    inputs = ScenarioInputs(envelope_mad=13_500_000, reference_year=2019,
                            included_regions=frozenset(range(1, 13)))  # fmt: skip
    figure = headline.still_running(Filters(2019), queries.filter_options())
    key, params = describe_assumptions(inputs, reference, figure, 478)[-1]
    assert key == "sim.assumption.outcome_survival"
    assert params == {"year": 2018, "value": figure["share"], "running": 330, "funded": 478,
                      "people": 270}  # fmt: skip
    names = {"region": {}, "sector": {}}
    assert scenarios.message(key, params, "fr", names) == (
        "Hypothèse : si les micro-projets durent comme ceux de la cohorte 2018 (69,0\xa0% encore "
        "en activité après un an, sur 270 bénéficiaires suivis), environ 330 des 478 "
        "micro-projets financés le seraient encore après un an."
    )
    assert all(k != key for k, _ in describe_assumptions(inputs, reference))  # none without
