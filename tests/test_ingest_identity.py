"""lib.ingest.identity: a person's identifiers are refused in any cell, in the spellings people
really use, and the report names the cell without copying the value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.ingest import pipeline, report
from lib.ingest.identity import kind_of
from lib.warehouse import db

WORDS = st.sampled_from(["contact", "suivi", "voir", "tél", "appel", "الهاتف", "note", "—", ":"])
SEPARATOR = st.sampled_from(["", " ", ".", "-"])


@st.composite
def phones(draw) -> str:
    digits = draw(st.sampled_from("567")) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=8, max_size=8))
    )
    groups = draw(st.sampled_from([(1, 2, 2, 2, 2), (3, 6), (3, 2, 2, 2), (9,), (1, 8)]))
    parts, at = [], 0
    for size in groups:
        parts.append(digits[at : at + size])
        at += size
    body = draw(SEPARATOR).join(parts)
    prefix = draw(
        st.sampled_from(["0", "+212 ", "+212-", "00212", "00 212 ", "(+212) ", "+212 (0)"])
    )
    return prefix + body


@st.composite
def cins(draw) -> str:
    letters = draw(st.text("ABCDEFGHJKLMNPRSTUVWXYZ", min_size=1, max_size=2))
    number = draw(st.integers(10_000, 9_999_999))
    word = draw(st.sampled_from(["", "CIN ", "cin: ", "C.I.N. ", "CNIE n° "]))
    return f"{word}{letters}{draw(st.sampled_from(['', ' ', '-']))}{number}"


@st.composite
def emails(draw) -> str:
    local = draw(st.from_regex(r"[a-z][a-z0-9.]{1,10}", fullmatch=True))
    host = draw(st.from_regex(r"[a-z]{2,10}", fullmatch=True))
    at, dot = draw(st.sampled_from([("@", "."), (" (at) ", " (dot) "), ("[at]", "[dot]")]))
    return f"{local}{at}{host}{dot}{draw(st.sampled_from(['ma', 'com', 'org']))}"


@st.composite
def birth_dates(draw) -> str:
    year = draw(st.integers(1940, 2006))
    day, month = draw(st.integers(1, 28)), draw(st.integers(1, 12))
    date = draw(st.sampled_from([f"{day:02d}/{month:02d}/{year}", f"{year}-{month:02d}-{day:02d}",
                                 f"{day} mars {year}"]))  # fmt: skip
    words = ["né le", "née le", "date de naissance :", "DDN", "تاريخ الازدياد"]
    return f"{draw(st.sampled_from(words))} {date}"


@st.composite
def titled_names(draw) -> str:
    title = draw(st.sampled_from(["M.", "Mme", "Monsieur", "Madame", "Mlle", "nom :", "السيد"]))
    name = draw(st.sampled_from(["Alaoui", "Bennani", "El Idrissi", "Tazi", "أحمد"]))
    return f"{title} {name}"


IDENTIFIERS = st.one_of(phones(), cins(), emails(), birth_dates(), titled_names())


@settings(max_examples=200, deadline=None)
@given(identifier=IDENTIFIERS, before=WORDS, after=WORDS)
def test_identifiers_in_free_text_are_found_in_every_spelling(identifier, before, after):
    assert kind_of(f"{before} {identifier} {after}") is not None, identifier


@pytest.mark.parametrize(
    "text",
    ["Rapport annuel 2020", "13 500 000 MAD", "visite du 12/03/2019", "MA-06", "2018-2019",
     "Libération (MAP)", "9 183 interventions", "Le 27/05/2019, lancement", "page 12345",
     "programme 2014-2019 : 1 719 placements"],
)  # fmt: skip
def test_ordinary_figures_and_dates_are_not_identifiers(text):
    assert kind_of(text) is None


@settings(max_examples=25, deadline=None)
@given(identifier=IDENTIFIERS, before=WORDS)
def test_a_file_with_an_identifier_in_a_note_is_refused_and_the_value_never_echoed(
    identifier, before
):
    note = f"{before} {identifier}".replace(";", ",")
    data = ("Indicateur;Valeur;Unité;Période;Source;Note\n"
            f"programme_budget;1000;MAD;2020;Rapport;{note}\n").encode()  # fmt: skip
    parsed = pipeline.parse(data, "f.csv", "published_figures", db.get_database())
    errors = [p for p in parsed.errors if p.key.startswith("ingest.error.identity_")]
    assert errors and errors[0].line == 2 and errors[0].column == "Note"
    assert errors[0].value is None
    shown = report.report(parsed, "fr").to_string() + report.report_csv(parsed, "fr").decode(
        "utf-8-sig"
    )
    assert identifier not in shown
