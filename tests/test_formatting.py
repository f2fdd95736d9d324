"""lib.formatting: Babel formats for fr_MA, ar_MA and en."""

from __future__ import annotations

from datetime import date

import pytest

from lib import formatting as fmt

NNBSP, NBSP, RLM = "\u202f", "\xa0", "\u200f"


def test_money_in_each_language():
    assert fmt.format_money(13_500_000, "fr") == f"13{NNBSP}500{NNBSP}000{NBSP}MAD"
    assert fmt.format_money(13_500_000, "ar") == f"{RLM}13.500.000{NBSP}د.م.{RLM}"
    assert fmt.format_money(13_500_000, "en") == f"MAD{NBSP}13,500,000"


def test_percent_in_each_language():
    assert fmt.format_percent_value(0.192, "fr") == f"19,2{NBSP}%"
    assert fmt.format_percent_value(0.192, "en") == "19.2%"
    assert fmt.format_percent_value(0.192, "ar") == "19,2%"


def test_numbers_and_missing_values():
    assert fmt.format_number(9_183, "fr") == f"9{NNBSP}183"
    assert fmt.format_number(2.44, "fr", digits=1) == "2,4"
    assert fmt.format_number(None) == fmt.MISSING
    assert fmt.format_number(float("nan")) == fmt.MISSING
    assert fmt.format_money(None) == fmt.MISSING


def test_change_against_the_previous_year():
    change = fmt.relative_change(13_500_000, 8_100_000)
    assert change == pytest.approx(0.6667, abs=1e-4)
    assert fmt.format_change(change, "fr") == f"+67{NBSP}%"
    assert fmt.format_change(-0.06, "fr") == f"-6{NBSP}%"
    assert fmt.relative_change(5, 0) is None
    assert fmt.relative_change(None, 3) is None


def test_short_money_for_tiles():
    assert fmt.format_money_short(13_500_000, "fr") == f"13,5{NBSP}M{NBSP}MAD"
    assert fmt.format_money_short(13_500_000, "en") == f"MAD{NBSP}13.5M"


def test_dates():
    assert fmt.format_date(date(2019, 5, 27), "fr") == "27 mai 2019"
    assert fmt.format_date(date(2019, 5, 27), "en") == "May 27, 2019"
