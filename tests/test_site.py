"""The static site's parts, without a browser: SVG charts (lib.public.svgcharts), the four
charts of the site (lib.public.grapher), translated sources (lib.public.translations), the
census behind each rate (lib.public.render), images (lib.public.images) and the HTML helpers
of lib.public.site."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lib.public import grapher, images, render, site, svgcharts, translations, view

RLI, FSI, PDI = "\u2067", "\u2068", "\u2069"


def _chart(rtl: bool = False, horizontal: bool = False) -> svgcharts.Chart:
    series = svgcharts.Series(
        name="Bénéficiaires",
        colour="#0072B2",
        values=(230.0, None, 0.0, 478.0),
        flags=("", "< 10", "", ""),
        tips=("2016 : 230", "2017 : moins de 10 personnes", "2018 : 0", "2019 : 478"),
        labels=("230", "", "0", "478"),
    )
    return svgcharts.Chart(
        key="people",
        title="Bénéficiaires par année",
        desc="Diagramme en barres",
        categories=("2016", "2017", "2018", "2019"),
        series=(series,),
        ticks=str,
        footer=("Source : Idmaj.", "Données publiées le 6 décembre 2026."),
        label="données de démonstration",
        rtl=rtl,
        horizontal=horizontal,
    )


def _bars(svg: str) -> list[tuple[float, float, str]]:
    """x, width and tooltip of every bar."""
    return [
        (float(x), float(width), tip)
        for x, width, tip in re.findall(
            r'<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" '
            r'fill="[^"]+"><title>([^<]*)</title>',
            svg,
        )
    ]


@pytest.mark.parametrize("horizontal", [False, True])
@pytest.mark.parametrize("rtl", [False, True])
def test_a_chart_is_an_accessible_image_with_its_source_and_label_inside(rtl, horizontal):
    svg = svgcharts.draw(_chart(rtl, horizontal))
    assert 'role="img"' in svg and 'aria-labelledby="people-wide-t people-wide-d"' in svg
    assert '<title id="people-wide-t">Bénéficiaires par année</title>' in svg
    assert '<desc id="people-wide-d">' in svg and 'direction="ltr"' in svg
    assert re.search(r'viewBox="0 0 720 \d+"', svg)
    for words in ("Source : Idmaj.", "6 décembre 2026", "données de démonstration"):
        assert words in svg
    bars = _bars(svg)
    assert [tip for _, _, tip in bars] == ["2016 : 230", "2018 : 0", "2019 : 478"]
    assert "moins de 10 personnes" in svg and "&lt; 10" in svg  # the marker, not a bar
    assert all(x >= 0 and x + width <= 720 for x, width, _ in bars)


def test_a_hidden_value_is_never_drawn_as_zero():
    svg = svgcharts.draw(_chart())
    hidden = re.search(r'<g class="hidden-cell"><title>([^<]*)</title>', svg)
    assert hidden and "moins de 10" in hidden.group(1)
    zero = [bar for bar in _bars(svg) if bar[2] == "2018 : 0"]
    assert len(zero) == 1  # a published zero is a bar of no height; a hidden one is no bar


def test_the_time_axis_runs_left_to_right_in_arabic_too():
    for rtl in (False, True):
        xs = [x for x, _, _ in _bars(svgcharts.draw(_chart(rtl)))]
        assert xs == sorted(xs)


def test_arabic_rows_grow_from_the_right():
    ltr = _bars(svgcharts.draw(_chart(horizontal=True)))
    rtl = _bars(svgcharts.draw(_chart(rtl=True, horizontal=True)))
    assert len({round(x, 1) for x, _, _ in ltr}) == 1  # every bar starts at the names
    assert len({round(x + w, 1) for x, w, _ in rtl}) == 1  # every bar ends at the names
    assert rtl[0][0] + rtl[0][1] > 720 / 2 > ltr[0][0]


def test_the_narrow_drawing_fits_a_phone():
    svg = svgcharts.draw(_chart(), svgcharts.NARROW, with_title=False)
    assert 'viewBox="0 0 360 ' in svg and "Bénéficiaires par année" in svg  # named, not drawn
    assert 'class="chart-svg narrow"' in svg and "people-narrow-inline-t" in svg
    assert all(x + width <= 360 for x, width, _ in _bars(svg))


def test_lines_keep_their_isolates_when_they_wrap():
    text = "Sources : " + ", ".join(f"{FSI}Journal numéro {i} (via site.ma){PDI}" for i in range(6))
    lines = svgcharts.wrap(text, 12, 200)
    assert len(lines) > 2
    for line in lines:
        opened = sum(line.count(c) for c in svgcharts.OPENERS)
        assert opened == line.count(PDI), line


def test_nice_scale():
    assert svgcharts.nice_scale(13_500_000) == (15_000_000, 5_000_000)
    assert svgcharts.nice_scale(478) == (600, 200)
    assert svgcharts.nice_scale(5) == (6, 2)
    assert svgcharts.nice_scale(0) == (1.0, 1.0)


def test_census_nearest_to_each_year():
    assert [render.census_for(y) for y in (2013, 2014, 2019, 2020, 2024, 2026)] == [
        2014, 2014, 2014, 2024, 2024, 2024]  # fmt: skip


def test_the_two_english_only_source_titles_have_french_and_arabic_versions():
    for original in ("MAP dispatch of 27 May 2019 (the founding article)",
                     "DGAPR 2023 report (press)"):  # fmt: skip
        french = translations.translated("source_title", original, "fr")
        arabic = translations.translated("source_title", original, "ar")
        assert french != original and arabic != original
        assert re.search(r"[\u0621-\u064A]", arabic)
        assert translations.translated("source_title", original, "en") == original
    assert translations.translated("source_title", "Un journal inconnu", "ar") == (
        "Un journal inconnu"
    )
    assert translations.translated("note", None, "fr") == ""


def test_every_seed_note_and_english_title_is_translated():
    seed = pd.read_csv("data/seed/published_figures.csv")
    for note in seed["note"].dropna():
        for lang in ("fr", "ar", "en"):
            assert translations.translated("note", note, lang), note
        assert translations.translated("note", note, "ar") != note
    assert "MA-05" not in translations.translated("note", seed["note"][24], "fr")


def _figures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": [
                "programme_budget",
                "programme_beneficiaries",
                "national_reoffending_rate",
            ],
            "value": [1_000_000.0, None, 24.6],
            "unit": ["MAD", "persons", "percent"],
            "qualifier": ["at_least", "exact", "exact"],
            "period": ["2017", "2017", "2023"],
            "scope": ["MA-06", "MA-06", "national"],
            "source_title": ["Le360", "DGAPR 2023 report (press)", "Le360"],
            "source_url": ["https://le360.ma/x", None, "https://le360.ma/x"],
            "source_date": [pd.Timestamp("2017-06-01"), None, pd.NaT],
            "note": ["Casablanca-Settat region", None, None],
            "value_flag": ["", "< 10", ""],
        }
    )


def test_figure_rows_name_regions_and_never_show_none():
    regions = pd.DataFrame(
        {"iso_3166_2": ["MA-06", None], "name_fr": ["Casablanca-Settat", "Total"],
         "name_ar": ["الدار البيضاء - سطات", "المجموع"], "name_en": ["Casablanca-Settat", "Total"]}
    )  # fmt: skip
    rows = view.figure_rows(_figures(), regions, "fr")
    assert {row["scope"] for row in rows} == {"Casablanca-Settat", "national"}
    shown = " ".join(str(v) for row in rows for v in row.values())
    assert "None" not in shown and "nan" not in shown and "MA-06" not in shown
    by_indicator = {row["indicator"]: row for row in rows}
    assert by_indicator["Taux national de récidive"]["value"] == "24,6\u00a0%"
    assert by_indicator["Budget du programme"]["value"].startswith("plus de 1")
    assert by_indicator["Bénéficiaires du programme"]["value"] == "\u2066< 10\u2069"
    assert by_indicator["Bénéficiaires du programme"]["source"] == (
        "Rapport 2023 de la DGAPR (presse)"
    )
    assert by_indicator["Taux national de récidive"]["date"] == "—"


def test_sources_are_translated_and_keep_their_original():
    listed = view.sources(_figures(), "ar")
    dgapr = next(s for s in listed if s["original"] == "DGAPR 2023 report (press)")
    assert dgapr["title"] != dgapr["original"] and dgapr["url"] == ""


def test_rich_isolates_parameters_and_escapes_them():
    html = site.rich("public.source_line", "ar", source="Libération <MAP>", date="29 ماي 2019")
    assert str(html) == "المصدر: <bdi>Libération &lt;MAP&gt;</bdi>، <bdi>29 ماي 2019</bdi>"
    linked = site.rich("public.source_line", "fr", source=site.link("https://x.ma", "X"), date="")
    assert '<a href="https://x.ma"><bdi>X</bdi></a>' in str(linked)


def test_tables_show_a_dash_for_nothing_and_align_numbers():
    frame = pd.DataFrame({"Région": ["A", None], "Bénéficiaires": ["1 234", "\u2066< 10\u2069"],
                          "Source": ["Le360", float("nan")]})  # fmt: skip
    html = str(site._table_html(frame, "Titre", "fr"))
    assert "None" not in html and "nan" not in html and html.count(">—<") == 2
    assert '<td class="num">1 234</td>' in html and "<td>Le360</td>" in html
    assert '<td class="num">\u2066&lt; 10\u2069</td>' in html
    assert 'aria-label="Tableau — Titre"' in html


def test_markers_are_not_broken_across_lines():
    assert site.tight("« < 10 » et « s »") == "«\u00a0<\u00a010\u00a0» et «\u00a0s\u00a0»"


def test_the_favicon_is_an_icon_and_charts_become_pngs():
    assert images.favicon()[:4] == b"\x00\x00\x01\x00"
    pytest.importorskip("resvg_py")
    for rtl in (False, True):
        image = images.png(svgcharts.draw(_chart(rtl)))
        assert image[:8] == b"\x89PNG\r\n\x1a\n"


FOUNDING = "MAP dispatch of 27 May 2019 (the founding article)"


def _tables() -> dict[str, pd.DataFrame]:
    programme = pd.DataFrame(
        {"year": [2018, 2019], "beneficiaries": pd.array([270, pd.NA], dtype="Int64"),
         "budget_mad": pd.array([8_100_000, 13_500_000], dtype="Int64"),
         "beneficiaries_flag": ["", "s"], "budget_mad_flag": ["", ""],
         "budget_qualifier": ["exact", "at_least"],
         "budget_source": ["Libération (MAP)", FOUNDING],
         "budget_source_url": ["https://libe.ma", None], "beneficiaries_qualifier": [None, None],
         "beneficiaries_source": [None, None], "beneficiaries_source_url": [None, None],
         "provenance": ["données de démonstration"] * 2}
    )  # fmt: skip
    placements = pd.DataFrame(
        {"year": [2018] * 3, "sex": ["F", "M", "total"], "is_total": [False, False, True],
         "placements": pd.array([pd.NA, 100, 105], dtype="Int64"),
         "placements_flag": ["< 10", "", ""], "name_fr": ["Femmes", "Hommes", "Total"]}
    )  # fmt: skip
    types = pd.DataFrame(
        {"period": ["2018-2019"] * 2, "type_code": ["social", "total"], "is_total": [False, True],
         "interventions": pd.array([40, 40], dtype="Int64"), "interventions_flag": ["", ""],
         "name_fr": ["Social", "Total"], "name_ar": ["اجتماعي", "المجموع"],
         "name_en": ["Social", "Total"]}
    )  # fmt: skip
    return {"programme_by_year": programme, "placements_by_sex": placements,
            "interventions_by_type": types}  # fmt: skip


def test_the_four_charts_of_the_site():
    metadata = {"demo": "True", "threshold": "10", "generated_at": "2026-12-06T10:00:00+00:00"}
    charts = grapher.graphers(_tables(), metadata, "fr")
    assert [c.key for c in charts] == ["budget", "beneficiaries", "placements", "interventions"]
    budget, people, placements, _ = charts
    assert "Dépêche de la MAP du 27 mai 2019" in budget.chart.footer[0]
    assert budget.chart.footer[1] == f"Données publiées le {FSI}6 décembre 2026{PDI}."
    assert budget.chart.series[0].tips[1] == "2019 : 13\u202f500\u202f000\u00a0MAD"
    assert people.chart.series[0].values == (270.0, None)  # hidden, not zero
    assert "protéger" in people.chart.series[0].tips[1]
    women = placements.chart.series[0]
    assert women.values == (None,) and "moins de 10" in women.tips[0]
    assert (
        budget.table.iloc[1].tolist()[-1]
        == "Dépêche de la MAP du 27 mai 2019 (l'article fondateur)"
    )
    assert "provenance" in budget.data and budget.chart.label == "données de démonstration"
