"""lib.ops.backup: a backup restores every row of every table; one taken during imports holds
the state before or after each, never a mix; a damaged backup is refused; old ones pruned."""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from lib import auth
from lib.config import SettingsError, get_settings
from lib.ingest import transaction
from lib.ops import backup, integrity, retention
from lib.simulator import scenarios
from lib.warehouse import db
from tests.ops import helpers


@pytest.fixture
def settings(small):
    return small


def _busy_state(settings) -> None:
    """Imports (one rolled back), saved scenarios, sign-ins: what a live warehouse holds."""
    helpers.commit(settings, [21_000, 22_000])
    rolled = helpers.commit(settings, [23_000])
    helpers.commit(settings, [24_000, 25_000, 26_000])
    transaction.rollback(rolled, db.get_database(settings), helpers.USER)
    scenarios.save("Plan A", "amina", helpers.Inputs(), helpers.Result())
    scenarios.save("Plan B", "karim", helpers.Inputs(), helpers.Result())
    attempts = auth.AttemptLog()  # what a sign-in writes, without argon2's deliberate cost
    for ok in (False, True):
        attempt, _ = attempts.begin("amina", "10.0.0.1")
        attempts.finish(attempt, "amina", "10.0.0.1", ok)


def _assert_same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


def test_backup_then_restore_gives_identical_tables_every_row(settings):
    _busy_state(settings)
    store_path = settings.data_dir / db.STATE_NAME
    before = helpers.warehouse_tables(settings.warehouse_path), helpers.store_tables(store_path)
    made = backup.backup(settings)
    assert backup.verify(made) == []
    manifest = backup.read_manifest(made)
    assert manifest["tables"]["idmaj.duckdb"]["import_batch"] == 3
    assert manifest["tables"]["state.sqlite3"]["scenario"] == 2
    helpers.commit(settings, [31_000])  # then the state moves on
    scenarios.delete(int(scenarios.saved()["scenario_id"][0]), "karim")
    changed = helpers.warehouse_tables(settings.warehouse_path)
    safety = backup.restore(made, settings)
    _assert_same(helpers.warehouse_tables(settings.warehouse_path), before[0])
    _assert_same(helpers.store_tables(store_path), before[1])
    assert integrity.passed(integrity.check(settings))
    _assert_same(helpers.warehouse_tables(safety / "idmaj.duckdb"), changed)  # kept, in case
    assert helpers.leftovers(settings.data_dir) == []


def test_a_backup_taken_during_imports_holds_the_state_before_or_after_each(settings, tmp_path):
    helpers.commit(settings, [40_000])
    parsed = [helpers.parsed_file(settings, [41_000 + i, 51_000 + i]) for i in range(6)]

    def imports() -> None:
        for file in parsed:
            transaction.commit(file, db.get_database(settings), helpers.USER)

    pid = helpers._fork()
    if pid == 0:
        helpers._child(imports, None)
    made = []
    while not os.waitpid(pid, os.WNOHANG)[0]:
        made.append(backup.backup(settings))
        time.sleep(random.uniform(0, 0.3))  # points spread over the imports
    made.append(backup.backup(settings))
    for number, path in enumerate(made):
        assert backup.verify(path) == []
        copy = tmp_path / f"copy{number}"
        shutil.copytree(path, copy)
        checked = get_settings(data_dir=copy)
        assert integrity.passed(integrity.check(checked)), path
        batches = transaction.batches(db.get_database(checked))
        assert sorted(batches["batch_id"]) == list(range(1, len(batches) + 1))
        assert set(batches["row_count"]) <= {1, 2}
    assert len(transaction.batches(db.get_database(get_settings(data_dir=copy)))) == 7


def test_verify_finds_a_changed_file_a_missing_one_and_a_wrong_count(settings, tmp_path):
    made = backup.backup(settings)
    for name, damage in (
        ("changed", lambda p: p.joinpath("state.sqlite3").write_bytes(b"x" * 100)),
        ("missing", lambda p: p.joinpath("idmaj.duckdb").unlink()),
        (
            "count",
            lambda p: _edit_manifest(
                p, lambda m: m["tables"]["idmaj.duckdb"].update(beneficiary=99)
            ),
        ),
        ("newer", lambda p: _edit_manifest(p, lambda m: m["migrations"].append("999_future"))),
        ("no_manifest", lambda p: p.joinpath("manifest.json").unlink()),
    ):
        copy = tmp_path / name
        shutil.copytree(made, copy)
        damage(copy)
        keys = {problem.key for problem in backup.verify(copy)}
        expected = {
            "changed": "ops.verify.changed",
            "missing": "ops.verify.missing_file",
            "count": "ops.verify.count",
            "newer": "ops.verify.newer",
            "no_manifest": "ops.verify.no_manifest",
        }[name]
        assert expected in keys, (name, keys)


