"""The Kaplan-Meier estimator with right-censoring, Greenwood's variance and a confidence band.

People are followed from an origin (a grant, a placement) until an event (the micro-project
closes, the job ends) or until they are last seen without it (*censored*: still running when
last visited, or not followed long enough yet). At each time ``t`` when ``d`` events happen
among the ``n`` people still observed (*at risk*), the survival is multiplied by
``1 - d / n``; people censored at ``t`` count as at risk at ``t`` (events first, the usual
convention). Greenwood: ``Var S(t) = S(t)^2 * sum d / (n (n - d))``; the band is the log-log
(exponential Greenwood) one, which stays inside [0, 1].

The input is a table of durations with counts (the warehouse's cubes hold people grouped by
months and outcome), so a cohort of millions is a few hundred rows. Pure: no streamlit.

Reference: Kaplan & Meier (1958); Greenwood (1926); Klein & Moeschberger, *Survival
Analysis* (2003), section 4.2, whose 6-MP example ``tests/test_outcomes.py`` reproduces.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

CONFIDENCE = 0.95
TABLE_COLUMNS = (
    "time", "at_risk", "events", "censored", "survival", "std_error", "lower", "upper",
)  # fmt: skip


def normal_quantile(confidence: float) -> float:
    """The two-sided normal quantile of a confidence level (1.96 for 0.95)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _life_arrays(times, happened, weights) -> dict[str, np.ndarray]:
    """time, at_risk, events, censored as arrays: one entry per distinct time, in order."""
    times = np.asarray(times)
    weights = np.asarray(weights, dtype=float)
    if len(times) and times.min() < 0:
        raise ValueError("durations must not be negative")
    if len(weights) and weights.min() < 0:
        raise ValueError("counts must not be negative")
    happened = np.asarray(happened, dtype=bool)
    unique, position = np.unique(times, return_inverse=True)
    events = np.bincount(position, weights=np.where(happened, weights, 0), minlength=len(unique))
    censored = np.bincount(position, weights=np.where(happened, 0, weights), minlength=len(unique))
    keep = (events + censored) > 0
    leaving = (events + censored)[keep]
    at_risk = np.cumsum(leaving[::-1])[::-1]
    return {"time": unique[keep], "at_risk": at_risk.round().astype(np.int64),
            "events": events[keep].round().astype(np.int64),
            "censored": censored[keep].round().astype(np.int64)}  # fmt: skip


def _columns(frame: pd.DataFrame, time: str, event: str, count: str | None):
    weights = frame[count].to_numpy(float) if count else np.ones(len(frame))
    return frame[time].to_numpy(), frame[event].to_numpy(bool), weights


def km_arrays(times, happened, weights, confidence: float = CONFIDENCE) -> dict[str, np.ndarray]:
    """The Kaplan-Meier table as arrays (``TABLE_COLUMNS``) from durations, event flags and
    counts: what ``kaplan_meier`` returns, without building a frame (for many groups)."""
    z = normal_quantile(confidence)
    table = _life_arrays(times, happened, weights)
    n, d = table["at_risk"].astype(float), table["events"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - d / n)
        greenwood = np.cumsum(np.where(d > 0, d / (n * (n - d)), 0.0))
        std_error = np.where(survival > 0, survival * np.sqrt(greenwood), 0.0)
        spread = z * np.sqrt(greenwood) / np.abs(np.log(survival))
        lower = np.where(survival >= 1, 1.0, survival ** np.exp(spread))
        upper = np.where(survival >= 1, 1.0, survival ** np.exp(-spread))
    table["survival"], table["std_error"] = survival, std_error
    table["lower"] = np.where(survival <= 0, 0.0, lower)
    table["upper"] = np.where(survival <= 0, 0.0, upper)
    return table


def kaplan_meier(
    frame: pd.DataFrame,
    time: str = "months",
    event: str = "ended",
    count: str | None = "records",
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """The Kaplan-Meier table: ``TABLE_COLUMNS``, one row per distinct time, the survival
    just after that time, its Greenwood standard error and the log-log confidence band.
    An empty frame gives an empty table.

    ``frame`` holds one row per person (``count`` None) or per group of people (``count``:
    how many); ``event`` is true when the event happened at ``time``, false when the person
    was last seen then without it."""
    table = km_arrays(*_columns(frame, time, event, count), confidence=confidence)
    return pd.DataFrame({name: table[name] for name in TABLE_COLUMNS})


def read_at(table, times) -> dict[str, np.ndarray]:
    """time, survival, lower, upper, at_risk at each of ``times``, as arrays, from a
    Kaplan-Meier table (a frame or ``km_arrays``): see ``survival_at``."""
    times = np.asarray(list(times), dtype=float)
    observed = np.asarray(table["time"], dtype=float)
    if not len(observed):
        nothing = np.full(len(times), np.nan)
        return {"time": times, "survival": nothing, "lower": nothing.copy(),
                "upper": nothing.copy(), "at_risk": np.zeros(len(times), np.int64)}  # fmt: skip
    steps = np.searchsorted(observed, times, side="right") - 1  # the last row at or before t
    beyond = times > observed[-1]
    out = {"time": times}
    for column in ("survival", "lower", "upper"):
        values = np.asarray(table[column], dtype=float)[np.maximum(steps, 0)]
        out[column] = np.where(beyond, np.nan, np.where(steps >= 0, values, 1.0))
    first_after = np.searchsorted(observed, times, side="left")  # the first row at or after t
    risk = np.asarray(table["at_risk"])[np.minimum(first_after, len(observed) - 1)]
    out["at_risk"] = np.where(first_after < len(observed), risk, 0).astype(np.int64)
    return out


def survival_at(table: pd.DataFrame, times) -> pd.DataFrame:
    """time, survival, lower, upper, at_risk at each of ``times`` from a ``kaplan_meier``
    table: the step function read at ``t``, events at ``t`` included (1 before the first
    time). NaN where nobody was followed that long (``t`` beyond the last time observed);
    ``at_risk``: the people still observed at ``t``."""
    return pd.DataFrame(read_at(table, times))


def median_survival(table: pd.DataFrame) -> float:
    """The first time the survival falls to 0.5 or below; NaN when it never does."""
    reached = table.loc[table["survival"] <= 0.5, "time"]
    return float(reached.iloc[0]) if len(reached) else float("nan")
