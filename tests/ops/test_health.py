"""lib.ops.health: what is fresh and what is not, for a probe or the serve supervisor."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

from lib.config import get_settings
from lib.ops import backup
from lib.ops.health import health
from lib.public import publish
from tests.ops import helpers


def test_a_new_installation_lacks_its_snapshot_and_its_backup(small, quick_images):
    state = health(small)
    assert state["warehouse"]["ok"] and state["warehouse"]["opens"]
    assert not state["snapshot"]["ok"] and not state["backup"]["ok"]
    assert not state["healthy"]
    json.dumps(state)  # what `python -m lib health` prints


def test_published_and_backed_up_is_healthy_until_the_backup_is_a_day_old(small, quick_images):
    publish.publish(small)
    backup.backup(small)
    state = health(small)
    assert state["healthy"], state
    assert state["backup"]["fresh"] and state["snapshot"]["demo"]
    later = datetime.now(UTC) + timedelta(hours=27)
    stale = health(small, now=later)
    assert not stale["healthy"] and not stale["backup"]["fresh"]
    assert stale["backup"]["age_hours"] >= 26


def test_a_snapshot_is_stale_when_a_newer_one_was_refused_or_the_data_moved_on(small, quick_images):
    publish.publish(small)
    backup.backup(small)
    (small.public_dir / "status.json").write_text("{}")
    assert health(small)["snapshot"]["stale"]
    (small.public_dir / "status.json").unlink()
    published = (small.public_dir / "public.duckdb").stat().st_mtime
    os.utime(small.warehouse_path, (published + 60, published + 60))  # written after it
    state = health(small)
    assert state["snapshot"]["stale"] and not state["healthy"]  # demo data: due at once


def test_without_a_warehouse_it_says_so(fresh_data_dir):
    state = health(get_settings())
    assert state["warehouse"] == {"ok": False, "opens": False, "age_hours": None}


def test_a_public_only_server_answers_for_its_snapshot_alone(small, monkeypatch, quick_images):
    publish.publish(small)
    monkeypatch.setenv("IDMAJ_MODE", "public")
    state = health(get_settings())
    assert set(state) == {"healthy", "checked_at", "snapshot"} and state["healthy"]


def test_the_command_prints_json_and_fails_when_unhealthy(small, capsys, quick_images):
    from lib import cli

    assert cli.main(["health"]) == cli.REFUSED
    captured = capsys.readouterr()
    assert json.loads(captured.out)["backup"]["ok"] is False
    assert "la dernière sauvegarde" in captured.err
    helpers.db.close_all()
    publish.publish(small)
    backup.backup(small)
    assert cli.main(["health"]) == cli.DONE
