"""Many processes, one warehouse (lib.warehouse.db): readers never lock, one writer at a time,
a write seen by every process at its next run, the sign-in lock shared by all of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from lib import auth
from lib.config import get_settings
from lib.warehouse import db
from lib.warehouse.build import build

REPO = Path(__file__).resolve().parent.parent
HEADER = "Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)\n"

# An app process: a signed-in director's session (the import below makes the warehouse hold
# real records, so internal pages need one) runs the overview through app.py and prints its
# beneficiaries tile; on a line from stdin it runs the page again (the user's next run), in the
# same process, whose Database and cache have lived through the other process's import.
APP_PROCESS = textwrap.dedent(
    """
    import sys, tomllib
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("app.py", default_timeout=60)
    at.secrets.update(tomllib.loads(open(sys.argv[1]).read()))
    at.run()
    at.switch_page("pages/login.py").run()
    at.text_input(key="sign_in_name").input("amina")
    at.text_input(key="sign_in_password").input("correct-horse-battery")
    at.form_submit_button[0].click().run()

    def tile():
        at.switch_page("pages/overview.py").run()
        assert not at.exception, at.exception
        print(next(m.value for m in at.metric if "bénéficiaires" in m.label.lower()), flush=True)

    tile()
    sys.stdin.readline()
    tile()
    """
)


@pytest.fixture
def warehouse(fresh_data_dir) -> Path:
    build(get_settings(data_dir=fresh_data_dir))
    db.close_all()
    return fresh_data_dir


def _env(folder: Path) -> dict:
    return {**os.environ, "IDMAJ_DATA_DIR": str(folder), "PYTHONPATH": str(REPO)}


def _cli(folder: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "lib", *args],
        cwd=REPO,
        env=_env(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _file(folder: Path, name: str, rows: int, region: str = "Souss-Massa") -> Path:
    lines = [f"2019;{region};Services;F;25-34;auto-emploi;{20_000 + i}" for i in range(rows)]
    path = folder / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_app_processes_and_duckdb_read_while_a_third_process_imports(warehouse):
    secrets = warehouse / "secrets.toml"
    auth.add_user("amina", "direction", "correct-horse-battery", secrets)
    first = _cli(warehouse, "import", str(_file(warehouse, "un.csv", 1)), "--commit")
    assert first.wait(timeout=120) == 0  # real records: production mode, 479 beneficiaries
    apps = [
        subprocess.Popen(
            [sys.executable, "-c", APP_PROCESS, str(secrets)],
            cwd=REPO,
            env=_env(warehouse),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    before = [app.stdout.readline().strip() for app in apps]
    assert before == ["479", "479"]
    analyst = duckdb.connect(str(warehouse / "idmaj.duckdb"), read_only=True)  # a BI tool
    importing = _cli(
        warehouse, "import", str(_file(warehouse, "vingt.csv", 20, "Oriental")), "--commit"
    )
    while importing.poll() is None:  # the analyst keeps reading all along
        assert analyst.execute("SELECT count(*) FROM beneficiary").fetchone()[0] >= 478
        time.sleep(0.05)
    assert importing.returncode == 0, importing.stderr.read()
    after = [app.communicate("next\n", timeout=120)[0].strip() for app in apps]
    assert after == ["499", "499"]  # each app process, at its next run
    analyst.close()


def _batches(folder: Path) -> list[dict]:
    con = duckdb.connect(str(folder / "idmaj.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT b.batch_id, b.row_count, b.status, count(r.beneficiary_id) "
            "FROM import_batch b LEFT JOIN beneficiary r USING (batch_id) GROUP BY ALL"
        ).fetchall()
        cubes = con.execute(
            "SELECT (SELECT sum(beneficiaries) FROM agg_beneficiary), "
            "(SELECT count(*) FROM beneficiary)"
        ).fetchone()
    finally:
        con.close()
    assert cubes[0] == cubes[1]  # the cubes agree with the records
    return [dict(zip(("batch", "rows", "status", "found"), row, strict=True)) for row in rows]


def test_two_imports_at_once_both_land_whole(warehouse):
    first = _cli(warehouse, "import", str(_file(warehouse, "a.csv", 300)), "--commit")
    second = _cli(warehouse, "import", str(_file(warehouse, "b.csv", 200, "Oriental")), "--commit")
    assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
    batches = _batches(warehouse)
    assert sorted((b["rows"], b["found"]) for b in batches) == [(200, 200), (300, 300)]


def test_the_same_file_imported_twice_at_once_lands_once(warehouse):
    path = _file(warehouse, "same.csv", 150)
    runs = [_cli(warehouse, "import", str(path), "--commit") for _ in range(2)]
    codes = sorted(run.wait(timeout=120) for run in runs)
    assert codes == [0, 1]  # one import, one clear refusal
    refused = next(run for run in runs if run.returncode == 1)
    assert "déjà" in refused.stderr.read()
    assert [(b["rows"], b["found"]) for b in _batches(warehouse)] == [(150, 150)]


SIGN_IN = textwrap.dedent(
    """
    import json, sys
    from lib import auth
    users = {"amina": {"role": "direction", "password_hash": sys.argv[1]}}
    results = [auth.check_password(users, "amina", p).reason or "ok" for p in sys.argv[2:]]
    print(json.dumps(results))
    """
)


def _sign_in(folder: Path, stored: str, *passwords: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SIGN_IN, stored, *passwords],
        cwd=REPO,
        env=_env(folder),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_sign_in_lock_holds_across_processes_and_restarts(tmp_path):
    stored = auth.hash_password("correct-horse")
    assert _sign_in(tmp_path, stored, *["wrong"] * auth.MAX_ATTEMPTS)[-1] == "auth.locked"
    assert _sign_in(tmp_path, stored, "correct-horse") == ["auth.locked"]  # another process
    assert _sign_in(tmp_path, stored, "correct-horse") == ["auth.locked"]  # after a restart


def test_parallel_guesses_get_no_more_tries_than_the_lock_allows(tmp_path, monkeypatch):
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(tmp_path))
    db.close_all()
    users = {"amina": {"role": "direction", "password_hash": auth.hash_password("correct-horse")}}
    verified = []
    hasher = auth._hasher

    class Counting:
        def hash(self, password):
            return hasher.hash(password)

        def verify(self, stored, password):
            verified.append(password)
            return hasher.verify(stored, password)

    monkeypatch.setattr(auth, "_hasher", Counting())
    with ThreadPoolExecutor(20) as pool:
        guesses = list(pool.map(lambda i: auth.check_password(users, "amina", f"g{i}"), range(20)))
    assert len(verified) <= auth.MAX_ATTEMPTS
    assert sum(result.reason == "auth.locked" for result in guesses) >= 20 - auth.MAX_ATTEMPTS
