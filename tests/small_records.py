"""A tiny hand-made set of records whose every aggregate is known by heart.

Follow-ups (time from 1 July of the record's year, in whole months): micro-projects 1 closed at
12 months, 2 still running at 24, 3 closed at 6, 4 last seen running at 3, 5 back in prison
at 2; jobs of placements 1 left at 6 and 2 ended by a return to prison at 20; placement 3 was
never followed."""

from __future__ import annotations

import pandas as pd


def _frame(rows: list[dict], defaults: dict) -> pd.DataFrame:
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    frame["batch_id"] = pd.array([None] * len(frame), dtype="Int32")
    return frame


FOLLOW_UPS = (  # (beneficiary_id, placement_id, visit_date, status_code, reason_code)
    (1, None, "2018-10-15", "projet_actif", None),
    (1, None, "2019-01-10", "projet_actif", None),
    (1, None, "2019-07-05", "projet_ferme", "revenus_insuffisants"),
    (2, None, "2018-10-20", "projet_actif", None),
    (2, None, "2019-01-15", "projet_suspendu", None),
    (2, None, "2019-07-10", "projet_actif", None),
    (2, None, "2020-07-02", "projet_actif", None),
    (3, None, "2019-10-01", "projet_actif", None),
    (3, None, "2020-01-05", "projet_ferme", "dettes"),
    (4, None, "2019-10-03", "projet_actif", None),
    (5, None, "2019-09-15", "retour_prison", None),
    (None, 1, "2018-10-01", "en_poste", None),
    (None, 1, "2019-01-20", "depart", None),
    (None, 2, "2018-10-01", "en_poste", None),
    (None, 2, "2019-07-15", "en_poste", None),
    (None, 2, "2020-03-01", "retour_prison", None),
)


def _follow_ups(demo: bool) -> pd.DataFrame:
    frame = pd.DataFrame(
        FOLLOW_UPS,
        columns=["beneficiary_id", "placement_id", "visit_date", "status_code", "reason_code"],
    )
    frame.insert(0, "follow_up_id", range(1, len(frame) + 1))
    for key in ("beneficiary_id", "placement_id"):
        frame[key] = frame[key].astype("Int64")
    frame["visit_date"] = pd.to_datetime(frame["visit_date"])
    frame["is_demo"] = demo
    frame["batch_id"] = pd.array([None] * len(frame), dtype="Int32")
    return frame


def small_records(demo: bool = True) -> dict[str, pd.DataFrame]:
    """2018: 2 people (1 woman) for 50 000 MAD; 2019: 3 people in 2 regions for 90 000 MAD.
    ``demo`` false: the same records as if imported (not demonstration data)."""
    beneficiaries = _frame(
        [
            {
                "programme_year": 2018,
                "region_code": 6,
                "sector_code": "commerce",
                "sex": "F",
                "grant_mad": 20_000,
            },
            {
                "programme_year": 2018,
                "region_code": 1,
                "sector_code": "agriculture",
                "sex": "M",
                "grant_mad": 30_000,
            },
            {
                "programme_year": 2019,
                "region_code": 6,
                "sector_code": "commerce",
                "sex": "M",
                "grant_mad": 25_000,
                "is_moussalaha": True,
            },
            {
                "programme_year": 2019,
                "region_code": 6,
                "sector_code": "agriculture",
                "sex": "F",
                "grant_mad": 40_000,
                "is_royal_handover": True,
            },
            {
                "programme_year": 2019,
                "region_code": 9,
                "sector_code": "services",
                "sex": "M",
                "grant_mad": 25_000,
            },
        ],
        {
            "age_band": "25-34",
            "support_type": "micro_projet",
            "is_moussalaha": False,
            "is_former_cpe": False,
            "is_royal_handover": False,
            "is_demo": demo,
        },
    )
    beneficiaries.insert(0, "beneficiary_id", range(1, len(beneficiaries) + 1))
    placements = _frame(
        [
            {"year": 2018, "region_code": 6, "sector_code": "industrie", "sex": "F"},
            {"year": 2018, "region_code": 6, "sector_code": "industrie", "sex": "M"},
            {"year": 2018, "region_code": 4, "sector_code": "services", "sex": "M"},
        ],
        {"age_band": "18-24", "is_demo": demo},
    )
    placements.insert(0, "placement_id", range(1, len(placements) + 1))
    interventions = _frame(
        [
            {
                "intervention_date": "2018-03-05",
                "centre_id": 1,
                "region_code": 6,
                "type_code": "social",
            },
            {
                "intervention_date": "2019-03-06",
                "centre_id": 1,
                "region_code": 6,
                "type_code": "medical",
            },
            {
                "intervention_date": "2019-04-01",
                "centre_id": 3,
                "region_code": 9,
                "type_code": "social",
            },
        ],
        {"sex": "M", "is_demo": demo},
    )
    interventions["intervention_date"] = pd.to_datetime(interventions["intervention_date"])
    interventions.insert(0, "intervention_id", range(1, len(interventions) + 1))
    return {
        "beneficiary": beneficiaries,
        "placement": placements,
        "intervention": interventions,
        "follow_up": _follow_ups(demo),
    }
