"""lib.cli: python -m lib <command>, its help, its messages and its exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lib import cli
from lib.warehouse import db

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_every_command_has_help_in_french(name, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main([name, "--help"])
    assert done.value.code == 0
    assert "usage: python -m " in capsys.readouterr().out


def test_help_follows_the_language(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--lang", "en", "--help"])
    assert "build the warehouse" in capsys.readouterr().out


def test_a_bad_command_or_argument_is_a_usage_error(capsys):
    for argv in (["nonsense"], [], ["build", "--scale", "many"], ["users", "add", "x"]):
        with pytest.raises(SystemExit) as done:
            cli.main(argv)
        assert done.value.code == cli.USAGE
    assert "usage:" in capsys.readouterr().err


def test_a_bad_setting_names_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("IDMAJ_SUPPRESSION_THRESHOLD", "abc")
    assert cli.main(["publish"]) == cli.USAGE
    error = capsys.readouterr().err
    assert "IDMAJ_SUPPRESSION_THRESHOLD" in error and "abc" in error
    assert "invalid literal" not in error


def test_build_then_publish_into_the_configured_folder(fresh_data_dir, capsys):
    assert cli.main(["build"]) == cli.DONE
    assert (fresh_data_dir / "idmaj.duckdb").exists()
    assert cli.main(["build", "--if-missing"]) == cli.DONE
    assert "existe déjà" in capsys.readouterr().out
    assert cli.main(["publish"]) == cli.DONE
    assert (fresh_data_dir / "public" / "public.duckdb").exists()
    db.close_all()


def test_build_refuses_a_scale_below_one(fresh_data_dir, capsys):
    assert cli.main(["build", "--scale", "0"]) == cli.USAGE
    assert "--scale" in capsys.readouterr().err
    assert not (fresh_data_dir / "idmaj.duckdb").exists()


def test_users_add_list_remove(tmp_path, monkeypatch, capsys):
    secrets = str(tmp_path / "secrets.toml")
    monkeypatch.setattr("sys.stdin", io.StringIO("correct-horse-battery\n"))
    added = cli.main(["users", "add", "karim", "gestion", "--secrets", secrets, "--password-stdin"])
    assert added == cli.DONE and "karim" in capsys.readouterr().out
    assert tomllib.loads(Path(secrets).read_text())["users"]["karim"]["role"] == "gestion"
    assert cli.main(["users", "list", "--secrets", secrets]) == cli.DONE
    assert capsys.readouterr().out == "karim\tgestion\n"
    assert cli.main(["users", "remove", "karim", "--secrets", secrets]) == cli.DONE
    assert cli.main(["users", "remove", "karim", "--secrets", secrets]) == cli.REFUSED
    assert "karim" in capsys.readouterr().err


def test_users_add_refuses_a_short_password_with_a_clear_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code = cli.main(
        [
            "users",
            "add",
            "karim",
            "gestion",
            "--secrets",
            str(tmp_path / "s.toml"),
            "--password-stdin",
        ]
    )
    assert code == cli.REFUSED
    assert "10" in capsys.readouterr().err
    assert not (tmp_path / "s.toml").exists()


def test_python_dash_m_lib_runs_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "lib", "--help"], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0 and "build" in done.stdout and "users" in done.stdout


def _beneficiaries_file(folder: Path, count: int = 3) -> Path:
    lines = ["Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)"]
    lines += [f"2019;Souss-Massa;Services;F;25-34;auto-emploi;{20_000 + i}" for i in range(count)]
    path = folder / "beneficiaires.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _batches() -> int:
    return len(db.get_database().execute_uncached("ingest/batches"))


def test_import_is_a_dry_run_unless_told_to_commit(fresh_data_dir, capsys):
    assert cli.main(["build"]) == cli.DONE
    path = _beneficiaries_file(fresh_data_dir)
    assert cli.main(["import", str(path)]) == cli.DONE
    out = capsys.readouterr().out
    assert "bénéficiaires 2019 : 478 → 481" in out and "--commit" in out
    assert _batches() == 0
    assert cli.main(["import", str(path), "--commit", "--user", "amina"]) == cli.DONE
    assert "n° 1" in capsys.readouterr().out and _batches() == 1
    assert cli.main(["import", str(path), "--commit"]) == cli.REFUSED  # the same file again
    assert "déjà" in capsys.readouterr().err
    assert cli.main(["rollback", "1", "--user", "amina"]) == cli.DONE
    assert cli.main(["rollback", "99"]) == cli.REFUSED
    db.close_all()


def test_import_refuses_a_bad_or_missing_file(fresh_data_dir, capsys):
    assert cli.main(["build"]) == cli.DONE
    bad = fresh_data_dir / "bad.csv"
    bad.write_text("Année;Région\n2019;Atlantide\n", encoding="utf-8")
    assert cli.main(["import", str(bad), "--kind", "beneficiaries", "--commit"]) == cli.REFUSED
    assert "Atlantide" in capsys.readouterr().err
    assert cli.main(["import", str(fresh_data_dir / "absent.csv")]) == cli.REFUSED
    assert "absent.csv" in capsys.readouterr().err
    assert _batches() == 0
    db.close_all()


def test_import_takes_a_sheet_and_a_choice_for_a_repeated_month(fresh_data_dir, capsys):
    from tests.realistic_files import FILES

    assert cli.main(["build"]) == cli.DONE
    workbook = fresh_data_dir / "mensuel.xlsx"
    workbook.write_bytes(FILES["one_sheet_per_month"].make())
    january = ["import", str(workbook), "--sheet", "Janvier", "--commit"]
    assert cli.main(january) == cli.DONE
    assert "Feuille lue : « Janvier »." in capsys.readouterr().out
    february = ["import", str(workbook), "--commit"]  # another sheet: Février repeats Janvier
    assert cli.main(february) == cli.REFUSED
    refused = capsys.readouterr().err
    assert "Feuille « Février »" in refused and "--choice new-only" in refused
    assert cli.main([*february, "--choice", "new-only"]) == cli.DONE
    assert "bénéficiaires 2019 : 482 → 485" in capsys.readouterr().out
    assert _batches() == 2
    db.close_all()


def test_bench_options_pass_through_untouched(monkeypatch):
    import bench.cli

    seen = []
    monkeypatch.setattr(bench.cli, "main", lambda options: seen.append(options) or 0)
    assert cli.main(["--lang", "en", "bench", "--quick", "--only", "queries"]) == cli.DONE
    assert seen == [["--quick", "--only", "queries"]]
