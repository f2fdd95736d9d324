"""The sidebar filters: one frozen ``Filters`` value, bound to the URL so a link reopens a view.

URL form: ``?year=2019&region=1,6&sector=agriculture&sex=F`` (codes, not names, so a link
works in every language). A parameter that cannot be read is reported and ignored: the view
falls back to the default for that filter and nothing else changes.

The widgets keep their values in the session (``SHADOW``) so that every page shows the same
selection, even a page whose years differ (placements were counted in other years than grants).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

SEXES = ("F", "M")
URL_KEYS = {"year": "year", "regions": "region", "sectors": "sector", "sexes": "sex"}
SHADOW = "filters"


_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class FilterOptions:
    """What each filter may take, read from the warehouse."""

    years: tuple[int, ...]
    regions: tuple[int, ...]
    sectors: tuple[str, ...]
    sexes: tuple[str, ...] = SEXES


@dataclass(frozen=True)
class Filters:
    """A selection; an empty tuple means "all"."""

    year: int
    regions: tuple[int, ...] = ()
    sectors: tuple[str, ...] = ()
    sexes: tuple[str, ...] = ()

    def sql_params(self, options: FilterOptions) -> dict:
        """Explicit lists for the bound parameters of lib/warehouse/sql (all values where none is
        chosen)."""
        return {
            "regions": list(self.regions or options.regions),
            "sectors": list(self.sectors or options.sectors),
            "sexes": list(self.sexes or options.sexes),
        }

    @property
    def is_narrowed(self) -> bool:
        return bool(self.regions or self.sectors or self.sexes)


@dataclass(frozen=True)
class ParamProblem:
    """A URL parameter that was ignored, with what to tell the user (an i18n key and values)."""

    name: str
    value: str
    message_key: str = "filters.bad_param"
    params: dict = field(default_factory=dict)


def _values(raw: str | list[str] | None) -> list[str]:
    items = raw if isinstance(raw, list) else [raw or ""]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def year_from_text(text: object) -> int | None:
    """A year written as four ASCII digits, else None ("²" and "٢٠١٩" pass str.isdigit)."""
    text = str(text).strip()
    return int(text) if _YEAR.fullmatch(text) else None


def _parse_year(raw, options: FilterOptions, default: int) -> tuple[int, ParamProblem | None]:
    values = _values(raw)
    if not values:
        return default, None
    year = year_from_text(values[0]) if len(values) == 1 else None
    if year in options.years:
        return year, None
    allowed = tuple(str(year) for year in options.years)  # written as the language lists
    return default, ParamProblem("year", ",".join(values), "filters.bad_year", {"allowed": allowed})


def _parse_choices(name: str, raw, allowed: Iterable, cast) -> tuple[tuple, ParamProblem | None]:
    values = _values(raw)
    allowed = tuple(allowed)
    chosen = []
    for text in values:
        try:
            value = cast(text)
        except ValueError:
            value = None
        if value not in allowed:
            shown = tuple(str(item) for item in allowed)
            key = f"filters.bad_{name}"
            return (), ParamProblem(URL_KEYS[name], ",".join(values), key, {"allowed": shown})
        if value not in chosen:
            chosen.append(value)
    # Every value chosen is the same view as none chosen: keep the URL and the query simple.
    return (() if set(chosen) == set(allowed) else tuple(sorted(chosen))), None


def parse_query_params(
    params: Mapping, options: FilterOptions, default_year: int
) -> tuple[Filters, list[ParamProblem]]:
    """Filters from URL parameters, and the parameters that had to be ignored."""
    year, year_problem = _parse_year(params.get("year"), options, default_year)
    regions, region_problem = _parse_choices("regions", params.get("region"), options.regions, int)
    sectors, sector_problem = _parse_choices("sectors", params.get("sector"), options.sectors, str)
    sexes, sex_problem = _parse_choices("sexes", params.get("sex"), options.sexes, str.upper)
    problems = [p for p in (year_problem, region_problem, sector_problem, sex_problem) if p]
    return Filters(year, regions, sectors, sexes), problems


def to_query_params(filters: Filters, default_year: int) -> dict[str, str]:
    """The URL parameters of a selection: only what differs from the default view."""
    params = {}
    if filters.year != default_year:
        params["year"] = str(filters.year)
    for name in ("regions", "sectors", "sexes"):
        chosen = getattr(filters, name)
        if chosen:
            params[URL_KEYS[name]] = ",".join(str(value) for value in chosen)
    return params


def effective_year(year: int, available: tuple[int, ...]) -> int:
    """The year a page shows: the selected one if it has data, else the nearest earlier one."""
    if not available or year in available:
        return year
    earlier = [candidate for candidate in available if candidate <= year]
    return max(earlier) if earlier else min(available)


def with_year(filters: Filters, year: int) -> Filters:
    return replace(filters, year=year)
