"""The few Markdown pieces every section of RESULTS.md is written with: durations in ms or s,
ratios as "4.2x", a wave of sessions' cells, and pipe tables. Pure: text in, text out."""

from __future__ import annotations


def times(ratio) -> str:
    """A speedup or memory ratio: 0.6x, 4.2x, 37x."""
    if ratio is None:
        return "—"
    return f"{ratio:.1f}x" if ratio < 10 else f"{ratio:,.0f}x"


def ms(seconds) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.1f}"


def sec(seconds) -> str:
    return "—" if seconds is None else f"{seconds:,.2f}"


def wave_cells(wave: dict) -> list:
    """A wave of sessions as every table of waves shows it: OK, errors, p50 s, p95 s, max s."""
    return [wave["ok"], wave["errors"], *(sec(wave[k]) for k in ("p50_s", "p95_s", "max_s"))]


def table(header: list[str], rows: list[list]) -> list[str]:
    """A pipe table and the blank line after it."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    lines.append("")
    return lines
