"""Every write survives SIGKILL and a full disk: import, roll back, build, publish, backup,
restore, a saved scenario, a sign-in.

Each kind of write runs ``TRIALS`` times in a child forked from this process (everything is
already imported, so a trial costs the write alone), killed with SIGKILL at a point drawn at
random over ``SPREAD`` times the write's duration, so that some kills land before its
commit and some after. After each kill: the warehouse opens and every invariant of
``lib.ops.integrity`` holds (the records of each batch all there or none, the cubes equal
to a recomputation, the audit agreeing with the records), the state store is sound, the
public snapshot is the old one or a whole new one, and the write's effect is all there or
not at all. A last write, not killed, then leaves no temporary file behind.

Full disk: the same writes in a child that may not write a file past a few sizes (as on a
full disk, ``RLIMIT_FSIZE``: EFBIG), through the command line where there is one: a clear
message (``ops.disk_full``), exit 1, and everything as it was, nothing half-written.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import random
import shutil
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from lib import auth, cli
from lib.i18n import t
from lib.ingest import transaction
from lib.ops import backup, integrity
from lib.public import publish
from lib.simulator import scenarios
from lib.warehouse import build, db, demo
from tests.ops import helpers
from tests.small_records import small_records

TRIALS = 50
SPREAD = 1.2  # kill points over 1.2 times the write's duration: some land after its end
PASSWORD = "correct-horse-battery"


def _kill_trials(
    prepare: Callable[[int], dict],
    write: Callable[[dict], object],
    verify: Callable[[dict, bool], str],
) -> Counter:
    """Kill ``write`` at TRIALS random points over its duration (more trials when some end
    before their kill), ``verify`` after each: it asserts the invariants and says whether the
    write's effect is there ("new") or not ("old"); both must have been seen. On a busy
    machine a write may take longer than measured and every kill land before its end: once
    the TRIALS kills are done, later and later kills until one lets the write finish."""
    rng = random.Random()
    durations = []
    for trial in (-1, -2):  # trial numbers of their own
        state = prepare(trial)
        durations.append(helpers.duration_s(functools.partial(write, state)))
    duration = min(durations)  # too short a guess only means more kills
    seen: Counter = Counter()
    for trial in range(TRIALS * 3):
        state = prepare(trial)
        if seen["killed"] < TRIALS:
            delay = duration * rng.uniform(0, SPREAD)
        else:  # the kills are done but no write has finished yet: wait longer each time
            seen["late"] += 1
            delay = duration * rng.uniform(SPREAD, 2) * 2 ** seen["late"]
        killed = helpers.run_and_kill(functools.partial(write, state), delay)
        seen[verify(state, killed)] += 1
        seen["killed"] += killed
        if seen["killed"] >= TRIALS and seen["old"] and seen["new"]:
            break
    print(f"{TRIALS} kills: {dict(seen)} over {duration:.3f} s writes")  # with pytest -s
    assert seen["killed"] >= TRIALS and seen["old"] and seen["new"], seen
    return seen


def _warehouse_digest(settings) -> tuple[int, int, int]:
    """The warehouse file's identity: every write puts a new file in place (a new inode, a new
    time), so the same identity is the very same, untouched file."""
    stat = settings.warehouse_path.stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _sound(settings, but: tuple[str, ...] = (), unless_same=None) -> None:
    """Every rule of the integrity check holds (but those named). ``unless_same``: the identity
    of a warehouse file already found sound; the very same file needs no second check."""
    if unless_same is not None and _warehouse_digest(settings) == unless_same:
        _store_sound(settings)
        return
    failing = {
        outcome.rule: [problem.describe("en") for problem in outcome.problems]
        for outcome in integrity.check(settings)
        if not outcome.ok and outcome.rule not in but
    }
    assert not failing, failing


def _store_sound(settings) -> None:
    context = integrity.Context(settings, db.get_database(settings), db.get_store(settings))
    assert integrity.RULES["store"](context) == []


def _no_leftovers(settings) -> None:
    assert helpers.leftovers(settings.data_dir) == []


@pytest.fixture
def settings(small):
    return small


# --- the warehouse -------------------------------------------------------------------------------


def test_an_import_killed_anywhere_is_all_there_or_not_at_all(settings):
    checked: dict = {}  # the file checked against the warehouse as it is: kept while it stays

    def prepare(trial: int) -> dict:
        count = len(transaction.batches(db.get_database(settings)))
        if checked.get("batches") != count:
            grants = [100_000 + 10 * (trial + 2) + i for i in range(3)]
            checked.update(batches=count, parsed=helpers.parsed_file(settings, grants))
        digest = _warehouse_digest(settings)
        return {"parsed": checked["parsed"], "batches": count, "digest": digest}

    def write(state: dict) -> None:
        transaction.commit(state["parsed"], db.get_database(settings), helpers.USER)

    def verify(state: dict, killed: bool) -> str:
        _sound(settings, unless_same=state["digest"])
        count = len(transaction.batches(db.get_database(settings)))
        assert count in (state["batches"], state["batches"] + 1)
        return "new" if count > state["batches"] else "old"

    _kill_trials(prepare, write, verify)
    write(prepare(10_000))
    _no_leftovers(settings)


def test_a_roll_back_killed_anywhere_is_all_done_or_not_at_all(settings):
    def prepare(trial: int) -> dict:
        batches = transaction.batches(db.get_database(settings))
        committed = batches[batches["status"] == "committed"]["batch_id"]
        if committed.empty:
            helpers.commit(settings, [200_000 + 10 * (trial + 2), 1])
            return prepare(trial)
        return {"batch": int(committed.max()), "digest": _warehouse_digest(settings)}

    def write(state: dict) -> None:
        transaction.rollback(state["batch"], db.get_database(settings), helpers.USER)

    def verify(state: dict, killed: bool) -> str:
        _sound(settings, unless_same=state["digest"])
        batches = transaction.batches(db.get_database(settings)).set_index("batch_id")
        return "new" if batches.loc[state["batch"], "status"] == "rolled_back" else "old"

    _kill_trials(prepare, write, verify)
    write(prepare(10_000))
    _no_leftovers(settings)


def test_a_build_killed_anywhere_leaves_the_old_warehouse_or_the_new_one(settings):
    def identity() -> tuple[int, int]:
        stat = settings.warehouse_path.stat()
        return stat.st_ino, stat.st_mtime_ns

    def write(state: dict) -> None:
        build.build(settings, records=small_records())

    def verify(state: dict, killed: bool) -> str:
        _sound(settings, unless_same=state["digest"])
        return "old" if identity() == state["identity"] else "new"

    def prepare(trial: int) -> dict:
        return {"identity": identity(), "digest": _warehouse_digest(settings)}

    _kill_trials(prepare, write, verify)
    write({})
    _no_leftovers(settings)


# --- the public snapshot ------------------------------------------------------------------------


def _whole_snapshot(settings, files: set[str]) -> None:
    """A snapshot whose every file is there and belongs to the same publication, which the
    publication log knows of (later snapshots protect what it showed)."""
    folder = settings.public_dir
    assert set(helpers.folder_fingerprint(folder)) == files
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    db.close_all()
    listed = db.get_public_database(settings).execute_uncached("publish/public_metadata")
    generated = dict(zip(listed["key"], listed["value"], strict=True))["generated_at"]
    assert generated == package["created"]
    logged = publish.attempts(settings)
    logged = logged[logged["status"] == "published"]["attempted_at"].max()
    assert logged >= datetime.fromisoformat(generated).replace(tzinfo=None)


def test_a_publication_killed_anywhere_leaves_the_old_snapshot_or_the_new_one(
    settings, quick_images
):
    publish.publish(settings)
    files = set(helpers.folder_fingerprint(settings.public_dir))
    # Computing a snapshot only reads: done once here, so that the kills fall on the writing
    # (files, site, log, swap); each trial writes it under a moment of its own.
    computed = publish.build_snapshot(db.get_database(settings), settings)

    def write(state: dict) -> None:
        publish.build_snapshot = lambda database, settings: state["snapshot"]  # in the child
        publish.publish(settings)

    def verify(state: dict, killed: bool) -> str:
        _store_sound(settings)
        if helpers.folder_state(settings.public_dir) == state["before"]:
            return "old"
        _whole_snapshot(settings, files)
        return "new"

    def prepare(trial: int) -> dict:
        moment = datetime.now(UTC) - timedelta(seconds=trial + 10)
        metadata = {**computed.metadata, "generated_at": moment.isoformat(timespec="seconds")}
        snapshot = dataclasses.replace(computed, metadata=metadata)
        return {"before": helpers.folder_state(settings.public_dir), "snapshot": snapshot}

    _kill_trials(prepare, write, verify)
    publish.publish(settings)
    _no_leftovers(settings)


def test_a_folder_swap_is_one_exchange_and_a_killed_fallback_is_undone(tmp_path, monkeypatch):
    target, staging = tmp_path / "public", tmp_path / ".public.tmp"
    for folder, text in ((target, "old"), (staging, "new")):
        folder.mkdir()
        (folder / "file.txt").write_text(text)
    inode = target.stat().st_ino
    db.swap_folder_in(staging, target)
    assert (target / "file.txt").read_text() == "new" and target.stat().st_ino != inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]
    # Where renameat2 cannot exchange: two renames; a kill between them leaves no target...
    monkeypatch.setattr(db, "_exchange", lambda first, second: False)
    target.rename(tmp_path / ".public.old")
    staging.mkdir()
    (staging / "file.txt").write_text("newer")
    # ...and the next swap puts the old folder back before it starts, then swaps.
    monkeypatch.setattr(shutil, "rmtree", lambda path, **kwargs: None)  # to look at it
    renames = []
    real_rename = type(target).rename
    monkeypatch.setattr(
        type(target), "rename", lambda self, to: renames.append(self.name) or real_rename(self, to)
    )
    db.swap_folder_in(staging, target)
    assert renames == [".public.old", "public", ".public.tmp"]
    assert (target / "file.txt").read_text() == "newer"


# --- backups -------------------------------------------------------------------------------------


def test_a_backup_killed_anywhere_is_whole_or_is_not_listed(settings):
    def listed() -> list[Path]:
        return [info.path for info in backup.backups(settings.backup_folder)]

    def write(state: dict) -> None:
        backup.backup(settings)

    def verify(state: dict, killed: bool) -> str:
        now = listed()
        new = [path for path in now if path not in state["before"]]
        assert len(new) <= 1 and set(state["before"]) <= set(now)
        if new:
            assert backup.verify(new[0]) == []
        return "new" if new else "old"

    _kill_trials(lambda trial: {"before": listed()}, write, verify)
    write({})
    _no_leftovers(settings)


def _restore_states(settings, tmp_path: Path) -> dict[str, Path]:
    """Two backups of two different states (batches and scenarios), kept apart."""
    made = {}
    for name, grants in (("one", [300_000]), ("two", [300_010])):
        helpers.commit(settings, grants)
        scenarios.save(f"Plan {name}", "amina", helpers.Inputs(), helpers.Result())
        made[name] = backup.backup(settings, tmp_path / "kept")
    return made


def _state(settings) -> tuple[int, int]:
    batches = len(transaction.batches(db.get_database(settings)))
    return batches, len(scenarios.saved())


def test_a_restore_killed_anywhere_keeps_a_sound_warehouse_and_says_when_unfinished(
    settings, tmp_path
):
    made = _restore_states(settings, tmp_path)
    expected = {name: (index + 1, index + 1) for index, name in enumerate(made)}

    def prepare(trial: int) -> dict:
        helpers.shutil.rmtree(settings.backup_folder, ignore_errors=True)  # safety copies
        current = _state(settings)
        target = "one" if current == expected["two"] else "two"
        return {"target": target, "before": current, "digest": _warehouse_digest(settings)}

    def write(state: dict) -> None:
        backup.restore(made[state["target"]], settings)

    def verify(state: dict, killed: bool) -> str:
        # An unfinished restore is reported, not hidden; the store is restored after the
        # warehouse, so an untouched warehouse file means nothing was restored yet.
        _sound(settings, but=("restore",), unless_same=state["digest"])
        batches, saved = _state(settings)
        target = expected[state["target"]]
        assert batches in (state["before"][0], target[0])
        assert saved in (state["before"][1], target[1])
        if backup.restore_under_way(settings) is None:
            assert (batches, saved) in (state["before"], target)  # both parts, or neither
        return "new" if batches == target[0] else "old"

    _kill_trials(prepare, write, verify)
    write(prepare(10_000))
    assert backup.restore_under_way(settings) is None
    _sound(settings)
    _no_leftovers(settings)


# --- the state store -----------------------------------------------------------------------------


def test_saved_scenarios_killed_anywhere_are_saved_whole_or_not_at_all(settings):
    def write(state: dict) -> None:
        for name in state["names"]:  # a run of saves: one SQLite write is over in a moment
            scenarios.save(name, "amina", helpers.Inputs(), helpers.Result())

    def verify(state: dict, killed: bool) -> str:
        _store_sound(settings)
        saved = scenarios.saved()  # parses every scenario's inputs and results
        added = [name for name in state["names"] if name in set(saved["name"])]
        assert added == state["names"][: len(added)]  # each save whole, in order
        assert len(saved) == state["before"] + len(added)
        assert all(result == helpers.Result().to_dict() for result in saved["results"])
        return "new" if added else "old"

    def prepare(trial: int) -> dict:
        names = [f"Plan {trial + 2}.{n}" for n in range(10)]
        return {"names": names, "before": len(scenarios.saved())}

    _kill_trials(prepare, write, verify)


class Staff(dict):
    """Local accounts where every name is a direction account with the same password (each
    sign-in under a name of its own: no back-off from earlier trials' attempts)."""

    def __init__(self):
        super().__init__()
        self.account = {"role": "direction", "password_hash": auth.hash_password(PASSWORD)}

    def get(self, name, default=None):
        return self.account


@pytest.fixture
def cheap_argon2(monkeypatch):
    """argon2 at its lowest cost: the trials spend their time on the store's writes."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def _sign_in_steps(settings, names: list[str]) -> list[list[str]]:
    """The audit's events of each name, oldest first."""
    audit = db.get_store(settings).execute("state/audit_list")
    return [list(reversed(audit[audit["actor"] == name]["kind"].tolist())) for name in names]


def test_sign_ins_killed_anywhere_keep_each_attempt_and_its_audit_together(settings, cheap_argon2):
    users = Staff()

    def write(state: dict) -> None:
        for name in state["names"]:  # a run of sign-ins: one is over in a moment
            assert auth.check_password(users, name, PASSWORD, client=state["client"]).ok

    def verify(state: dict, killed: bool) -> str:
        _store_sound(settings)
        steps = _sign_in_steps(settings, state["names"])
        whole = ["sign_in_attempt", "sign_in"]
        done = [s for s in steps if s]
        assert all(s == whole for s in done[:-1]) and steps[len(done) :] == [[]] * (
            len(steps) - len(done)
        )  # in order: the ones before whole, the ones after untouched
        assert not done or done[-1] in (whole, whole[:1])  # each step whole with its audit
        return "new" if done else "old"

    def prepare(trial: int) -> dict:
        names = [f"staff{trial + 2}.{n}" for n in range(5)]
        return {"names": names, "client": f"10.2.{trial % 200}.{trial // 200 + 10}"}

    _kill_trials(prepare, write, verify)


# --- a full disk ---------------------------------------------------------------------------------


def _everything(settings) -> dict:
    """What a failed write must leave as it was: warehouse, store, snapshot, backups."""
    db.close_all()
    public = settings.public_dir
    return {
        "warehouse": helpers.folder_fingerprint(settings.data_dir).get("idmaj.duckdb"),
        "store": {
            k: v.to_json()
            for k, v in helpers.store_tables(settings.data_dir / db.STATE_NAME).items()
        },
        "public": helpers.folder_fingerprint(public) if public.exists() else {},
        "backups": [info.path.name for info in backup.backups(settings.backup_folder)],
    }


def _full_disk_write(settings, tmp_path: Path, kind: str) -> Callable[[], object]:
    """One kind of write as an operator or the app runs it, with what it needs made first."""
    if kind == "import":
        csv = tmp_path / "import.csv"
        csv.write_bytes(helpers.beneficiaries_csv([400_000, 400_001]))
        return lambda: cli.main(["import", str(csv), "--commit", "--user", "karim"])
    if kind == "rollback":
        batch = helpers.commit(settings, [400_100])
        return lambda: cli.main(["rollback", str(batch), "--user", "karim"])
    if kind == "restore":
        kept = backup.backup(settings, tmp_path / "kept")
        helpers.commit(settings, [400_200])
        return lambda: cli.main(["restore", str(kept), "--yes"])
    if kind == "scenario":  # what save returns (the new id) is no exit code
        return lambda: scenarios.save("Plein", "amina", helpers.Inputs(), helpers.Result()) and None
    if kind == "sign-in":
        clients = iter(range(10_000))
        return lambda: auth.AttemptLog().begin("amina", f"10.3.0.{next(clients)}")
    return lambda: cli.main([kind])  # build, publish, backup


@pytest.mark.parametrize(
    "kind",
    ["import", "rollback", "build", "publish", "backup", "restore", "scenario", "sign-in"],
)
def test_a_full_disk_changes_nothing_and_says_so(
    settings, tmp_path, kind, monkeypatch, quick_images
):
    monkeypatch.setattr(demo, "generate", lambda *args, **kwargs: small_records())
    publish.publish(settings)
    write = _full_disk_write(settings, tmp_path, kind)
    said = t("ops.disk_full", "fr")
    size = settings.warehouse_path.stat().st_size
    refused = 0
    for limit in (0, 32 * 1024, size // 2):
        before = _everything(settings)
        code, stderr = helpers.run_without_room(write, limit)
        if code == cli.DONE:  # there was room enough for this one: it is whole
            _sound(settings)
            continue
        refused += 1
        assert code in (cli.REFUSED, helpers.DISK_FULL_EXIT), (limit, code, stderr)
        if code == cli.REFUSED:
            assert said in stderr, stderr
        assert _everything(settings) == before
        _sound(settings)
        _no_leftovers(settings)
    assert refused
