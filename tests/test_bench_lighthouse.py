"""The lighthouse part of the benchmark without a browser: what it keeps of a Lighthouse report,
the median over runs, the site's targets and its section of RESULTS.md, on small made-up
reports; the site's pages it audits; the local server that serves the site compressed. No
score is asserted of the real site here: ``python -m bench --only lighthouse`` measures it."""

from __future__ import annotations

import gzip
import urllib.request

from bench.parts import lighthouse


def _report(performance: float, tbt: float, weight: float, failed: dict | None = None) -> dict:
    """A Lighthouse report cut down to what the part reads."""
    audits = {
        "total-byte-weight": {"numericValue": weight},
        "network-requests": {"details": {"items": [{}, {}, {}]}},
        "first-contentful-paint": {"numericValue": 900.0, "score": 1},
        "largest-contentful-paint": {"numericValue": 1200.0, "score": 1},
        "total-blocking-time": {"numericValue": tbt, "score": 1 if tbt < 200 else 0.5},
        "cumulative-layout-shift": {"numericValue": 0.0, "score": 1},
        "speed-index": {"numericValue": 1500.0, "score": 1},
        "color-contrast": {"score": 1, "title": "Contrast"},
        "hreflang": {"score": 1, "title": "hreflang"},
    }
    refs = {
        "performance": ["first-contentful-paint", "total-blocking-time"],
        "accessibility": ["color-contrast"],
        "best-practices": [],
        "seo": ["hreflang"],
    }
    for key, title in (failed or {}).items():
        audits[key] = {"score": 0, "title": title}
    scores = {"performance": performance, "accessibility": 1, "best-practices": 1, "seo": 1}
    if "hreflang" in (failed or {}):
        scores["seo"] = 0.9
    categories = {
        name: {"score": scores[name], "auditRefs": [{"id": i, "weight": 1} for i in ids]}
        for name, ids in refs.items()
    }
    return {"audits": audits, "categories": categories, "runWarnings": []}


def test_a_report_gives_scores_out_of_100_bytes_timings_and_what_cost_points():
    figures = lighthouse.report_figures(_report(0.97, 250.0, 21_500, {"hreflang": "Bad hreflang"}))
    assert figures["scores"] == {
        "performance": 97,
        "accessibility": 100,
        "best-practices": 100,
        "seo": 90,
    }
    assert figures["transfer_kb"] == 21.5 and figures["requests"] == 3
    assert figures["metrics"]["FCP s"] == 0.9 and figures["metrics"]["TBT ms"] == 250.0
    assert figures["metrics"]["CLS"] == 0.0
    assert figures["failed_audits"] == {"total-blocking-time": "", "hreflang": "Bad hreflang"}


def test_the_median_of_three_runs_keeps_one_slow_run_from_deciding():
    runs = [
        lighthouse.report_figures(_report(p, tbt, 20_000))
        for p, tbt in ((1, 30), (0.73, 1600), (0.99, 100))
    ]
    page = lighthouse.median_run(runs)
    assert page["runs"] == 3
    assert page["scores"]["performance"] == 99
    assert page["metrics"]["TBT ms"] == 100
    assert page["failed_audits"] == {"total-blocking-time": ""}  # any run's


def _result(performance: dict[str, float], transfer: float = 21.0) -> dict:
    site = {}
    for lang, score in performance.items():
        page = lighthouse.median_run(
            [lighthouse.report_figures(_report(score, 50, transfer * 1000))]
        )
        site[lang] = {"path": f"{lang}.html"} | page
    return {
        "lighthouse": {
            "version": "12.8.2",
            "runs": 1,
            "load_average": [[1, 1, 1], [2, 2, 2]],
            "site": site,
        }
    }


def test_the_site_meets_its_targets_in_its_worst_language():
    rows = {row["id"]: row for row in lighthouse.targets(_result({"fr": 0.97, "ar": 0.88}))}
    assert rows["lighthouse_performance"]["passed"] is False
    assert rows["lighthouse_performance"]["measured"] == "88 (lowest)"
    assert rows["lighthouse_performance"]["detail"] == "fr 97, ar 88"
    assert rows["lighthouse_accessibility"]["passed"] is True
    assert rows["lighthouse_accessibility"]["limit"] == "100"
    assert rows["lighthouse_transfer"]["passed"] is True
    heavy = {row["id"]: row for row in lighthouse.targets(_result({"fr": 1}, transfer=601))}
    assert heavy["lighthouse_transfer"]["passed"] is False
    assert lighthouse.targets({}) == [] and lighthouse.section({}) == []


def test_the_section_has_a_row_per_page_and_says_what_was_measured():
    lines = lighthouse.section(_result({"fr": 0.97, "ar": 1}))
    text = "\n".join(lines)
    assert lines[0] == "## Lighthouse: the public site and the public page"
    assert (
        "| site `fr.html` (fr) | 97 | 100 | 100 | 100 | 21 | 3 | 0.9 | 1.2 | 50 | 0.000 | 1.5 |"
        in lines
    )
    assert "Lighthouse 12.8.2" in text and "[1, 1, 1] at the start, [2, 2, 2] at the end" in text
    assert "Every scored audit passed on every page." in text


def test_the_site_is_audited_in_every_language_it_was_published_in(tmp_path):
    for name in ("index.html", "ar.html", "en.html"):
        (tmp_path / name).write_text("<!doctype html>", encoding="utf-8")
    assert lighthouse.site_pages(tmp_path) == {"fr": "index.html", "ar": "ar.html", "en": "en.html"}


def test_the_local_server_sends_text_compressed_as_a_static_host_does(tmp_path):
    page = "<!doctype html><title>Idmaj</title>" + "<p>بيانات</p>" * 200
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "map.png").write_bytes(b"\x89PNG not text")
    with lighthouse.static_server(tmp_path) as base:
        asked = urllib.request.Request(base + "index.html", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(asked, timeout=10) as answer:
            assert answer.headers["Content-Encoding"] == "gzip"
            assert answer.headers["Cache-Control"] == "public, max-age=3600"
            assert gzip.decompress(answer.read()).decode("utf-8") == page
        image = urllib.request.Request(base + "map.png", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(image, timeout=10) as answer:
            assert answer.headers["Content-Encoding"] is None
            assert answer.read() == b"\x89PNG not text"
