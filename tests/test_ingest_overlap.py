"""lib.ingest.overlap: a monthly file that repeats an earlier import is never counted twice;
the data officer replaces the earlier import, adds only the new rows, or cancels."""

from __future__ import annotations

import pytest

from lib.config import get_settings
from lib.ingest import pipeline, transaction
from lib.ingest.report import ImportRefused
from lib.warehouse import db, queries
from lib.warehouse.build import build
from lib.warehouse.filters import Filters

HEADER = "Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)\n"


def month(first: int, last: int) -> bytes:
    """Cumulative rows: every person from ``first`` to ``last`` (one line each)."""
    rows = [
        f"2019;Souss-Massa;Services;F;25-34;auto-emploi;{20_000 + i}" for i in range(first, last)
    ]
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.fixture
def january(fresh_data_dir):
    settings = get_settings(data_dir=fresh_data_dir)
    build(settings)
    database = db.get_database(settings)
    parsed = pipeline.parse(month(0, 10), "janvier.csv", "beneficiaries", database)
    transaction.commit(parsed, database, "amina")
    yield database
    db.close_all()


def beneficiaries_2019() -> int:
    options = queries.filter_options()
    frame = queries.beneficiaries_by_year(Filters(2019), options).set_index("year")
    return int(frame.loc[2019, "beneficiaries"])


def test_a_file_that_repeats_an_import_is_flagged_and_needs_a_choice(january):
    february = pipeline.parse(month(0, 15), "fevrier.csv", "beneficiaries", january)
    assert february.ok and [o.shared for o in february.overlaps] == [10]
    assert "ingest.warning.contains_batch" in [p.key for p in february.warnings]
    with pytest.raises(ImportRefused):
        pipeline.preview(february, january)
    with pytest.raises(ImportRefused):
        transaction.commit(february, january, "amina")


@pytest.mark.parametrize("choice", ["replace", "new_only"])
def test_either_choice_counts_each_person_once(january, choice):
    before = beneficiaries_2019()
    february = pipeline.parse(month(0, 15), "fevrier.csv", "beneficiaries", january)
    preview = pipeline.preview(february, january, choice=choice)
    moved = preview.kpis.set_index(["kpi", "year"]).loc[("beneficiaries", 2019)]
    assert (moved["before"], moved["after"]) == (before, before + 5)
    transaction.commit(february, january, "amina", choice=choice)
    assert beneficiaries_2019() == before + 5
    batches = transaction.batches(january).set_index("batch_id")
    if choice == "replace":
        assert batches.loc[1, "status"] == "rolled_back" and batches.loc[2, "row_count"] == 15
    else:
        assert batches.loc[1, "status"] == "committed" and batches.loc[2, "row_count"] == 5


def test_a_file_with_nothing_new_adds_nothing(january):
    again = pipeline.parse(month(0, 9), "janvier-bis.csv", "beneficiaries", january)
    assert again.overlaps
    with pytest.raises(ImportRefused) as refused:
        transaction.commit(again, january, "amina", choice="new_only")
    assert refused.value.problems[0].key == "ingest.error.nothing_new"


def test_a_file_of_other_people_is_no_overlap(january):
    other = pipeline.parse(month(100, 120), "mars.csv", "beneficiaries", january)
    assert other.ok and not other.overlaps