def _edit_manifest(path: Path, change) -> None:
    manifest = json.loads((path / "manifest.json").read_text())
    change(manifest)
    (path / "manifest.json").write_text(json.dumps(manifest))


def test_a_damaged_backup_is_refused_and_nothing_changes(settings):
    made = backup.backup(settings)
    (made / "idmaj.duckdb").write_bytes(b"not a warehouse")
    helpers.commit(settings, [61_000])
    before = helpers.warehouse_tables(settings.warehouse_path)
    with pytest.raises(backup.BackupRefused) as refused:
        backup.restore(made, settings)
    assert [p.key for p in refused.value.problems] == ["ops.verify.changed"]
    assert "idmaj.duckdb" in refused.value.problems[0].describe("fr")
    _assert_same(helpers.warehouse_tables(settings.warehouse_path), before)
    assert backup.restore_under_way(settings) is None


def test_an_interrupted_restore_is_reported_then_finished_by_running_it_again(
    settings, monkeypatch
):
    made = backup.backup(settings)
    helpers.commit(settings, [62_000])

    def broken(self, copy):
        raise RuntimeError("the machine stopped here")

    with monkeypatch.context() as patched:
        patched.setattr(db.Store, "restore_from", broken)
        with pytest.raises(RuntimeError):
            backup.restore(made, settings)
    outcomes = {outcome.rule: outcome for outcome in integrity.check(settings)}
    assert not outcomes["restore"].ok and str(made.name) in outcomes["restore"].problems[
        0
    ].describe("en")
    assert all(outcome.ok for rule, outcome in outcomes.items() if rule != "restore")
    backup.restore(made, settings)
    assert integrity.passed(integrity.check(settings))


def test_a_backup_restores_onto_a_machine_that_lost_its_warehouse(settings):
    helpers.commit(settings, [63_000])
    before = helpers.warehouse_tables(settings.warehouse_path)
    made = backup.backup(settings)
    settings.warehouse_path.unlink()
    (settings.data_dir / db.STATE_NAME).unlink()
    db.close_all()
    assert backup.restore(made, settings) is None  # nothing to keep a copy of
    _assert_same(helpers.warehouse_tables(settings.warehouse_path), before)


def test_no_warehouse_no_backup(fresh_data_dir):
    with pytest.raises(backup.BackupRefused) as refused:
        backup.backup(get_settings())
    assert refused.value.problems[0].key == "ops.backup.no_warehouse"
    assert not list((fresh_data_dir / "backups").glob("idmaj-*"))


def test_the_manifest_counts_every_table_of_the_state_store(settings):
    made = backup.backup(settings)
    counted = set(backup.read_manifest(made)["tables"]["state.sqlite3"])
    schema = db.Store(Path(":memory:")).execute("ops/store_columns")
    assert counted == set(schema["table_name"])


def test_pruning_keeps_what_the_retention_policy_keeps(tmp_path):
    moments = [datetime(2025, 1, 1, 2) + timedelta(days=n, hours=n % 3) for n in range(120)]
    for moment in moments:
        folder = tmp_path / f"idmaj-{moment:%Y%m%dT%H%M%SZ}"
        folder.mkdir()
        manifest = {"format": 1, "created_at": moment.isoformat() + "Z"}
        (folder / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / ".idmaj-unfinished.tmp").mkdir()  # not a backup: never counted
    removed = backup.prune(tmp_path)
    left = {info.created_at for info in backup.backups(tmp_path)}
    assert left == retention.kept(moments)
    assert len(removed) == len(moments) - len(left)
    assert backup.latest(tmp_path).created_at == max(moments)


def test_the_backup_folder_comes_from_its_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("IDMAJ_BACKUP_DIR", str(tmp_path / "elsewhere"))
    assert get_settings().backup_folder == tmp_path / "elsewhere"
    monkeypatch.setenv("IDMAJ_BACKUP_DIR", "  ")
    with pytest.raises(SettingsError) as bad:
        get_settings()
    assert "IDMAJ_BACKUP_DIR" in bad.value.describe("fr")
    monkeypatch.delenv("IDMAJ_BACKUP_DIR")
    assert get_settings().backup_folder == get_settings().data_dir / "backups"
