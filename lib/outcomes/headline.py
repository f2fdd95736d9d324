"""The one outcome figure quoted outside the Résultats page: the share of micro-projects still
running 12 months after the grant, for the latest cohort followed that long, with the cohort
it describes. The overview tile, the board brief and the simulator's assumption read it here.

Reads the warehouse through ``lib.warehouse.queries`` only (the outcome cube); no streamlit.
"""

from __future__ import annotations

from lib.formatting import format_number
from lib.i18n import t
from lib.outcomes import cohorts
from lib.outcomes.tables import interval_params
from lib.warehouse import queries
from lib.warehouse.db import Database
from lib.warehouse.filters import FilterOptions, Filters

MONTHS = 12


def still_running(
    filters: Filters,
    options: FilterOptions,
    database: Database | None = None,
    up_to: int | None = None,
) -> dict | None:
    """The latest cohort (up to the year ``up_to``) whose micro-projects were followed 12
    months, for the filters' regions, sectors and sexes: ``cohorts.still_running``'s dict
    (cohort_year, share, lower, upper, records, at_risk, any_demo), or None. Worked out once
    per warehouse version and selection: the overview shows it to every session."""

    def compute() -> dict | None:
        spells = queries.outcome_spells("beneficiary", filters, options, database)
        if up_to is not None:
            spells = spells[spells["cohort_year"] <= up_to]
        return None if spells.empty else cohorts.still_running(spells, months=MONTHS)

    figure = queries.derived("still_running", (filters, options, up_to), compute, database)
    return None if figure is None else dict(figure)


def is_small(figure: dict, threshold: int) -> bool:
    """Whether fewer than ``threshold`` people stand behind the share (in the cohort, or still
    followed at 12 months): a file that may leave the building then does not give it."""
    return figure["records"] < threshold or figure["at_risk"] < threshold


def figure_params(figure: dict, lang: str) -> dict:
    """The figure's parts as a sentence shows them: share, lower, upper, cohort, people."""
    return {
        **interval_params(figure["share"], figure["lower"], figure["upper"], lang),
        "cohort": figure["cohort_year"],
        "people": format_number(figure["records"], lang),
    }


def brief_line(figure: dict | None, lang: str, threshold: int) -> str | None:
    """The board brief's outcome sentence (None without a cohort followed 12 months); the
    share is not given when fewer than ``threshold`` people stand behind it."""
    if figure is None:
        return None
    if is_small(figure, threshold):
        return t("outcomes.brief_hidden", lang, cohort=figure["cohort_year"], threshold=threshold)
    line = t("outcomes.brief_line", lang, **figure_params(figure, lang))
    return f"{line} ({t('common.demo_badge', lang)})" if figure["any_demo"] else line
