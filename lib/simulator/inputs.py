"""Scenario inputs: what a what-if depends on besides the reference data, validated on creation.

The constants of the model (sectors, regions, rules, limits), :class:`ScenarioError` (a message
key plus parameters, translated by the page) and :class:`ScenarioInputs` with its URL form.
Pure: stdlib only.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

SECTORS: tuple[str, ...] = (
    "commerce",
    "industrie",
    "services",
    "artisanat",
    "restauration",
    "agriculture",
    "batiment",
)
REGION_CODES: tuple[int, ...] = tuple(range(1, 13))
RULES: tuple[str, ...] = ("reference", "population", "equal", "custom")
MAX_GRANT_DENOMINATOR = 10**6
MAX_ENVELOPE_MAD = 1e12  # keeps every count far below 2**53 (grants are at least 1 MAD)
MIN_GRANT_MAD = 1.0

SECTOR_INDEX = {code: i for i, code in enumerate(SECTORS)}

_MESSAGES = {
    "sim.error.negative_envelope": "The envelope must be a number of MAD >= 0, not {envelope}.",
    "sim.error.envelope_too_large": (
        "The envelope of {envelope:g} MAD exceeds the model's limit of {maximum:g} MAD."
    ),
    "sim.error.no_region": "At least one region must be included.",
    "sim.error.unknown_region": "Unknown region code: {region}.",
    "sim.error.unknown_sector": "Unknown sector code: {sector}.",
    "sim.error.unknown_rule": "Unknown allocation rule {rule!r}; expected one of {allowed}.",
    "sim.error.negative_weight": "The weight of region {region} must be >= 0, not {weight}.",
    "sim.error.zero_weights": "Under rule {rule!r} the weights of the included regions sum to 0.",
    "sim.error.non_positive_grant": (
        "The mean grant of sector {sector} must be at least {minimum:g} MAD, not {value}."
    ),
    "sim.error.share_out_of_range": "The share of sector {sector} must lie in [0, 1], not {value}.",
    "sim.error.zero_mix": "The sector mix sums to 0.",
    "sim.error.women_share_out_of_range": (
        "The minimum share of women must lie in [0, 1], not {value}."
    ),
    "sim.error.negative_floor": (
        "The minimum number of beneficiaries per region must be a whole number >= 0, not {value}."
    ),
    "sim.error.floor_unaffordable": (
        "{min_per_region} beneficiaries in each of the {regions} included regions cost "
        "{required:.0f} MAD, more than the envelope of {envelope:.0f} MAD."
    ),
    "sim.error.bad_param": "Malformed scenario parameter {name}={value!r}.",
    "sim.error.missing_param": "Missing scenario parameter {name}.",
    "sim.error.reference_columns": "The reference data lacks the columns: {columns}.",
    "sim.error.reference_values": "The reference data has invalid values in column {column}.",
    "sim.error.empty_reference": "The reference year {year} has no beneficiaries.",
    "sim.error.bad_baseline": "Unknown point of comparison {value!r}.",
    "sim.error.bad_scenario_id": "{value!r} is not the number of a saved scenario.",
}


class ScenarioError(ValueError):
    """Impossible scenario inputs: ``key`` and ``params`` for translation, English ``str``."""

    def __init__(self, key: str, params: Mapping[str, Any] | None = None) -> None:
        self.key = key
        self.params = dict(params or {})
        template = _MESSAGES.get(key)
        try:
            text = template.format(**self.params) if template else f"{key} {self.params}"
        except (KeyError, IndexError, ValueError):
            text = f"{key} {self.params}"
        super().__init__(text)

    def __reduce__(self):
        return (type(self), (self.key, self.params))


def finite(value: Any, name: str) -> float:
    """A finite float, or ScenarioError bad_param."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": str(value)})
    number = float(value)
    if not math.isfinite(number):
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": str(value)})
    return number


def whole(value: Any, name: str) -> int:
    """An int (an integral float is accepted), or ScenarioError bad_param."""
    if isinstance(value, bool):
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": str(value)})
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    raise ScenarioError("sim.error.bad_param", {"name": name, "value": str(value)})


def region_code(value: Any) -> int:
    try:
        code = whole(value, "region")
    except ScenarioError:
        raise ScenarioError("sim.error.unknown_region", {"region": str(value)}) from None
    if code not in REGION_CODES:
        raise ScenarioError("sim.error.unknown_region", {"region": code})
    return code


def sector_code(value: Any) -> str:
    if value not in SECTOR_INDEX:
        raise ScenarioError("sim.error.unknown_sector", {"sector": str(value)})
    return value


# --- one validator per field: the raw value in, the stored (canonical) value out -------------


