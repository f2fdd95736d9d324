"""lib.export: downloads open in a spreadsheet and can never run a formula."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.export import (
    _NUMBER,
    FORMULA_START,
    csv_bytes,
    file_slug,
    neutralise_formula,
    safe_frame,
)


def test_formula_cells_are_neutralised():
    for cell in ("=1+1", "+SUM(A1)", "-cmd|' /C calc'!A0", "@SUM(1)"):
        assert neutralise_formula(cell) == "'" + cell
    assert neutralise_formula("Casablanca") == "Casablanca"
    assert neutralise_formula("-12,5") == "-12,5"  # a negative number stays a number
    assert neutralise_formula(-3) == -3


def test_csv_has_a_bom_and_raw_numbers():
    frame = pd.DataFrame({"Région": ["Fès-Meknès", "=HYPERLINK()"], "Budget": [1_000, 2_000]})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "Fès-Meknès,1000" in text and "'=HYPERLINK()" in text


@settings(deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=20))
def test_no_exported_text_cell_starts_a_formula(cells):
    safe = safe_frame(pd.DataFrame({"x": cells}))
    for cell in safe["x"]:
        # Only a plain number may start with a sign; anything else got its apostrophe.
        assert not cell.startswith(FORMULA_START) or _NUMBER.match(cell)
    for before, after in zip(cells, safe["x"], strict=True):
        assert after in (before, "'" + before)  # nothing else about a cell changes


def test_file_slug_keeps_any_script():
    assert file_slug("Budget par région en 2019 (MAD)") == "budget-par-région-en-2019-mad"
    assert file_slug("الميزانية") == "الميزانية"
    assert file_slug("///") == "idmaj"
