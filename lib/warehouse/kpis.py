"""The leadership KPIs of one year, computed from the yearly query frames. Pure: no streamlit.

Each tile (:class:`Kpi`) says what it compares: its value and year, the previous value and the
year it comes from (the latest earlier year with data, which is not always the year before),
which way the measure is better (a falling cost per beneficiary is good news), whether any
record behind it is demonstration data, and the published figures it is, or is made of, with
their sources. ``overview_tiles`` makes the overview's seven tiles; the board brief
(``lib.brief``) shows the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from lib.formatting import relative_change
from lib.warehouse.filters import Filters

MATCH_TOLERANCE = 0.5  # a computed value within half a unit of a published one is that figure
NATIONAL = "national"


@dataclass(frozen=True)
class Source:
    """A published figure behind a tile: its value as published and who published it, when."""

    indicator: str
    value: float
    unit: str
    qualifier: str  # exact, approx (près de), at_least (plus de)
    period: str  # a year, or a span such as 2018-2019
    title: str
    url: str | None
    date: date | None


@dataclass(frozen=True)
class Kpi:
    """One tile: the value for the year shown, the previous value and which years they are.

    ``better`` is +1 where a rise is good news, -1 where a fall is (cost per beneficiary), 0
    where neither; ``demo`` is True when a demonstration record is behind the value or the
    previous value; ``sources`` are the published figures the value is (``published`` True:
    the value shown is exactly what they say) or, otherwise, the published context of its
    year (CAPC interventions published for 2018-2019 beside the 2019 value).
    """

    key: str
    value: float | None
    previous: float | None
    year: int | None
    previous_year: int | None
    better: int = 1
    demo: bool = False
    sources: tuple[Source, ...] = ()
    published: bool = False

    @property
    def change(self) -> float | None:
        return relative_change(self.value, self.previous)

    @property
    def difference(self) -> float | None:
        """value - previous (a share's difference is in points once multiplied by 100)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def in_points(self) -> bool:
        """A share moves in percentage points: 12 % -> 14 % is "+2,0 pts", not "+17 %"."""
        return self.key.startswith("share_")

    @property
    def compares_year_before(self) -> bool:
        """False when the previous value is from an earlier year than the one before (placements
        2018 against 2015): the tile must then say which year it compares with."""
        if self.year is None or self.previous_year is None:
            return True
        return self.previous_year == self.year - 1

    @property
    def tone(self) -> int:
        """+1 good news, -1 bad news, 0 neither (no change, no comparison, a neutral measure)."""
        difference = self.difference
        if not difference:
            return 0
        return (1 if difference > 0 else -1) * self.better

    @property
    def demo_mark(self) -> bool:
        """Whether the tile carries the demonstration mark: demo records behind a value that is
        not a published figure (a published figure stands with its source)."""
        return self.demo and not self.published


@dataclass(frozen=True)
class Measure:
    """How one tile is made: its frame and column, which way is better, and the published
    indicators its value is made of (frame column, indicator)."""

    key: str
    frame: str  # programme, placements or interventions
    column: str
    better: int
    inputs: tuple[tuple[str, str], ...] = ()
    latest: bool = False  # shows the latest year up to the selected one that has data


_BUDGET, _PEOPLE = ("budget_mad", "programme_budget"), ("beneficiaries", "programme_beneficiaries")
MEASURES = (
    Measure("programme_budget", "programme", "budget_mad", 1, (_BUDGET,)),
    Measure("programme_beneficiaries", "programme", "beneficiaries", 1, (_PEOPLE,)),
    Measure("cost", "programme", "cost_per_beneficiary", -1, (_BUDGET, _PEOPLE)),
    Measure("share_women", "programme", "share_women", 1),
    Measure(
        "programme_regions_covered",
        "programme",
        "regions_covered",
        1,
        (("regions_covered", "programme_regions_covered"),),
    ),
    Measure(
        "placements_in_companies",
        "placements",
        "placements",
        1,
        (("placements", "placements_in_companies"),),
        latest=True,
    ),
    Measure(
        "capc_interventions",
        "interventions",
        "interventions",
        1,
        (("interventions", "capc_interventions"),),
        latest=True,
    ),
)
MEASURE_BY_KEY = {measure.key: measure for measure in MEASURES}


def _row_value(frame: pd.DataFrame, year: int | None, column: str) -> float | None:
    if year is None or column not in frame:
        return None
    rows = frame.loc[frame["year"] == year, column]
    return None if rows.empty or pd.isna(rows.iloc[0]) else float(rows.iloc[0])


def _years_with_data(frame: pd.DataFrame, column: str) -> list[int]:
    return sorted(int(y) for y in frame.loc[frame[column].notna(), "year"])


def kpi_for_year(frame: pd.DataFrame, column: str, year: int, key: str) -> Kpi:
    """The value in ``year`` against the latest earlier year with data (usually ``year - 1``);
    None where there is none."""
    earlier = [y for y in _years_with_data(frame, column) if y < year]
    before = earlier[-1] if earlier else None
    return Kpi(
        key, _row_value(frame, year, column), _row_value(frame, before, column), year, before
    )


def kpi_latest(frame: pd.DataFrame, column: str, year: int, key: str) -> Kpi:
    """The latest year up to ``year`` that has data, against the one before it in the data.

    Placements were counted in 2013-2015 and 2018 only: a 2019 view shows 2018's figure, named.
    """
    years = [y for y in _years_with_data(frame, column) if y <= year]
    if not years:
        return Kpi(key, None, None, None, None)
    shown = years[-1]
    before = years[-2] if len(years) > 1 else None
    return Kpi(
        key, _row_value(frame, shown, column), _row_value(frame, before, column), shown, before
    )


def with_ratios(by_year: pd.DataFrame) -> pd.DataFrame:
    """Add cost per beneficiary and share of women to the yearly beneficiaries frame."""
    frame = by_year.copy()
    people = frame["beneficiaries"].where(frame["beneficiaries"] > 0)
    frame["cost_per_beneficiary"] = frame["budget_mad"] / people
    frame["share_women"] = frame["women"].fillna(0) / people
    return frame


def any_demo(frame: pd.DataFrame, years) -> bool:
    """Whether a demonstration record is counted in ``frame`` for any of ``years``."""
    if "any_demo" not in frame:
        return False
    chosen = frame.loc[frame["year"].isin([y for y in years if y is not None]), "any_demo"]
    return bool(chosen.fillna(False).astype(bool).any())


def _web_address(url) -> str | None:
    """An http(s) address, else None: a source's URL comes from a file and becomes a link."""
    if url is None or pd.isna(url):
        return None
    text = str(url).strip()
    return text if text.lower().startswith(("https://", "http://")) else None


def _source(row: dict) -> Source:
    url, when = row.get("source_url"), row.get("source_date")
    return Source(
        indicator=row["indicator"],
        value=float(row["value"]),
        unit=row["unit"],
        qualifier=row["qualifier"],
        period=str(row["period"]),
        title=str(row["source_title"]),
        url=_web_address(url),
        date=None if when is None or pd.isna(when) else pd.Timestamp(when).date(),
    )


def _spans(period: str, year: int) -> bool:
    """Whether a period written "2018-2019" covers ``year`` (a single year is not a span)."""
    first, _, last = period.partition("-")
    return bool(last) and first.isdigit() and last.isdigit() and int(first) <= year <= int(last)


def national_figure(published: dict, indicator: str, year: int) -> tuple[Source | None, bool]:
    """The national figure published for ``indicator`` in ``year``, else for a period that
    covers it; and whether it is the year's own figure (not a span)."""
    row = published.get((indicator, str(year), NATIONAL))
    if row is not None:
        return _source(row), True
    for (name, period, scope), row in sorted(published.items()):
        if name == indicator and scope == NATIONAL and _spans(period, year):
            return _source(row), False
    return None, False


def _published(frame: pd.DataFrame, measure: Measure, year: int | None, published: dict):
    """The sources of a tile's value and whether the value is exactly those figures."""
    if year is None:
        return (), False
    sources, exact = [], True
    for column, indicator in measure.inputs:
        source, own_year = national_figure(published, indicator, year)
        if source is None:
            exact = False
            continue
        sources.append(source)
        value = _row_value(frame, year, column)
        exact = exact and own_year and value is not None
        exact = exact and abs(value - source.value) < MATCH_TOLERANCE
    return tuple(sources), bool(sources) and exact


def tile(measure: Measure, frame: pd.DataFrame, published: dict, filters: Filters) -> Kpi:
    """One tile for ``filters``: national published figures only speak for a whole-programme
    selection (no region, sector or sex chosen)."""
    pick = kpi_latest if measure.latest else kpi_for_year
    kpi = pick(frame, measure.column, filters.year, measure.key)
    sources, exact = ((), False)
    if not filters.is_narrowed:
        sources, exact = _published(frame, measure, kpi.year, published)
    return replace(
        kpi,
        better=measure.better,
        demo=any_demo(frame, (kpi.year, kpi.previous_year)),
        sources=sources,
        published=exact,
    )


def overview_tiles(
    by_year: pd.DataFrame,
    placements: pd.DataFrame,
    interventions: pd.DataFrame,
    published: dict,
    filters: Filters,
) -> list[Kpi]:
    """The overview's tiles, in their order: programme budget, beneficiaries, cost per
    beneficiary, share of women, regions covered, placements, CAPC interventions.

    ``by_year``, ``placements``, ``interventions``: the frames of ``queries.*_by_year`` for
    ``filters``; ``published``: ``queries.published_lookup()``.
    """
    if "share_women" not in by_year:
        by_year = with_ratios(by_year)
    frames = {"programme": by_year, "placements": placements, "interventions": interventions}
    return [
        tile(measure, frames[measure.frame], published, filters)
        for measure in MEASURES
        if measure.column in frames[measure.frame]
    ]
