"""Statistical disclosure control: what may be published, and what must be hidden.

Idmaj publishes counts of former detainees. In a small region, a count of two participants in
a programme is enough to identify them, so every table, series and measure leaves the
warehouse through this module. The rules follow the practice of statistical offices (primary
suppression of small cells, then secondary suppression so that hidden cells cannot be worked
back from the totals). Everything here is pure: pandas in, pandas out, no database, no UI.

Rules (``t`` is the threshold, 10 by default, ``Settings.suppression_threshold``)
---------------------------------------------------------------------------------------
1. Primary suppression. A count from 1 to t-1 is never published, margins included. Zero is
   published: "nobody" identifies nobody, and showing zeros is what makes tables readable.
2. Measures. A rate, share or mean is suppressed when its base (people in the denominator) is
   under t; a rate or share also when its numerator, or the complement ``base - numerator``,
   is from 1 to t-1 (97 % of 100 names the 3 who did not).
3. Money. An amount is suppressed when fewer than t beneficiaries stand behind it (and when
   money appears with no beneficiary at all, which cannot be explained without a person).
4. Secondary suppression. A table is published with its margins (row totals, column totals,
   grand total); a series with its total. Every line (row or column, the total row and the
   total column included, the margin being a cell of its line) holds either no suppressed
   cell or at least two. A line with a lone suppressed cell gets a complementary suppression:
   its smallest published cell with someone behind it (a non-zero count, an amount with
   beneficiaries), or when there is none the line's margin. A published zero count is never
   chosen: zeros are known to be zeros, hiding one protects nothing. This repeats until
   stable, because a complement in a row may leave its column with a lone suppressed cell.
5. Exact audit. Rule 4 alone is not enough: suppressed cells can still be pinned down by
   combining several lines (a "bridge" between two blocks of suppressed cells), by
   non-negativity (two hidden cells whose sum is derivable as 2 are both 1), or by the marker
   itself (two "< 10" cells whose sum is 18 are both 9). So after rule 4 every suppressed cell
   is checked exactly; while one is determined, a further complement is suppressed among the
   published cells of its lines (then anywhere in the table): the one that frees it, rule 4
   applied, at the smallest hidden total. When no published cell is left to hide, the "< t"
   markers of the lines concerned are replaced by the neutral marker, which removes the
   upper bound they give away. Full suppression with neutral markers is always safe (every
   hidden cell can grow by 1 with its row total, column total and grand total), so the
   loop ends.

What an intruder is assumed to know
-----------------------------------
Every published number, every additive relation (cells add up to their margins), that zeros
are published (so a suppressed count is at least 1; a suppressed amount at least 0), and the
literal meaning of the markers: ``"< t"`` says 1 to t-1, the neutral marker ``"s"`` (secret
statistique) says nothing. A suppressed cell is safe when at least two values of it are
consistent with all of that. This is tested exactly: a suppressed cell can move iff it lies on
a cycle of the residual graph of the table (rows and columns are nodes, suppressed cells are
arcs in the directions their bounds allow), the classical network view of two-way tables.
As with the standard rule, exact values are protected, not intervals: an intruder may learn
that two hidden cells sum to 3.

Markers
-------
Cells suppressed because they are small read ``"< t"`` (true value 1 to t-1). Complementary
suppressions, suppressed money, and small cells whose interval would give them away read
``"s"``: they may hold any value, so ``"s"`` must never be documented as "at least t".
With t = 2, ``"< 2"`` would mean exactly 1, so every suppressed cell reads ``"s"``.

Limits the caller must respect
------------------------------
- A table must be a partition (each person in exactly one cell) for its margins to be totals.
  Distinct-person totals published elsewhere are other numbers and need their own protection.
- Tables are protected one at a time. Two published tables sharing a margin (region x sector
  and region x gender) are linked: publish shared totals from one protected table only, and
  prefer publishing the full cross-table over several overlapping two-way views.
- ``with_margins=False`` / ``total=False`` is only safe if those totals are published nowhere.
- A mean or rate table with a published overall mean or rate is additive through its sums:
  protect the table of sums (``protect_amounts`` or ``suppress_counts``) and hide the
  measures whose sum is hidden.
- Money gets the threshold rule only, not the dominance rules (p %, n-k) used for business
  statistics: amounts paid to individuals are assumed to be of comparable size.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 10
TOTAL_LABEL = "Total"
NEUTRAL_MARKER = "s"  # "secret statistique": a suppressed value, with no bound given away

Kind = Literal["count", "amount"]
Pandas = pd.DataFrame | pd.Series


@dataclass(frozen=True, eq=False)
class Protected:
    """A table (DataFrame) or series (Series) with its margins and suppression masks.

    ``values`` holds the TRUE values, margins included: never display it, display
    ``published()`` or ``publishable_frame(...)``. ``small`` marks the suppressed cells shown
    as ``"< threshold"``; the other suppressed cells are shown with the neutral marker.
    ``weights`` counts the people behind each cell (the counts themselves, or beneficiaries).
    ``total_label`` is the label of the margin row/column/entry, None when no margin is
    published.
    """

    values: Pandas
    suppressed: Pandas
    small: Pandas
    weights: Pandas
    threshold: int
    kind: Kind
    total_label: str | None

    def published(self) -> Pandas:
        """Values with suppressed cells as missing (nullable Int64 for counts): for charts."""
        shown = self.values.astype("Int64") if self.kind == "count" else self.values
        return shown.mask(self.suppressed)


# --------------------------------------------------------------------------- public API


def suppress_counts(
    table: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    with_margins: bool = True,
    total_label: str = TOTAL_LABEL,
) -> Protected:
    """Protect a two-way table of counts; margins are added as a ``total_label`` row and column."""
    counts = _checked_numbers(table, integers=True)
    return _protect_object(counts, counts, threshold, "count", with_margins, total_label)


def suppress_series(
    counts: pd.Series,
    threshold: int = DEFAULT_THRESHOLD,
    total: bool = True,
    total_label: str = TOTAL_LABEL,
) -> Protected:
    """Protect a one-way series of counts; its total is added as a ``total_label`` entry."""
    checked = _checked_numbers(counts, integers=True)
    return _protect_object(checked, checked, threshold, "count", total, total_label)


def protect_amounts(
    amounts: Pandas,
    beneficiaries: Pandas,
    threshold: int = DEFAULT_THRESHOLD,
    with_margins: bool = True,
    total_label: str = TOTAL_LABEL,
) -> Protected:
    """Protect money (table or series): hidden where fewer than ``threshold`` beneficiaries."""
    money = _checked_numbers(amounts, integers=False)
    people = _checked_numbers(_aligned_exactly(beneficiaries, amounts), integers=True)
    return _protect_object(money, people, threshold, "amount", with_margins, total_label)


def protect_measure(
    values: Pandas,
    bases: Pandas,
    threshold: int = DEFAULT_THRESHOLD,
    numerators: Pandas | None = None,
) -> Pandas:
    """Mask (True = suppress) for rates, shares or means, cell by cell (rule 2).

    ``bases`` counts the people in each denominator; pass ``numerators`` (people counted in
    the numerator) for rates and shares, not for means. Missing bases count as 0, so a cell
    with no known base is suppressed.
    """
    threshold = _check_threshold(threshold)
    base = bases.reindex_like(values).fillna(0)
    mask = base < threshold
    if numerators is not None:
        numerator = numerators.reindex_like(values).fillna(0)
        mask = mask | _is_small(numerator, threshold) | _is_small(base - numerator, threshold)
    return mask.astype(bool)


def publishable_frame(
    protected: Protected, marker: str | None = None, neutral_marker: str = NEUTRAL_MARKER
) -> Pandas:
    """Object-typed copy for display and CSV: published numbers, or the markers.

    ``marker`` (default ``f"< {threshold}"``) replaces small suppressed cells,
    ``neutral_marker`` every other suppressed cell.
    """
    small_marker = marker if marker is not None else f"< {protected.threshold}"
    labels = np.where(protected.small.to_numpy(), small_marker, neutral_marker)
    shown = protected.values.astype(object)
    return shown.mask(protected.suppressed, _reshaped(labels, shown))


def publishable_measure(
    values: Pandas, mask: Pandas, neutral_marker: str = NEUTRAL_MARKER
) -> Pandas:
    """Object-typed copy of measures with the neutral marker where ``mask`` is True."""
    hide = mask.reindex_like(values).astype("boolean").fillna(True).astype(bool)
    return values.astype(object).mask(hide, neutral_marker)


def protect_long(
    frame: pd.DataFrame,
    row: str,
    column: str | None = None,
    value: str = "count",
    threshold: int = DEFAULT_THRESHOLD,
    with_margins: bool = True,
    total_label: str = TOTAL_LABEL,
) -> pd.DataFrame:
    """Pivot a long frame of counts, protect it, and return it long again.

    Rows sharing dimension values are summed; missing combinations are zeros. The result has
    the dimension columns (margins labelled ``total_label``), ``value`` (missing where
    suppressed), ``suppressed`` (bool) and ``display`` (the number or its marker, as text).
    """
    dims = [row] if column is None else [row, column]
    if frame[dims].isna().any().any():
        # a person with no region would silently leave the totals: label them explicitly
        raise ValueError(f"missing values in {dims}: label unknown categories explicitly")
    sums = frame.groupby(dims, sort=True, observed=True)[value].sum()
    if column is None:
        protected = suppress_series(sums, threshold, with_margins, total_label)
    else:
        table = sums.unstack(column, fill_value=0)
        protected = suppress_counts(table, threshold, with_margins, total_label)
    return _to_long(protected, dims, value)


def audit(protected: Protected) -> list[str]:
    """Every breach of the rules in ``protected``, in words; empty when it may be published."""
    values, weights, suppressed, small = _flat_arrays(protected)
    names = _cell_names(protected.values)
    t = protected.threshold
    layout = _layout(protected.values, protected.total_label is not None)
    problems = _check_data(protected, values, weights)
    if problems:
        return problems  # the checks below assume honest numbers and margins

    def report(mask: np.ndarray, what: str) -> None:
        problems.extend(f"{names[i]}: {what}" for i in np.flatnonzero(mask))

    problem = _Problem(values, weights, layout, t, protected.kind)
    report(~suppressed & problem.primary(), "published, fewer than threshold")
    report(small & ~suppressed, "small marker on a published cell")
    if protected.kind == "count":
        report(small & ~_is_small(values, t), "'< threshold' marker on a value outside 1..t-1")
        report(suppressed & (values == 0), "zero suppressed (zeros are published and known)")
    else:
        report(small, "'< threshold' marker on money")
    for members, margin in layout.lines:
        if suppressed[[*members, margin]].sum() == 1:
            lone = next(i for i in (*members, margin) if suppressed[i])
            problems.append(f"{names[lone]}: lone suppressed cell of its line")
    for i in problem.determined(suppressed, small):
        problems.append(f"{names[i]}: value can be worked back from the published cells")
    return problems


def is_protected(protected: Protected) -> bool:
    """True when ``audit`` finds nothing: the publish step refuses anything else."""
    return not audit(protected)


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Layout:
    """The additive structure of a flattened table, margins included.

    ``lines``: (member cells, margin cell), one per equation "members sum to margin".
    ``ends``: for each cell, its (row node, column node) in the residual graph.
    ``signs``: +1 or -1 so that, in every line, the signed cells sum to zero.
    """

    lines: tuple[tuple[tuple[int, ...], int], ...] = ()
    ends: tuple[tuple[int, int], ...] = ()
    signs: tuple[int, ...] = ()


def _layout(values: Pandas, with_margins: bool) -> _Layout:
    if not with_margins:
        return _Layout()  # nothing adds up to anything published: no equation to exploit
    if isinstance(values, pd.Series):
        return _series_layout(len(values))
    return _table_layout(*values.shape)


def _table_layout(n_rows: int, n_cols: int) -> _Layout:
    """Two-way table whose last row and column are the margins (the corner: grand total)."""
    last_row, last_col = n_rows - 1, n_cols - 1

    def cell(i: int, j: int) -> int:
        return i * n_cols + j

    rows = [(tuple(cell(i, j) for j in range(last_col)), cell(i, last_col)) for i in range(n_rows)]
    cols = [(tuple(cell(i, j) for i in range(last_row)), cell(last_row, j)) for j in range(n_cols)]
    ends = tuple((i, n_rows + j) for i in range(n_rows) for j in range(n_cols))
    # margins are subtracted in their lines; the grand total is a margin of margins: added
    signs = tuple(
        -1 if (i == last_row) != (j == last_col) else 1
        for i in range(n_rows)
        for j in range(n_cols)
    )
    return _Layout(tuple(rows + cols), ends, signs)


def _series_layout(n_cells: int) -> _Layout:
    """Series whose last entry is the total: one equation, every cell between the same nodes."""
    members = tuple(range(n_cells - 1))
    return _Layout(((members, n_cells - 1),), ((0, 1),) * n_cells, (1,) * (n_cells - 1) + (-1,))


# --------------------------------------------------------------------------- protection


def _protect_object(
    values: Pandas,
    weights: Pandas,
    threshold: int,
    kind: Kind,
    with_margins: bool,
    total_label: str,
) -> Protected:
    threshold = _check_threshold(threshold)
    if with_margins:
        values, weights = _add_margins(values, total_label), _add_margins(weights, total_label)
    if kind == "count":  # an empty table sums to float zeros
        values, weights = values.astype("int64"), weights.astype("int64")
    problem = _Problem.of(values, weights, with_margins, threshold, kind)
    suppressed, small = problem.protect()
    return Protected(
        values=values,
        suppressed=_reshaped(suppressed, values),
        small=_reshaped(small, values),
        weights=weights,
        threshold=threshold,
        kind=kind,
        total_label=total_label if with_margins else None,
    )


@dataclass(frozen=True)
class _Problem:
    """Flat values, weights and additive layout of one table: what rules 1 to 5 work on."""

    values: np.ndarray
    weights: np.ndarray
    layout: _Layout
    threshold: int
    kind: Kind

    @classmethod
    def of(
        cls, values: Pandas, weights: Pandas, with_margins: bool, threshold: int, kind: Kind
    ) -> _Problem:
        flat_values = values.to_numpy(dtype=float).ravel()
        flat_weights = weights.to_numpy(dtype=float).ravel()
        return cls(flat_values, flat_weights, _layout(values, with_margins), threshold, kind)

    def protect(self) -> tuple[np.ndarray, np.ndarray]:
        """Rules 1 to 5: the (suppressed, small marker) masks."""
        suppressed = self.primary()
        # "< 2" would mean exactly 1; on money, "< 10" would read as "under 10 dirhams"
        small = suppressed.copy() if self.kind == "count" and self.threshold >= 3 else None
        small = np.zeros_like(suppressed) if small is None else small
        while True:
            self.fix_lone_cells(suppressed)
            determined = self.determined(suppressed, small)
            if not determined:
                return suppressed, small
            self.reinforce(determined[0], suppressed, small)

    def primary(self) -> np.ndarray:
        """Rules 1 and 3: few people behind the cell, or money with nobody behind it."""
        return _is_small(self.weights, self.threshold) | ((self.weights == 0) & (self.values != 0))

    def fix_lone_cells(self, suppressed: np.ndarray) -> None:
        """Rule 4, until stable: every line holding one suppressed cell gets a complement."""
        changed = True
        while changed:
            changed = False
            for members, margin in self.layout.lines:
                if suppressed[[*members, margin]].sum() != 1:
                    continue
                # the margin is the last resort: a line's total is its most used number
                cell = self.smallest_candidate(members, suppressed)
                cell = margin if cell is None else cell
                if suppressed[cell]:  # lone margin > 0: some member is > 0 and published
                    raise AssertionError("a lone suppressed margin always has candidates")
                suppressed[cell] = changed = True

    def reinforce(self, cell: int, suppressed: np.ndarray, small: np.ndarray) -> None:
        """Rule 5, one step: hide one more cell, or drop the bounds the '< t' markers give."""
        lines = [(*members, margin) for members, margin in self.layout.lines]
        near = sorted({i for line in lines if cell in line for i in line})
        for pool in (near, range(len(self.values))):
            candidate = self.best_complement(cell, pool, suppressed, small)
            if candidate is not None:
                suppressed[candidate] = True
                return
            bounded = [i for i in pool if small[i]]
            if bounded:
                small[bounded] = False
                return
        raise AssertionError("full suppression without '< t' markers is always safe")

    def best_complement(
        self, cell: int, pool, suppressed: np.ndarray, small: np.ndarray
    ) -> int | None:
        """The candidate freeing ``cell`` (once rule 4 has run) at the least hidden total.

        The smallest candidate is not always the best: two '< 10' cells holding 9 and 9 are
        only freed by a complement in their own row, however small the cells of their column.
        When no single candidate frees the cell, the cheapest one is taken and the loop goes on.
        """
        best = None
        for i in self.candidates(pool, suppressed):
            trial = suppressed.copy()
            trial[i] = True
            self.fix_lone_cells(trial)
            freed = cell not in self.determined(trial, small, only=cell)
            cost = self.values[trial & ~suppressed].sum()
            key = (not freed, cost, self.values[i], i)
            best = key if best is None else min(best, key)
        return None if best is None else best[-1]

    def candidates(self, pool, suppressed: np.ndarray) -> list[int]:
        """Published cells with someone behind them: hiding a known zero protects nothing."""
        return [i for i in pool if not suppressed[i] and self.weights[i] > 0]

    def smallest_candidate(self, pool, suppressed: np.ndarray) -> int | None:
        return min(
            self.candidates(pool, suppressed), key=lambda i: (self.values[i], i), default=None
        )

    def determined(
        self, suppressed: np.ndarray, small: np.ndarray, only: int | None = None
    ) -> list[int]:
        """Suppressed cells (or just ``only``) with a single value consistent with the rest.

        Signed so that every line sums to zero, the hidden cells form a circulation: row nodes
        feed column nodes through cells signed +1 and are fed back through cells signed -1.
        Any other consistent table differs from the true one by a sum of unit circulations
        along cycles, each within the bounds (the classical conformal decomposition). So a
        cell can take another value iff one of its arcs closes a cycle of the residual graph
        (arcs whose cells have room in that direction) without using the cell twice.
        """
        if not self.layout.lines:
            return []
        lower = 1 if self.kind == "count" else 0  # zeros are published: hidden counts are >= 1
        upper = np.where(small, self.threshold - 1, np.inf)
        up, down = self.values < upper, self.values > lower
        positive = np.asarray(self.layout.signs) > 0
        forward = suppressed & np.where(positive, up, down)  # arc row node -> column node
        backward = suppressed & np.where(positive, down, up)  # arc column node -> row node
        ends = self.layout.ends
        arcs: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for i in np.flatnonzero(forward):
            arcs[ends[i][0]].append((ends[i][1], i))
        for i in np.flatnonzero(backward):
            arcs[ends[i][1]].append((ends[i][0], i))
        cells = np.flatnonzero(suppressed) if only is None else [only]
        return [
            int(i)
            for i in cells
            if not (forward[i] and _reaches(arcs, ends[i][1], ends[i][0], skip=i))
            and not (backward[i] and _reaches(arcs, ends[i][0], ends[i][1], skip=i))
        ]


def _reaches(arcs: dict[int, list[tuple[int, int]]], start: int, goal: int, skip: int) -> bool:
    """Breadth-first search from ``start`` to ``goal`` through arcs of cells other than skip."""
    seen, queue = {start}, deque([start])
    while queue:
        for node, cell in arcs[queue.popleft()]:
            if cell == skip or node in seen:
                continue
            if node == goal:
                return True
            seen.add(node)
            queue.append(node)
    return False


# --------------------------------------------------------------------------- helpers


def _is_small(numbers, threshold: int):
    """From 1 to threshold-1: works on arrays, Series and DataFrames."""
    return (numbers >= 1) & (numbers < threshold)


def _check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or int(threshold) != threshold or threshold < 2:
        raise ValueError(f"threshold must be an integer of at least 2, not {threshold!r}")
    return int(threshold)


def _checked_numbers(obj: Pandas, integers: bool) -> Pandas:
    """Non-negative numbers without gaps (integers for counts): anything else is a bug upstream."""
    try:
        numbers = obj.astype("float64")
    except (TypeError, ValueError) as error:
        raise ValueError("values must be numeric") from error
    array = numbers.to_numpy()
    if not np.isfinite(array).all():
        raise ValueError("values contain missing or infinite entries: use 0 for nobody")
    if (array < 0).any():
        raise ValueError("values must not be negative")
    if integers and not np.array_equal(array, np.round(array)):
        raise ValueError("counts must be whole numbers")
    return numbers.astype("int64") if integers else numbers


def _aligned_exactly(beneficiaries: Pandas, amounts: Pandas) -> Pandas:
    """Beneficiaries in the layout of the amounts; different labels are a bug, not zeros."""
    same_rows = set(beneficiaries.index) == set(amounts.index)
    same_cols = isinstance(amounts, pd.Series) or set(beneficiaries.columns) == set(amounts.columns)
    if type(beneficiaries) is not type(amounts) or not (same_rows and same_cols):
        raise ValueError("beneficiaries must have the same labels as the amounts")
    return beneficiaries.reindex_like(amounts)


def _add_margins(values: Pandas, label: str) -> Pandas:
    """Append the total entry (series), or the total column and total row (table)."""
    axes = [values.index] if isinstance(values, pd.Series) else [values.index, values.columns]
    if any(label in axis for axis in axes):
        raise ValueError(f"{label!r} is already a label: choose another total_label")
    grid = values.to_numpy()
    extended = [axis.append(pd.Index([label])).rename(axis.name) for axis in axes]
    if isinstance(values, pd.Series):
        return pd.Series(np.append(grid, grid.sum()), index=extended[0], name=values.name)
    with_column = np.column_stack([grid, grid.sum(axis=1)])
    full = np.vstack([with_column, with_column.sum(axis=0)])
    return pd.DataFrame(full, index=extended[0], columns=extended[1])


def _reshaped(flat: np.ndarray, like: Pandas) -> Pandas:
    if isinstance(like, pd.Series):
        return pd.Series(flat, index=like.index, name=like.name)
    return pd.DataFrame(flat.reshape(like.shape), index=like.index, columns=like.columns)


def _flat_arrays(protected: Protected) -> tuple[np.ndarray, ...]:
    def flat(obj: Pandas, dtype) -> np.ndarray:
        return obj.to_numpy(dtype=dtype).ravel()

    return (
        flat(protected.values, float),
        flat(protected.weights, float),
        flat(protected.suppressed, bool),
        flat(protected.small, bool),
    )


def _cell_names(values: Pandas) -> list[str]:
    if isinstance(values, pd.Series):
        return [repr(label) for label in values.index]
    return [repr((row, col)) for row in values.index for col in values.columns]


def _check_data(protected: Protected, values: np.ndarray, weights: np.ndarray) -> list[str]:
    """Problems that make the audit meaningless: bad numbers, or margins that do not add up."""
    if np.isnan(values).any() or (values < 0).any() or (weights < 0).any():
        return ["values or weights are missing or negative"]
    if protected.kind == "count" and not np.array_equal(values, weights):
        return ["the weights of a count table must be the counts"]
    label = protected.total_label
    if label is None:
        return []
    for obj in (protected.values, protected.weights):
        is_series = isinstance(obj, pd.Series)
        inner = obj.iloc[:-1] if is_series else obj.iloc[:-1, :-1]
        labelled = obj.index[-1] == label and (is_series or obj.columns[-1] == label)
        if not labelled or label in inner.index or (not is_series and label in inner.columns):
            return [f"margins are not the last row and column labelled {label!r}"]
        rebuilt = _add_margins(inner, label).to_numpy(dtype=float)
        if not np.allclose(rebuilt, obj.to_numpy(dtype=float), rtol=1e-12, atol=1e-6):
            return [f"margins labelled {label!r} do not add up"]
    return []


def _to_long(protected: Protected, dims: list[str], value: str) -> pd.DataFrame:
    shown = protected.published()
    display = publishable_frame(protected).astype(str)
    if isinstance(shown, pd.Series):
        labels = {dims[0]: shown.index.to_numpy()}
    else:
        n_rows, n_cols = shown.shape
        labels = {
            dims[0]: np.repeat(shown.index.to_numpy(), n_cols),
            dims[1]: np.tile(shown.columns.to_numpy(), n_rows),
        }
    return pd.DataFrame(
        {
            **labels,
            value: pd.array(shown.to_numpy().ravel(), dtype="Int64"),
            "suppressed": protected.suppressed.to_numpy().ravel(),
            "display": display.to_numpy().ravel(),
        }
    )
