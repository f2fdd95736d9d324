"""python -m lib backup | restore | check: their messages and exit codes."""

from __future__ import annotations

from lib import cli
from lib.ingest import transaction
from lib.ops import backup
from lib.warehouse import db
from tests.ops import helpers


def _batches(settings) -> int:
    return len(transaction.batches(db.get_database(settings)))


def test_backup_verify_and_prune_from_the_command_line(small, tmp_path, capsys):
    assert cli.main(["backup", "--to", str(tmp_path / "b")]) == cli.DONE
    made = backup.latest(tmp_path / "b").path
    out = capsys.readouterr().out
    assert str(made) in out and " Mo)" in out
    assert cli.main(["backup", "--verify", str(made)]) == cli.DONE
    assert "vérifiée" in capsys.readouterr().out
    (made / "state.sqlite3").write_bytes(b"damaged")
    assert cli.main(["--lang", "en", "backup", "--verify", str(made)]) == cli.REFUSED
    err = capsys.readouterr().err
    assert "cannot be used" in err and "state.sqlite3" in err and "SHA-256" in err
    assert cli.main(["backup", "--prune"]) == cli.DONE
    assert "supprimées : 0" in capsys.readouterr().out


def test_restore_asks_for_yes_then_restores(small, capsys):
    made = backup.backup(small)
    helpers.commit(small, [81_000])
    assert cli.main(["restore", str(made)]) == cli.DONE
    assert "--yes" in capsys.readouterr().out
    assert _batches(small) == 1  # only checked
    assert cli.main(["restore", str(made), "--yes"]) == cli.DONE
    out = capsys.readouterr().out
    assert "restaurée" in out and "gardé dans la sauvegarde" in out
    assert _batches(small) == 0


def test_restore_refuses_what_is_not_a_backup(small, tmp_path, capsys):
    assert cli.main(["restore", str(tmp_path), "--yes"]) == cli.REFUSED
    assert "manifest.json" in capsys.readouterr().err


def test_check_says_what_holds_and_fails_when_a_rule_does_not(small, capsys):
    assert cli.main(["check"]) == cli.DONE
    out = capsys.readouterr().out
    assert "[OK] Les agrégats correspondent aux dossiers" in out
    assert "les 7 règles sont respectées" in out

    def stale(cursor) -> None:
        cursor.execute("UPDATE agg_placement SET placements = placements + 1")

    db.get_database(small).execute_write_fn(stale)
    assert cli.main(["--lang", "en", "check"]) == cli.REFUSED
    out = capsys.readouterr().out
    assert "[FAILED] The aggregates match the records" in out
    assert "agg_placement" in out


def test_no_warehouse_no_backup_from_the_command_line(fresh_data_dir, capsys):
    assert cli.main(["backup"]) == cli.REFUSED
    assert "rien à sauvegarder" in capsys.readouterr().err
