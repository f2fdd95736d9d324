"""The board brief as HTML (a Jinja2 template, autoescaped) and as a one-page A4 PDF
(WeasyPrint: HTML and CSS laid out by Pango, so Arabic is shaped and runs right to left, with
a real text layer). Fonts are the system's Noto fonts (Debian's fonts-noto-core); nothing is
fetched, neither at build nor at run time. Pure.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from lib.brief.content import gather
from lib.config import Settings, get_settings
from lib.export import file_stem
from lib.i18n import LANGUAGES, t
from lib.warehouse.db import Database, get_database
from lib.warehouse.filters import Filters, with_year

TEMPLATES = Path(__file__).resolve().parent / "templates"


class BriefFetchRefused(ValueError):
    """The brief asked for an outside resource: it never fetches one."""


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment


def _database(source: Settings | Database | None) -> tuple[Database, Settings]:
    """The warehouse to read and the settings (threshold) that go with it."""
    if isinstance(source, Database):
        return source, get_settings()
    settings = source or get_settings()
    return get_database(settings), settings


def brief_html(
    source: Settings | Database | None,
    year: int,
    filters: Filters | None = None,
    lang: str = "fr",
    today: date | None = None,
) -> str:
    """The brief's HTML page for ``year`` (and the regions, sectors and sexes of ``filters``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    database, settings = _database(source)
    chosen = with_year(filters or Filters(year), year)
    context = gather(database, chosen, lang, settings.suppression_threshold, today or date.today())
    for chart in context["charts"]:
        chart["svg"] = Markup(chart["svg"])  # drawn by svgcharts, which escapes its texts
    template = _environment().get_template("page.html.j2")
    return template.render(t=lambda key, **params: t(key, lang, **params), **context)


def _no_fetch(url: str, *args, **kwargs):
    raise BriefFetchRefused(url)


def brief_pdf(
    source: Settings | Database | None,
    year: int,
    filters: Filters | None = None,
    lang: str = "fr",
    today: date | None = None,
) -> bytes:
    """The board brief as PDF bytes: one A4 portrait page in ``lang`` (fr, ar or en).

    ``source`` is the Settings of the warehouse to read, or its Database (the configured one
    when None); ``filters`` narrows to regions, sectors or sexes (its year is replaced by
    ``year``); ``today`` is the date printed as the brief's (today by default).
    """
    from weasyprint import CSS, HTML  # heavy: loaded when a brief is made, not at import

    html = brief_html(source, year, filters, lang, today)
    document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=_no_fetch)
    stylesheet = CSS(filename=str(TEMPLATES / "page.css"), url_fetcher=_no_fetch)
    return document.write_pdf(stylesheets=[stylesheet])


def file_name(year: int, filters: Filters | None = None, lang: str = "fr") -> str:
    """``idmaj-brief-2019-fr.pdf``; a narrowed selection says what it kept
    (``idmaj-brief-2019-region-1-6-sex-F-ar.pdf``), in codes that read the same in every
    language (the stem every file that leaves the app has: ``lib.export.file_stem``)."""
    return f"{file_stem('brief', with_year(filters or Filters(year), year))}-{lang}.pdf"
