"""lib.ops.logs: JSON lines for every operation, no personal data and no secret in them, one
file that several processes write and rotate."""

from __future__ import annotations

import json
import logging
import os

import pytest

from lib import auth
from lib.config import get_settings
from lib.ops import backup, logs
from lib.warehouse import db
from tests.ops import helpers

PASSWORD = "correct-horse-battery"


def _lines(settings) -> list[dict]:
    path = logs.log_path(settings)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def settings(small):
    logs.configure(small)
    return small


def test_an_import_is_logged_without_its_cells_or_its_file_name(settings):
    grant = 987_651
    data = helpers.beneficiaries_csv([grant])
    parsed = helpers.pipeline.parse(
        data, "liste_mohamed_alaoui.csv", None, db.get_database(settings)
    )
    batch = helpers.transaction.commit(parsed, db.get_database(settings), helpers.USER)
    helpers.transaction.rollback(batch, db.get_database(settings), helpers.USER)
    lines = _lines(settings)
    imported = next(line for line in lines if line.get("event") == "import")
    assert imported["batch"] == batch and imported["user"] == helpers.USER
    assert imported["level"] == "INFO" and imported["time"].endswith("+00:00")
    rolled = next(line for line in lines if line.get("event") == "rollback")
    assert rolled["rows"] == 1
    text = logs.log_path(settings).read_text(encoding="utf-8")
    assert "mohamed" not in text and "alaoui" not in text and str(grant) not in text


def test_a_failed_sign_in_logs_neither_the_password_nor_the_name_typed(settings):
    users = {"amina": {"role": "direction", "password_hash": auth.hash_password(PASSWORD)}}
    auth.check_password(users, "amina", "s3cret-guess", client="10.9.8.7")
    auth.check_password(users, "amina", PASSWORD, client="10.9.8.7")
    outcomes = [line for line in _lines(settings) if line.get("event") == "sign_in"]
    assert [line["outcome"] for line in outcomes] == ["failed", "ok"]
    assert "user" not in outcomes[0] and outcomes[1]["user"] == "amina"
    text = logs.log_path(settings).read_text(encoding="utf-8")
    assert "s3cret" not in text and PASSWORD not in text and "argon2" not in text
    assert "10.9.8.7" not in text  # no client address at all


def test_an_error_keeps_its_type_and_place_never_its_message(settings):
    try:
        raise ValueError("cell C7 holds Fatima Zahra, CIN AB123456")
    except ValueError:
        logging.getLogger("lib.ingest.pipeline").exception("a file could not be read")
    line = _lines(settings)[-1]
    assert line["level"] == "ERROR" and line["message"] == "a file could not be read"
    assert line["exc_info"].startswith("ValueError at test_logs.py:")
    text = logs.log_path(settings).read_text(encoding="utf-8")
    assert "Fatima" not in text and "AB123456" not in text


def test_backups_and_restores_are_logged(settings):
    made = backup.backup(settings)
    backup.restore(made, settings)
    events = [line.get("event") for line in _lines(settings)]
    assert events.count("backup") == 2 and "restore" in events  # the restore's safety copy


def test_publications_and_their_refusals_are_logged(settings, monkeypatch, quick_images):
    from lib.public import publish

    publish.publish(settings)
    monkeypatch.setattr(publish, "_check_calendar", _refuse)
    with pytest.raises(publish.PublicationRefused):
        publish.publish(settings)
    published = [line for line in _lines(settings) if line.get("event") == "publish"]
    assert [line["status"] for line in published] == ["published", "refused"]
    assert published[0]["demo"] is True and published[1]["reason"] == "calendar"


def _refuse(settings, demo):
    from lib.public.publish import PublicationRefused

    raise PublicationRefused("calendar", next_date="2099-01-01")


def test_a_page_that_fails_is_logged_with_its_type_and_place_never_its_message(
    settings, monkeypatch
):
    from streamlit.testing.v1 import AppTest

    from lib.warehouse import queries

    def broken(*args, **kwargs):
        raise KeyError("cell C7 holds Fatima Zahra")

    monkeypatch.setattr(queries, "published_figures", broken)
    at = AppTest.from_file(str(helpers.REPO / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/sources.py").run()
    assert at.exception  # Streamlit still shows it (without details: showErrorDetails)
    line = [line for line in _lines(settings) if line.get("event") == "error"][-1]
    assert line["level"] == "ERROR" and line["logger"] == "lib.ui.blocks"
    assert line["exc_info"].startswith("KeyError at ") and "sources.py" in line["exc_info"]
    assert "Fatima" not in logs.log_path(settings).read_text(encoding="utf-8")


def test_the_log_moves_with_its_variable(monkeypatch, tmp_path, fresh_data_dir):
    monkeypatch.setenv("IDMAJ_LOG_DIR", str(tmp_path / "journal"))
    logs.event("backup", backup="x", bytes=1)
    assert (tmp_path / "journal" / "idmaj.log").exists()


def test_processes_share_one_rotated_log_and_lose_no_line(tmp_path):
    path = tmp_path / "shared.log"
    handler = logs.SharedRotatingFileHandler(path, maxBytes=4000, backupCount=1000)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("tests.ops.shared_log")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        children = []
        for child in range(3):
            pid = helpers._fork()
            if pid == 0:
                helpers._child(
                    lambda c=child: [logger.warning(f"{c}-{n:<40}") for n in range(300)], None
                )
            children.append(pid)
        for pid in children:
            assert os.waitpid(pid, 0)[1] == 0
    finally:
        logger.removeHandler(handler)
        handler.close()
    written = [line for file in tmp_path.glob("shared.log*") if not file.name.endswith(".lock")
               for line in file.read_text().splitlines()]  # fmt: skip
    assert sorted(written) == sorted(f"{c}-{n:<40}" for c in range(3) for n in range(300))
    assert len(list(tmp_path.glob("shared.log.[0-9]*"))) > 3  # it did rotate
    assert all(file.stat().st_size <= 4000 for file in tmp_path.glob("shared.log*"))


def test_a_folder_that_cannot_be_written_means_no_log_file_not_a_failure(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert logs.configure(get_settings(data_dir=tmp_path, log_dir=blocker / "logs")) is None
