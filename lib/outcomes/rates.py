"""A proportion with its Wilson score interval, and the number of people behind it.

The Wilson interval (Wilson 1927; Agresti & Coull 1998; Brown, Cai & DasGupta 2001) keeps a
sensible width for small counts and for proportions near 0, where returns to prison sit
(134 of 3 893: 3.44 %, 95 % interval 2.91 %-4.06 %); the textbook ``p ± z√(p(1-p)/n)`` would
give an interval below zero for a handful of people. Pure: no streamlit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.outcomes.survival import CONFIDENCE, normal_quantile


def wilson_interval(successes, trials, confidence: float = CONFIDENCE):
    """(lower, upper) of the Wilson score interval, element-wise over arrays (NaN where
    there are no trials)."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if np.any(k < 0) or np.any(k > n):
        raise ValueError("successes must be between 0 and the number of trials")
    z = normal_quantile(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        lower = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        upper = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    lower = np.where(k == 0, np.where(n > 0, 0.0, np.nan), lower)  # exact at the edges
    upper = np.where(k == n, np.where(n > 0, 1.0, np.nan), upper)
    return lower, upper


def with_rate(
    frame: pd.DataFrame,
    count: str,
    total: str,
    prefix: str = "",
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """``frame`` with ``<prefix>rate``, ``<prefix>lower`` and ``<prefix>upper``: the share
    ``count / total`` and its Wilson interval (NaN where ``total`` is 0)."""
    k, n = frame[count].to_numpy(float), frame[total].to_numpy(float)
    lower, upper = wilson_interval(k, n, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, k / n, np.nan)
    return frame.assign(**{f"{prefix}rate": rate, f"{prefix}lower": lower, f"{prefix}upper": upper})
