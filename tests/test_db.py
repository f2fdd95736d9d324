"""lib.warehouse.db: the one door to SQL: named queries, bound parameters, a cursor per thread."""

from __future__ import annotations

import threading

import pytest

from lib.config import get_settings
from lib.warehouse import db
from lib.warehouse.build import build
from tests.small_records import small_records


def test_named_query_with_bound_parameters():
    frame = db.get_database().execute(
        "dashboard/beneficiaries_by_region",
        year=2019,
        regions=[6],
        sectors=["commerce"],
        sexes=["F", "M"],
    )
    casablanca = frame.set_index("region_code").loc[6]
    assert casablanca["beneficiaries"] > 0


def test_unknown_query_name_is_refused():
    with pytest.raises(KeyError):
        db.load_sql("drop_everything")


def test_parameters_are_bound_not_spliced():
    hostile = ["commerce'); DROP TABLE beneficiary; --"]
    frame = db.get_database().execute(
        "dashboard/beneficiaries_by_year", regions=[6], sectors=hostile, sexes=["F"]
    )
    assert frame.empty
    assert not db.get_database().execute("dashboard/record_provenance").empty


def test_results_are_cached_and_callers_get_copies():
    database = db.get_database()
    first = database.execute("dashboard/record_provenance")
    first.loc[0, "demo"] = -1
    assert database.execute("dashboard/record_provenance").loc[0, "demo"] != -1


def test_threads_each_use_their_own_cursor():
    database = db.get_database()
    results, errors = [], []

    def read():
        try:
            for _ in range(20):
                results.append(len(database.execute_uncached("dashboard/reference_lists")))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1 and len(results) == 80


def test_a_rebuild_is_seen_without_restarting(fresh_data_dir):
    settings = get_settings(data_dir=fresh_data_dir)
    build(settings)
    database = db.get_database(settings)
    before = database.execute("dashboard/record_provenance")["demo"].sum()
    build(settings, records=small_records())
    after = database.execute("dashboard/record_provenance")["demo"].sum()
    assert before > 1000 and after == 11


def test_missing_warehouse_raises_a_clear_error(fresh_data_dir):
    with pytest.raises(db.WarehouseMissing):
        db.get_database(get_settings(data_dir=fresh_data_dir)).execute(
            "dashboard/record_provenance"
        )


def test_transaction_rolls_back_on_error(fresh_data_dir):
    settings = get_settings(data_dir=fresh_data_dir)
    build(settings, records=small_records())
    database = db.get_database(settings)

    def delete_then_fail(cursor) -> None:
        cursor.execute("DELETE FROM beneficiary")
        raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        database.execute_write_fn(delete_then_fail)
    assert (
        database.execute("dashboard/record_provenance")
        .set_index("record_table")
        .loc["beneficiary", "demo"]
        == 5
    )


def test_a_derived_figure_is_worked_out_once_per_warehouse_version(fresh_data_dir):
    """``Database.derived``: shared by every session until the warehouse changes (a rebuild by
    another process, a write by this one), then worked out again from the new data."""
    settings = get_settings(data_dir=fresh_data_dir)
    build(settings, records=small_records())
    database = db.get_database(settings)
    calls = []

    def records() -> int:
        calls.append(1)
        count = "SELECT count(*) FROM beneficiary"
        return database.execute_fn(lambda cursor: cursor.execute(count).fetchone()[0])

    assert database.derived("records", 2019, records) == 5
    assert database.derived("records", 2019, records) == 5 and len(calls) == 1
    assert database.derived("records", 2020, records) == 5 and len(calls) == 2  # its own key
    database.execute_write_fn(lambda cursor: cursor.execute("DELETE FROM beneficiary"))
    assert database.derived("records", 2019, records) == 0 and len(calls) == 3
    build(settings)  # another warehouse swapped in, as an import by another process does
    assert database.derived("records", 2019, records) > 400 and len(calls) == 4
