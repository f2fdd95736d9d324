"""Statistical disclosure control: every privacy rule of lib.public.disclosure, proved.

Exact fixtures pin the behaviour on small tables; hypothesis checks the rules on random
tables; an independent brute force (a tiny constraint solver, no shared code with the module)
checks that no suppressed value can be worked back from what is published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.public.disclosure import (
    NEUTRAL_MARKER,
    TOTAL_LABEL,
    Protected,
    audit,
    is_protected,
    protect_amounts,
    protect_long,
    protect_measure,
    publishable_frame,
    publishable_measure,
    suppress_counts,
    suppress_series,
)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def table(rows: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, index=list("abcdef"[: len(rows)]), columns=list("xyzuvw"[: len(rows[0])])
    )


def hidden(protected: Protected) -> set:
    """Suppressed cells as (row, column) labels, or labels for a series."""
    mask = protected.suppressed
    if isinstance(mask, pd.Series):
        return set(mask.index[mask])
    return {(r, c) for r in mask.index for c in mask.columns if mask.loc[r, c]}


# --------------------------------------------------------------------------- exact fixtures


def test_small_cell_and_next_smallest_of_its_row_and_column_are_hidden():
    protected = suppress_counts(table([[3, 20, 30], [15, 25, 35], [40, 45, 50]]))
    # 3 is primary; 20 (its row) and 15 (its column) complement it; column y then holds 20
    # alone, so its next smallest, 25, is hidden too, which also pairs 15 in row b
    assert hidden(protected) == {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}
    shown = publishable_frame(protected)
    assert shown.loc["a", "x"] == "< 10"
    assert shown.loc["a", "y"] == NEUTRAL_MARKER  # 20 is not "< 10": complements say nothing
    assert shown.loc["a", TOTAL_LABEL] == 53
    assert shown.loc[TOTAL_LABEL, TOTAL_LABEL] == 263
    assert is_protected(protected)


def test_row_of_small_cells_is_hidden_with_its_small_total():
    protected = suppress_counts(table([[2, 3, 4], [20, 30, 40], [25, 35, 45]]))
    shown = publishable_frame(protected)
    assert list(shown.loc["a"]) == ["< 10"] * 4  # the row total, 9, is small as well
    # the lone hidden total of row a is paired in the total column by the next smallest total
    assert protected.suppressed.loc["b", TOTAL_LABEL]
    assert shown.loc[TOTAL_LABEL, TOTAL_LABEL] == 204
    assert is_protected(protected)


def test_row_of_small_cells_with_a_large_total_keeps_its_total():
    protected = suppress_counts(table([[4, 5, 6], [20, 30, 40], [25, 35, 45]]))
    shown = publishable_frame(protected)
    assert list(shown.loc["a"]) == ["< 10", "< 10", "< 10", 15]
    assert is_protected(protected)


def test_zeros_stay_visible_and_are_never_complements():
    protected = suppress_counts(table([[0, 4, 30], [0, 25, 40], [0, 0, 50]]))
    shown = publishable_frame(protected)
    assert list(shown["x"]) == [0, 0, 0, 0]
    assert shown.loc["c", "y"] == 0
    # 4 cannot be paired by a zero: its row pairs it with 30, its column with 25
    assert hidden(protected) == {("a", "y"), ("a", "z"), ("b", "y"), ("b", "z")}
    assert is_protected(protected)


def test_threshold_is_configurable():
    frame = table([[4, 20, 30], [12, 25, 40], [30, 45, 6]])
    shown = publishable_frame(suppress_counts(frame, threshold=5))
    assert shown.loc["a", "x"] == "< 5"
    assert shown.loc["c", "z"] == 6  # 6 is not under a threshold of 5
    assert publishable_frame(suppress_counts(frame)).loc["c", "z"] == "< 10"


def test_threshold_two_uses_only_the_neutral_marker():
    # "< 2" would say "exactly 1"
    protected = suppress_counts(table([[1, 20], [30, 40]]), threshold=2)
    assert not protected.small.to_numpy().any()
    assert publishable_frame(protected).loc["a", "x"] == NEUTRAL_MARKER
    assert is_protected(protected)


def test_lone_hidden_total_is_paired_through_the_grand_total():
    protected = suppress_counts(table([[3, 0], [0, 40]]))
    # row a and column x are {3, total 3}; in the total column the hidden 3 would be
    # 43 - 40, so the total of row b is hidden, and then its 40, and then column y's total
    assert hidden(protected) == {
        ("a", "x"),
        ("a", TOTAL_LABEL),
        (TOTAL_LABEL, "x"),
        ("b", TOTAL_LABEL),
        ("b", "y"),
        (TOTAL_LABEL, "y"),
    }
    assert publishable_frame(protected).loc[TOTAL_LABEL, TOTAL_LABEL] == 43
    assert is_protected(protected)


def test_two_nines_in_a_row_are_not_given_away_by_their_markers():
    # "< 10" twice with a derivable sum of 18 would mean 9 and 9: the row needs a third cell
    protected = suppress_counts(table([[9, 9, 50], [20, 30, 40], [25, 35, 45]]))
    assert protected.suppressed.loc["a", "z"]
    assert is_protected(protected)


def test_two_ones_with_a_derivable_sum_of_two_are_not_given_away():
    # both hidden cells are at least 1 (zeros are shown), so a sum of 2 means 1 and 1
    protected = suppress_series(pd.Series([1, 1, 30, 40], index=list("abcd")))
    assert hidden(protected) == {"a", "b", "c"}
    assert is_protected(protected)


def test_series_with_a_total():
    protected = suppress_series(pd.Series([3, 40, 50], index=list("abc"), name="n"))
    assert hidden(protected) == {"a", "b"}
    assert list(publishable_frame(protected)) == ["< 10", NEUTRAL_MARKER, 50, 93]
    assert publishable_frame(protected).name == "n"


def test_series_of_small_cells_hides_its_total():
    protected = suppress_series(pd.Series([1, 2], index=list("ab")))
    assert hidden(protected) == {"a", "b", TOTAL_LABEL}
    assert is_protected(protected)


def test_series_without_total_gets_primary_suppression_only():
    protected = suppress_series(pd.Series([3, 40, 50], index=list("abc")), total=False)
    assert hidden(protected) == {"a"}
    assert TOTAL_LABEL not in protected.values.index


def test_table_without_margins_gets_primary_suppression_only():
    protected = suppress_counts(table([[3, 20], [15, 25]]), with_margins=False)
    assert hidden(protected) == {("a", "x")}
    assert protected.values.shape == (2, 2)
    assert is_protected(protected)


def test_empty_table_publishes_zero_totals():
    protected = suppress_counts(pd.DataFrame(index=[], columns=[]))
    assert publishable_frame(protected).loc[TOTAL_LABEL, TOTAL_LABEL] == 0
    assert is_protected(protected)


def test_money_is_hidden_where_fewer_than_threshold_beneficiaries():
    amounts = table([[1000.0, 5000.0, 7000.0], [300.0, 8000.0, 9000.0]])
    people = table([[3, 20, 30], [12, 40, 50]])
    protected = protect_amounts(amounts, people)
    assert protected.suppressed.loc["a", "x"]
    shown = publishable_frame(protected)
    assert shown.loc["a", "x"] == NEUTRAL_MARKER  # never "< 10": it would read as dirhams
    assert not protected.small.to_numpy().any()
    # 300 MAD with 12 beneficiaries is publishable on its own: it is hidden as a complement
    assert shown.loc["b", "x"] == NEUTRAL_MARKER
    assert is_protected(protected)


def test_money_with_no_beneficiary_is_hidden_and_zero_money_is_shown():
    amounts = pd.Series([500.0, 0.0, 20000.0, 30000.0], index=list("abcd"))
    people = pd.Series([0, 0, 40, 50], index=list("abcd"))
    protected = protect_amounts(amounts, people)
    assert protected.suppressed["a"]
    assert not protected.suppressed["b"]
    assert is_protected(protected)


def test_money_with_few_beneficiaries_is_hidden_even_when_zero():
    amounts = pd.Series([0.0, 20000.0, 30000.0], index=list("abc"))
    protected = protect_amounts(amounts, pd.Series([4, 40, 50], index=list("abc")))
    assert hidden(protected) == {"a", "b"}
    assert is_protected(protected)


def test_rates_with_small_numerator_base_or_complement_are_hidden():
    index = list("abcdef")
    rates = pd.Series([0.5, 0.03, 0.97, 0.0, 0.6, 0.4], index=index)
    bases = pd.Series([8, 100, 100, 50, 50, None], index=index)
    numerators = pd.Series([4, 3, 97, 0, 30, 10], index=index)
    mask = protect_measure(rates, bases, numerators=numerators)
    # small base, small numerator, small complement (3 did not), zero is fine, fine, no base
    assert list(mask) == [True, True, True, False, False, True]
    shown = publishable_measure(rates, mask)
    assert list(shown) == [NEUTRAL_MARKER] * 3 + [0.0, 0.6, NEUTRAL_MARKER]


def test_means_are_hidden_on_small_bases_only():
    means = pd.Series([1200.0, 800.0, 950.0], index=list("abc"))
    mask = protect_measure(means, pd.Series([9, 10, 0], index=list("abc")), threshold=10)
    assert list(mask) == [True, False, True]


def test_measure_threshold_is_configurable():
    rates = pd.Series([0.5, 0.5], index=["a", "b"])
    mask = protect_measure(rates, pd.Series([6, 4], index=["a", "b"]), threshold=5)
    assert list(mask) == [False, True]


def test_publishable_frame_custom_markers():
    protected = suppress_counts(table([[3, 20, 30], [15, 25, 35], [40, 45, 50]]))
    shown = publishable_frame(protected, marker="<10", neutral_marker="c")
    assert shown.loc["a", "x"] == "<10"
    assert shown.loc["a", "y"] == "c"
    assert shown.loc["c", "x"] == 40


def test_published_values_hide_suppressed_cells():
    protected = suppress_counts(table([[3, 20, 30], [15, 25, 35], [40, 45, 50]]))
    published = protected.published()
    assert published.isna().sum().sum() == 4
    assert published.loc["c", "z"] == 50


def test_long_format_round_trip():
    frame = pd.DataFrame(
        {
            "region": ["Oriental", "Oriental", "Souss", "Souss", "Fès", "Fès"],
            "sector": ["agri", "btp", "agri", "btp", "agri", "agri"],
            "count": [3, 20, 15, 25, 30, 10],
        }
    )
    long = protect_long(frame, "region", "sector")
    assert list(long.columns) == ["region", "sector", "count", "suppressed", "display"]
    assert len(long) == 4 * 3  # 3 regions + Total, 2 sectors + Total
    cell = long.set_index(["region", "sector"])
    assert cell.loc[("Oriental", "agri"), "display"] == "< 10"
    assert pd.isna(cell.loc[("Oriental", "agri"), "count"])  # no true value leaks
    assert cell.loc[("Fès", "agri"), "count"] == 40  # duplicate rows are summed
    assert cell.loc[("Fès", "btp"), "count"] == 0  # missing combinations are zeros
    assert cell.loc[(TOTAL_LABEL, TOTAL_LABEL), "count"] == 103
    assert long["suppressed"].sum() == 4


def test_long_format_one_dimension():
    frame = pd.DataFrame({"region": ["a", "b", "c"], "count": [3, 40, 50]})
    long = protect_long(frame, "region")
    assert list(long["display"]) == ["< 10", NEUTRAL_MARKER, "50", "93"]
    assert list(long["region"]) == ["a", "b", "c", TOTAL_LABEL]


def test_long_format_refuses_missing_categories():
    frame = pd.DataFrame({"region": ["a", None], "sector": ["x", "y"], "count": [30, 40]})
    with pytest.raises(ValueError, match="missing"):
        protect_long(frame, "region", "sector")


@pytest.mark.parametrize(
    "bad",
    [[[-1, 20]], [[1.5, 20]], [[np.nan, 20]], [[np.inf, 20]], [["a", 20]]],
    ids=["negative", "fraction", "missing", "infinite", "text"],
)
def test_bad_counts_are_refused(bad):
    with pytest.raises(ValueError):
        suppress_counts(pd.DataFrame(bad))


def test_total_label_collision_and_bad_threshold_are_refused():
    with pytest.raises(ValueError, match="already a label"):
        suppress_counts(pd.DataFrame([[30]], index=[TOTAL_LABEL]))
    with pytest.raises(ValueError, match="threshold"):
        suppress_counts(pd.DataFrame([[30]]), threshold=1)
    with pytest.raises(ValueError, match="same labels"):
        protect_amounts(pd.Series([1.0], index=["a"]), pd.Series([30], index=["b"]))


# --------------------------------------------------------------------------- the auditor


def tampered(protected: Protected, suppressed=None, small=None) -> Protected:
    return Protected(
        values=protected.values,
        suppressed=protected.suppressed if suppressed is None else suppressed,
        small=protected.small if small is None else small,
        weights=protected.weights,
        threshold=protected.threshold,
        kind=protected.kind,
        total_label=protected.total_label,
    )


def test_audit_catches_a_published_small_cell():
    protected = suppress_counts(table([[3, 20, 30], [15, 25, 35], [40, 45, 50]]))
    mask = protected.suppressed.copy()
    mask.loc["a", "x"] = False
    small = protected.small & mask
    problems = audit(tampered(protected, mask, small))
    assert any("fewer than threshold" in p for p in problems)
    assert any("lone suppressed" in p for p in problems)


def test_audit_catches_a_wrong_marker():
    protected = suppress_counts(table([[3, 20, 30], [15, 25, 35], [40, 45, 50]]))
    small = protected.suppressed.copy()  # "< 10" on the 20, 15 and 25 as well
    assert any("outside 1..t-1" in p for p in audit(tampered(protected, small=small)))


def test_audit_catches_margins_that_do_not_add_up():
    protected = suppress_counts(table([[30, 20], [15, 25]]))
    values = protected.values.copy()
    values.loc["a", "x"] = 31
    broken = Protected(values, protected.suppressed, protected.small, values, 10, "count", "Total")
    assert audit(broken) == ["margins labelled 'Total' do not add up"]


def test_audit_catches_a_bridge_that_the_line_rule_misses():
    # two 2x2 blocks of hidden cells joined by one hidden cell: every line holds 0 or >= 2
    # hidden cells, yet rows a+b minus columns x+y give the bridge (a, z) exactly
    protected = suppress_counts(table([[20] * 4] * 4))
    mask = protected.suppressed.copy()
    for cell in [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y"), ("a", "z")]:
        mask.loc[cell] = True
    for cell in [("c", "z"), ("c", "u"), ("d", "z"), ("d", "u")]:
        mask.loc[cell] = True
    problems = audit(tampered(protected, mask))
    assert problems == ["('a', 'z'): value can be worked back from the published cells"]


# --------------------------------------------------------------------------- brute force


def completions_differ(lines, values: dict, hidden_cells, bounds: dict, target) -> bool:
    """Is there a completion of the hidden cells, consistent with every published value and
    line sum and with the bounds, in which ``target`` differs from its true value?

    Depth-first search with propagation (a line with one unknown cell fixes it), values
    tried nearest to the truth first: a protected cell is found movable at once.
    """
    order = [target, *sorted(c for c in hidden_cells if c != target)]

    def allowed(cell, value) -> bool:
        low, high = bounds[cell]
        return low <= value <= high and not (cell == target and value == values[target])

    def solve(known: dict) -> bool:
        known = dict(known)
        changed = True
        while changed:
            changed = False
            for members, margin in lines:
                unknown = [c for c in (*members, margin) if c not in known]
                member_sum = sum(known[m] for m in members if m in known)
                if not unknown:
                    if member_sum != known[margin]:
                        return False
                elif len(unknown) == 1:
                    cell = unknown[0]
                    value = member_sum if cell == margin else known[margin] - member_sum
                    if not allowed(cell, value):
                        return False
                    known[cell], changed = value, True
                elif margin in known and member_sum + len(unknown) > known[margin]:
                    return False  # hidden cells are at least 1
        free = [c for c in order if c not in known]
        if not free:
            return True
        cell = free[0]
        low, high = bounds[cell]
        tries = sorted(range(low, high + 1), key=lambda v: (abs(v - values[cell]), v))
        return any(solve({**known, cell: v}) for v in tries if allowed(cell, v))

    published = {c: v for c, v in values.items() if c not in hidden_cells}
    return solve(published)


def structure(protected: Protected):
    """Lines, values, hidden cells and intruder bounds, rebuilt from scratch."""
    t = protected.threshold
    values_frame = protected.values
    if isinstance(values_frame, pd.Series):
        keys = list(range(len(values_frame)))
        lines = [(tuple(keys[:-1]), keys[-1])]
        values = {k: int(v) for k, v in zip(keys, values_frame, strict=True)}
        hidden_cells = {k for k in keys if protected.suppressed.iloc[k]}
        small = {k for k in keys if protected.small.iloc[k]}
    else:
        n_rows, n_cols = values_frame.shape
        lines = [(tuple((i, j) for j in range(n_cols - 1)), (i, n_cols - 1)) for i in range(n_rows)]
        lines += [
            (tuple((i, j) for i in range(n_rows - 1)), (n_rows - 1, j)) for j in range(n_cols)
        ]
        grid = values_frame.to_numpy()
        values = {(i, j): int(grid[i, j]) for i in range(n_rows) for j in range(n_cols)}
        hidden_cells = {c for c in values if protected.suppressed.to_numpy()[c]}
        small = {c for c in values if protected.small.to_numpy()[c]}
    # neutral cells: at least 1 and, for the search, at most one above the largest value,
    # enough for the unit steps by which a movable cell always moves
    cap = max(values.values()) + 1
    bounds = {c: (1, t - 1) if c in small else (1, cap) for c in hidden_cells}
    return lines, values, hidden_cells, bounds


def determined_by_brute_force(protected: Protected) -> set:
    lines, values, hidden_cells, bounds = structure(protected)
    return {
        c for c in hidden_cells if not completions_differ(lines, values, hidden_cells, bounds, c)
    }


def cell_label(protected: Protected, cell) -> str:
    if isinstance(protected.values, pd.Series):
        return repr(protected.values.index[cell])
    return repr((protected.values.index[cell[0]], protected.values.columns[cell[1]]))


def determined_by_audit(protected: Protected) -> set:
    suffix = ": value can be worked back from the published cells"
    problems = {p.removesuffix(suffix) for p in audit(protected) if p.endswith(suffix)}
    hidden_cells = structure(protected)[2]
    return {c for c in hidden_cells if cell_label(protected, c) in problems}


def test_brute_force_agrees_on_the_fixtures():
    protected = suppress_counts(table([[3, 20, 30], [15, 25, 35], [40, 45, 50]]))
    assert determined_by_brute_force(protected) == set()
    nines = suppress_counts(table([[9, 9, 50], [20, 30, 40]]))
    assert determined_by_brute_force(nines) == set()
    # the bare line rule on the nines: row a hides exactly its two "< 10" cells
    mask = nines.suppressed.copy()
    mask.loc[:, :] = False
    for cell in [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")]:
        mask.loc[cell] = True
    bare = tampered(nines, mask, nines.small & mask)
    # 9 and 9 are given away, and with them the 20 and 30 below them
    everything = {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert determined_by_brute_force(bare) == everything == determined_by_audit(bare)


# --------------------------------------------------------------------------- properties

# many small counts, some zeros, some large: where suppression patterns get interesting
count = st.one_of(st.just(0), st.integers(1, 12), st.integers(0, 40))
threshold = st.integers(2, 12)


@st.composite
def count_tables(draw, max_rows=6, max_cols=6, cell=count):
    n_rows = draw(st.integers(1, max_rows))
    n_cols = draw(st.integers(1, max_cols))
    cells = draw(st.lists(cell, min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    return pd.DataFrame(np.array(cells, dtype="int64").reshape(n_rows, n_cols))


def lines_of(protected: Protected):
    """Each line (row or column with its margin) as a list of (value, suppressed)."""
    values, mask = protected.values.to_numpy(), protected.suppressed.to_numpy()
    if values.ndim == 1:
        return [list(zip(values, mask, strict=True))]
    rows = [list(zip(values[i], mask[i], strict=True)) for i in range(values.shape[0])]
    cols = [list(zip(values[:, j], mask[:, j], strict=True)) for j in range(values.shape[1])]
    return rows + cols


def assert_rules_hold(protected: Protected) -> None:
    t = protected.threshold
    values, mask = protected.values.to_numpy(), protected.suppressed.to_numpy()
    small = protected.small.to_numpy()
    # (1) no published cell, margins included, from 1 to t-1
    assert not (~mask & (values >= 1) & (values < t)).any()
    # zeros are published; "< t" is only ever said of a hidden value from 1 to t-1
    assert not (mask & (values == 0)).any()
    assert not (small & ~(mask & (values >= 1) & (values < t))).any()
    # (2) every line with its margin holds 0 or at least 2 hidden cells
    for line in lines_of(protected):
        hidden_in_line = [v for v, s in line if s]
        assert len(hidden_in_line) != 1
        # their sum is derivable, and they are each at least 1
        if hidden_in_line and not line[-1][1]:
            assert sum(hidden_in_line) >= len(hidden_in_line)
    assert audit(protected) == []


@FAST
@given(count_tables(), threshold)
def test_random_tables_obey_the_rules(frame, t):
    assert_rules_hold(suppress_counts(frame, threshold=t))


@FAST
@given(st.lists(count, min_size=1, max_size=8), threshold)
def test_random_series_obey_the_rules(cells, t):
    assert_rules_hold(suppress_series(pd.Series(cells, dtype="int64"), threshold=t))


@FAST
@given(count_tables(max_rows=4, max_cols=4), threshold, st.integers(0, 10**6))
def test_random_money_tables_obey_the_rules(people, t, seed):
    rng = np.random.default_rng(seed)
    amounts = people * rng.integers(0, 5000, size=people.shape)  # nobody, no money
    protected = protect_amounts(amounts.astype(float), people, threshold=t)
    weights, mask = protected.weights.to_numpy(), protected.suppressed.to_numpy()
    assert not (~mask & (weights >= 1) & (weights < t)).any()
    for line in lines_of(protected):
        assert sum(s for _, s in line) != 1
    assert is_protected(protected)


@SLOW
@given(count_tables(max_rows=3, max_cols=3, cell=st.integers(0, 15)), threshold)
def test_no_hidden_count_has_a_single_consistent_value(frame, t):
    """Brute force: each hidden cell has two completions consistent with all that is published."""
    protected = suppress_counts(frame, threshold=t)
    assert determined_by_brute_force(protected) == set()


@SLOW
@given(st.lists(st.integers(0, 15), min_size=1, max_size=5), threshold)
def test_no_hidden_series_count_has_a_single_consistent_value(cells, t):
    protected = suppress_series(pd.Series(cells, dtype="int64"), threshold=t)
    assert determined_by_brute_force(protected) == set()


@SLOW
@given(count_tables(max_rows=2, max_cols=3, cell=st.integers(0, 8)), threshold, st.data())
def test_audit_and_brute_force_agree_on_any_suppression_pattern(frame, t, data):
    """The exact check of the module, against the brute force, on arbitrary masks."""
    protected = suppress_counts(frame, threshold=t)
    values = protected.values.to_numpy()
    flags = data.draw(st.lists(st.booleans(), min_size=values.size, max_size=values.size))
    mask = (np.array(flags).reshape(values.shape)) & (values > 0)
    marks = data.draw(st.lists(st.booleans(), min_size=values.size, max_size=values.size))
    small = mask & np.array(marks).reshape(values.shape) & (values < t)
    like = protected.suppressed
    pattern = tampered(
        protected,
        pd.DataFrame(mask, index=like.index, columns=like.columns),
        pd.DataFrame(small, index=like.index, columns=like.columns),
    )
    assert determined_by_audit(pattern) == determined_by_brute_force(pattern)
