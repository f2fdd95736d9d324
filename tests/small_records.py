"""A tiny hand-made set of records whose every aggregate is known by heart."""

from __future__ import annotations

import pandas as pd


def _frame(rows: list[dict], defaults: dict) -> pd.DataFrame:
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    frame["batch_id"] = pd.array([None] * len(frame), dtype="Int32")
    return frame


def small_records() -> dict[str, pd.DataFrame]:
    """2018: 2 people (1 woman) for 50 000 MAD; 2019: 3 people in 2 regions for 90 000 MAD."""
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
            "is_demo": True,
        },
    )
    beneficiaries.insert(0, "beneficiary_id", range(1, len(beneficiaries) + 1))
    placements = _frame(
        [
            {"year": 2018, "region_code": 6, "sector_code": "industrie", "sex": "F"},
            {"year": 2018, "region_code": 6, "sector_code": "industrie", "sex": "M"},
            {"year": 2018, "region_code": 4, "sector_code": "services", "sex": "M"},
        ],
        {"age_band": "18-24", "is_demo": True},
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
        {"sex": "M", "is_demo": True},
    )
    interventions["intervention_date"] = pd.to_datetime(interventions["intervention_date"])
    interventions.insert(0, "intervention_id", range(1, len(interventions) + 1))
    return {"beneficiary": beneficiaries, "placement": placements, "intervention": interventions}
