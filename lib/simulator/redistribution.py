"""Where the money for an added region comes from, in one or two sentences.

When a scenario funds a region its baseline left without anyone (a region opened, or the
baseline "without" it), a board asks at once who pays for it. With the same envelope the money
is taken from the other regions; with a larger one, part or all of it is new money.
:func:`explain` measures that on a comparison (:func:`lib.simulator.baseline.compare`) and
:func:`words` writes it in the page's language:

    "Ajout de Béni Mellal-Khénifra : 34 bénéficiaires, 1 201 850 MAD. Cet argent est pris aux
    autres régions, qui perdent ensemble 1 201 850 MAD (33 bénéficiaires). Les plus touchées :
    Casablanca-Settat (-310 000 MAD, -9), Marrakech-Safi (-250 000 MAD, -7) et ..."

Pure (no streamlit): messages come from the catalogs, numbers from lib.formatting.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.formatting import (
    format_list,
    format_money,
    format_number,
    format_signed,
    signed_isolated,
)
from lib.i18n import t

MOST_AFFECTED = 3  # regions named as the ones that lose most
# Money is summed from float grants: less than half a dirham either way is no change at all.
_NO_MONEY = 0.5


@dataclass(frozen=True)
class Loss:
    """One region that receives less than in the baseline (money and people, both <= 0)."""

    region_code: int
    change_mad: float
    change: int


@dataclass(frozen=True)
class Redistribution:
    """The regions added (funded now, nobody in the baseline) and where their money comes from.

    ``taken_mad``/``taken_people``: what the other regions lose together (0 when they do not,
    on balance); ``growth_mad``: how much more money the scenario spends in all than the
    baseline (0 when not more); ``losers``: the regions losing most money, largest loss first.
    """

    added: tuple[int, ...]
    added_mad: float
    added_people: int
    taken_mad: float
    taken_people: int
    growth_mad: float
    losers: tuple[Loss, ...]


def explain(comparison: pd.DataFrame) -> Redistribution | None:
    """The redistribution a comparison shows, or None when no region was added."""
    added_rows = (comparison["baseline_beneficiaries"] == 0) & (
        comparison["scenario_beneficiaries"] > 0
    )
    if not added_rows.any():
        return None
    added, others = comparison[added_rows], comparison[~added_rows]
    others_mad = float(others["change_mad"].sum())
    growth = float(comparison["change_mad"].sum())
    losing = others[others["change_mad"] < -_NO_MONEY].sort_values(
        ["change_mad", "region_code"], kind="stable"
    )
    return Redistribution(
        added=tuple(int(code) for code in added["region_code"]),
        added_mad=float(added["scenario_grant_mad"].sum()),
        added_people=int(added["scenario_beneficiaries"].sum()),
        taken_mad=-others_mad if others_mad < -_NO_MONEY else 0.0,
        taken_people=max(0, -int(others["change"].sum())),
        growth_mad=growth if growth > _NO_MONEY else 0.0,
        losers=tuple(
            Loss(int(row.region_code), float(row.change_mad), int(row.change))
            for row in losing.head(MOST_AFFECTED).itertuples()
        ),
    )


def _source_key(found: Redistribution) -> str:
    """Which sentence says where the money comes from."""
    if found.taken_mad and found.growth_mad:
        return "sim.redistribution.from_both"
    if found.taken_mad:
        return "sim.redistribution.from_others"
    return "sim.redistribution.from_growth"


def words(found: Redistribution, lang: str, region_names: dict[str, str]) -> str:
    """The redistribution in ``lang``: who is added, where the money comes from, who loses most."""

    def name(code: int) -> str:
        return region_names.get(str(code), str(code))

    sentences = [
        t(
            "sim.redistribution.added",
            lang,
            regions=format_list([name(code) for code in found.added], lang),
            people=format_number(found.added_people, lang),
            money=format_money(found.added_mad, lang),
        ),
        t(
            _source_key(found),
            lang,
            taken=format_money(found.taken_mad, lang),
            people=format_number(found.taken_people, lang),
            growth=format_money(found.growth_mad, lang),
        ),
    ]
    if found.losers:
        losers = [
            t(
                "sim.redistribution.loser",
                lang,
                region=name(loss.region_code),
                # Money's own negative pattern places the sign in Arabic (lib.formatting).
                money=format_money(loss.change_mad, lang),
                people=signed_isolated(format_signed(loss.change, lang), lang),
            )
            for loss in found.losers
        ]
        sentences.append(
            t("sim.redistribution.most_affected", lang, regions=format_list(losers, lang))
        )
    return " ".join(sentences)