def _valid_envelope(value: Any) -> float:
    envelope = finite(value, "envelope_mad")
    if envelope < 0:
        raise ScenarioError("sim.error.negative_envelope", {"envelope": envelope})
    if envelope > MAX_ENVELOPE_MAD:
        raise ScenarioError(
            "sim.error.envelope_too_large", {"envelope": envelope, "maximum": MAX_ENVELOPE_MAD}
        )
    return envelope


def _valid_year(value: Any) -> int:
    return whole(value, "reference_year")


def _valid_regions(value: Any) -> frozenset[int]:
    # A string is iterable, but "12" is not the regions 1 and 2.
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ScenarioError(
            "sim.error.bad_param", {"name": "included_regions", "value": str(value)}
        )
    included = frozenset(region_code(code) for code in value)
    if not included:
        raise ScenarioError("sim.error.no_region")
    return included


def _valid_rule(value: Any) -> str:
    if value not in RULES:
        raise ScenarioError(
            "sim.error.unknown_rule", {"rule": str(value), "allowed": ", ".join(RULES)}
        )
    return value


def _valid_grants(value: Mapping[str, Any] | None) -> Mapping[str, float]:
    grants: dict[str, float] = {}
    for sector, grant in dict(value or {}).items():
        sector = sector_code(sector)
        number = finite(grant, f"grant_{sector}")
        if number < MIN_GRANT_MAD:
            raise ScenarioError(
                "sim.error.non_positive_grant",
                {"sector": sector, "value": number, "minimum": MIN_GRANT_MAD},
            )
        grants[sector] = number
    return MappingProxyType({s: grants[s] for s in SECTORS if s in grants})


def _valid_mix(value: Mapping[str, Any] | None) -> Mapping[str, float] | None:
    if value is None:
        return None
    given = {sector_code(s): finite(v, f"mix_{s}") for s, v in dict(value).items()}
    for sector, share in given.items():
        if not 0.0 <= share <= 1.0:
            raise ScenarioError("sim.error.share_out_of_range", {"sector": sector, "value": share})
    if sum(given.values()) <= 0:
        raise ScenarioError("sim.error.zero_mix")
    return MappingProxyType({s: given.get(s, 0.0) for s in SECTORS})


def _valid_weights(value: Mapping[int, Any] | None) -> Mapping[int, float] | None:
    if value is None:
        return None
    weights: dict[int, float] = {}
    for code, given in dict(value).items():
        code = region_code(code)
        weight = finite(given, f"weight_{code}")
        if weight < 0:
            raise ScenarioError("sim.error.negative_weight", {"region": code, "weight": weight})
        weights[code] = weight
    return MappingProxyType(dict(sorted(weights.items()))) or None  # no weight at all: None


def _valid_women_share(value: Any) -> float:
    women = finite(value, "women_min_share")
    if not 0.0 <= women <= 1.0:
        raise ScenarioError("sim.error.women_share_out_of_range", {"value": women})
    return women


def _valid_floor(value: Any) -> int:
    try:
        floor = whole(value, "min_per_region")
    except ScenarioError:
        raise ScenarioError("sim.error.negative_floor", {"value": str(value)}) from None
    if floor < 0:
        raise ScenarioError("sim.error.negative_floor", {"value": floor})
    return floor


# In field order: with several bad fields, the first one is the one reported.
_VALIDATORS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("envelope_mad", _valid_envelope),
    ("reference_year", _valid_year),
    ("included_regions", _valid_regions),
    ("rule", _valid_rule),
    ("mean_grant_mad", _valid_grants),
    ("sector_mix", _valid_mix),
    ("custom_weights", _valid_weights),
    ("women_min_share", _valid_women_share),
    ("min_per_region", _valid_floor),
)


