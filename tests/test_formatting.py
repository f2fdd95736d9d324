"""lib.formatting: Babel formats for fr_MA, ar_MA, en and zgh_MA (Tamazight, public face)."""

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


def test_signed_differences_and_the_label_colon():
    assert fmt.format_signed(1_234, "fr") == f"+1{NNBSP}234"
    assert fmt.format_signed(-2.04, "fr", digits=1) == "-2,0"  # ASCII minus: st.metric reads it
    assert fmt.format_signed(0, "en") == "0"
    assert fmt.format_signed(None) == fmt.MISSING
    assert fmt.colon("fr") == f"{NBSP}: " and fmt.colon("ar") == fmt.colon("en") == ": "


def test_short_money_for_tiles():
    assert fmt.format_money_short(13_500_000, "fr") == f"13,5{NBSP}M{NBSP}MAD"
    assert fmt.format_money_short(13_500_000, "en") == f"MAD{NBSP}13.5M"


def test_dates():
    assert fmt.format_date(date(2019, 5, 27), "fr") == "27 mai 2019"
    assert fmt.format_date(date(2019, 5, 27), "en") == "May 27, 2019"


def test_months():
    assert fmt.format_month(date(2019, 5, 1), "fr") == "mai 2019"
    assert fmt.format_month(date(2019, 5, 1), "en") == "May 2019"


def test_latin_names_and_signed_figures_are_isolated_in_arabic_only():
    assert fmt.isolated("Libération (MAP)", "ar") == "\u2068Libération (MAP)\u2069"
    assert fmt.isolated("Libération (MAP)", "fr") == "Libération (MAP)"
    assert fmt.signed_isolated("-6%", "ar") == "\u2066-6%\u2069"
    assert fmt.signed_isolated(f"+67{NBSP}%", "fr") == f"+67{NBSP}%"  # st.metric reads the "+"
    assert fmt.isolated("", "ar") == ""


def test_tamazight_is_written_by_babel_s_zgh_ma_locale_left_to_right():
    # Babel's zgh_MA: a no-break space between thousands, a decimal comma, months in Tifinagh.
    assert fmt.locale_for("zgh") == "zgh_MA"
    assert fmt.format_number(13_500_000, "zgh") == f"13{NBSP}500{NBSP}000"
    assert fmt.format_number(2.44, "zgh", digits=1) == "2,4"
    assert fmt.format_money(13_500_000, "zgh") == f"13{NBSP}500{NBSP}000{NBSP}MAD"
    assert fmt.format_money_short(13_500_000, "zgh") == f"MAD{NBSP}13,5M"
    assert fmt.format_percent_value(0.192, "zgh") == f"19,2{NBSP}%"
    assert fmt.format_change(-0.06, "zgh") == f"-6{NBSP}%"
    assert fmt.format_date(date(2019, 5, 29), "zgh") == "29 ⵎⴰⵢⵢⵓ 2019"
    assert fmt.format_month(date(2019, 5, 29), "zgh") == "2019 ⵎⴰⵢⵢⵓ"
    assert fmt.isolated("Libération (MAP)", "zgh") == "Libération (MAP)"  # no isolate: LTR


def test_short_money_is_spaced_once_where_babel_already_spaces_the_code():
    assert NBSP * 2 not in fmt.format_money_short(13_500_000, "zgh")


def test_names_in_a_sentence_are_joined_as_each_language_joins_them():
    regions = ["Béni Mellal-Khénifra", "Dakhla-Oued Ed-Dahab"]
    assert fmt.format_list(regions, "fr") == "Béni Mellal-Khénifra et Dakhla-Oued Ed-Dahab"
    arabic = fmt.format_list(["بني ملال - خنيفرة", "الداخلة - وادي الذهب", "سوس - ماسة"], "ar")
    assert arabic == "بني ملال - خنيفرة والداخلة - وادي الذهب وسوس - ماسة" and "," not in arabic
    assert fmt.format_list(["A", "B", "C"], "en") == "A, B, and C"
    assert fmt.format_list([], "fr") == "" and fmt.format_list(["A"], "ar") == "A"