@dataclass(frozen=True)
class ScenarioInputs:
    """Everything a scenario depends on besides the reference data (validated on creation).

    ``mean_grant_mad``: sector -> MAD; a sector left out takes the reference mean.
    ``sector_mix``: None for the reference mix (per region), else a national mix sector ->
    share in [0, 1] (missing sectors 0; normalised). ``custom_weights``: region -> weight >= 0,
    used by rule ``custom`` only. Mappings are stored read-only, in a canonical order.
    """

    envelope_mad: float
    reference_year: int
    included_regions: frozenset[int]
    rule: str = "reference"
    mean_grant_mad: Mapping[str, float] = field(default_factory=dict)
    sector_mix: Mapping[str, float] | None = None
    custom_weights: Mapping[int, float] | None = None
    women_min_share: float = 0.0
    min_per_region: int = 0

    def __post_init__(self) -> None:
        for name, valid in _VALIDATORS:
            object.__setattr__(self, name, valid(getattr(self, name)))  # frozen: set once here

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.to_query_params().items())))

    def to_query_params(self) -> dict[str, str]:
        """A flat dict of strings (URL query, JSON column); :meth:`from_query_params` inverts it.

        Keys: envelope, year, rule, regions ("1,2,4"), grant_<sector>, mix_<sector> (only when
        a mix is set), weight_<region> (only when custom weights are set), women_min and
        min_per_region (only when > 0).
        """
        params = {
            "envelope": _format_number(self.envelope_mad),
            "year": str(self.reference_year),
            "rule": self.rule,
            "regions": ",".join(str(code) for code in sorted(self.included_regions)),
        }
        for sector, value in self.mean_grant_mad.items():
            params[f"grant_{sector}"] = _format_number(value)
        if self.sector_mix is not None:
            for sector, share in self.sector_mix.items():
                params[f"mix_{sector}"] = _format_number(share)
        if self.custom_weights is not None:
            for code, weight in self.custom_weights.items():
                params[f"weight_{code}"] = _format_number(weight)
        if self.women_min_share > 0:
            params["women_min"] = _format_number(self.women_min_share)
        if self.min_per_region > 0:
            params["min_per_region"] = str(self.min_per_region)
        return params

    @classmethod
    def from_query_params(
        cls, params: Mapping[str, Any], defaults: ScenarioInputs | None = None
    ) -> ScenarioInputs:
        """Inputs from :meth:`to_query_params` output (or a URL's query).

        Keys the model does not know are ignored (a URL carries other parameters). A missing key
        takes its value from ``defaults`` (e.g. :func:`default_inputs`); without defaults,
        envelope, year and regions are required. Grants given override the defaults' one by
        one; mix_* or weight_* keys, when present, replace the defaults' mix or weights
        (missing sectors or regions count 0). Malformed values raise :class:`ScenarioError`.
        """
        values: dict[str, Any] = (
            {f.name: getattr(defaults, f.name) for f in fields(cls)} if defaults else {}
        )
        flat = {str(key): _last(value) for key, value in params.items()}
        # In this order, so that of several malformed parameters the same one is reported.
        values.update(_parsed(flat, _SCENARIO_PARAMS))
        values.update(_parsed_per_code(flat, values.get("mean_grant_mad")))
        values.update(_parsed(flat, _FLOOR_PARAMS))
        for key, name in _REQUIRED_PARAMS:
            if name not in values:
                raise ScenarioError("sim.error.missing_param", {"name": key})
        return cls(**values)


def _format_number(value: float) -> str:
    """Shortest text that reads back to the same float; whole numbers without '.0'."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _last(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value)


def _parse_float(name: str, text: str) -> float:
    try:
        number = float(text.strip())
    except ValueError:
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": text}) from None
    if not math.isfinite(number):
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": text})
    return number


def _parse_int(name: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": text}) from None


def _parse_rule(name: str, text: str) -> str:
    return text.strip()


def _parse_regions(name: str, text: str) -> frozenset[int]:
    return frozenset(_parse_int(name, part) for part in text.strip().split(",") if part.strip())


# Query key -> (field, parser of the key's text).
_SCENARIO_PARAMS: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "envelope": ("envelope_mad", _parse_float),
    "year": ("reference_year", _parse_int),
    "rule": ("rule", _parse_rule),
    "regions": ("included_regions", _parse_regions),
}
_FLOOR_PARAMS: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "women_min": ("women_min_share", _parse_float),
    "min_per_region": ("min_per_region", _parse_int),
}
_REQUIRED_PARAMS = (
    ("envelope", "envelope_mad"),
    ("year", "reference_year"),
    ("regions", "included_regions"),
)


def _parsed(flat: Mapping[str, str], spec: Mapping[str, tuple[str, Callable]]) -> dict[str, Any]:
    """Field -> parsed value for each key of ``spec`` present in the query, in ``spec``'s order."""
    return {name: parse(key, flat[key]) for key, (name, parse) in spec.items() if key in flat}


def _parsed_per_code(flat: Mapping[str, str], grants: Mapping[str, float] | None) -> dict[str, Any]:
    """The grant_*, mix_* and weight_* keys as fields, in the query's order.

    Grants given override ``grants`` one by one; mix and weights are returned only when some
    key sets them (then they replace the defaults' whole mix or weights).
    """
    grants = dict(grants or {})
    mix: dict[str, float] = {}
    weights: dict[int, float] = {}
    for key, text in flat.items():
        if key.startswith("grant_"):
            grants[sector_code(key.removeprefix("grant_"))] = _parse_float(key, text)
        elif key.startswith("mix_"):
            mix[sector_code(key.removeprefix("mix_"))] = _parse_float(key, text)
        elif key.startswith("weight_"):
            code = region_code(_parse_int(key, key.removeprefix("weight_")))
            weights[code] = _parse_float(key, text)
    values: dict[str, Any] = {"mean_grant_mad": grants}
    if mix:
        values["sector_mix"] = mix
    if weights:
        values["custom_weights"] = weights
    return values
