"""One command line for what an operator or a scheduled job does: ``python -m lib <command>``.

Each command is one small registered function (``@command``) with the arguments it takes;
``main`` only parses and dispatches. Messages come from the catalogs (``[cli]``), in French
unless ``--lang`` or ``IDMAJ_LANG`` says otherwise. Exit codes: 0 done, 1 refused (the
command ran and said no: a bad file, an unknown batch, a failed check), 2 usage (bad
arguments or settings). Pure: no streamlit.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lib import auth
from lib.config import SettingsError, get_settings
from lib.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

DONE, REFUSED, USAGE = 0, 1, 2


@dataclass(frozen=True)
class Command:
    name: str
    configure: Callable[[argparse.ArgumentParser, str], None]
    run: Callable[[argparse.Namespace, str], int]
    passthrough: bool = False  # hands every word after its name to another tool, untouched


COMMANDS: dict[str, Command] = {}


def command(
    name: str, configure: Callable[[argparse.ArgumentParser, str], None], passthrough=False
):
    """Register ``run(args, lang) -> exit code`` as ``python -m lib <name>``."""

    def register(run: Callable[[argparse.Namespace, str], int]):
        COMMANDS[name] = Command(name, configure, run, passthrough)
        return run

    return register


def say(key: str, lang: str, **params) -> None:
    print(t(f"cli.{key}", lang, **params))


def complain(key: str, lang: str, **params) -> None:
    print(t(f"cli.{key}", lang, **params), file=sys.stderr)


# --- build and publish -----------------------------------------------------------------------


def _build_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--scale", type=int, default=None, help=t("cli.help.scale", lang))
    parser.add_argument("--seed", type=int, default=None, help=t("cli.help.seed", lang))
    parser.add_argument("--if-missing", action="store_true", help=t("cli.help.if_missing", lang))


@command("build", _build_arguments)
def build_warehouse(args: argparse.Namespace, lang: str) -> int:
    from lib.warehouse import build, demo

    settings = get_settings()
    if args.if_missing and settings.warehouse_path.exists():
        say("already_built", lang, path=settings.warehouse_path)
        return DONE
    if args.scale is not None and args.scale < 1:
        complain("bad_scale", lang, value=args.scale)
        return USAGE
    started = time.perf_counter()
    path = build.build(settings, scale=args.scale, seed=args.seed or demo.DEFAULT_SEED)
    say("built", lang, path=path, seconds=f"{time.perf_counter() - started:.1f}")
    return DONE


@command("publish", lambda parser, lang: None)
def publish_snapshot(args: argparse.Namespace, lang: str) -> int:
    from lib.public import publish

    say("published", lang, path=publish.publish())
    return DONE


# --- import and roll back --------------------------------------------------------------------


def _import_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    from lib.ingest.fields import KINDS

    parser.add_argument("file", type=Path, help=t("cli.help.file", lang))
    parser.add_argument("--kind", choices=KINDS, default=None, help=t("cli.help.kind", lang))
    parser.add_argument("--commit", action="store_true", help=t("cli.help.commit", lang))
    parser.add_argument(
        "--replace-demo", action="store_true", help=t("cli.help.replace_demo", lang)
    )
    parser.add_argument("--user", default=None, help=t("cli.help.user", lang))
    parser.add_argument("--sheet", default=None, help=t("cli.help.sheet", lang))
    parser.add_argument(
        "--choice",
        choices=("replace", "new-only"),
        default=None,
        help=t("cli.help.choice", lang),
    )


def _operator(args: argparse.Namespace) -> str:
    """Who the audit trail names: --user, else the system account, marked as the command line."""
    return args.user or f"cli:{getpass.getuser()}"


def _print_problems(problems, lang: str) -> None:
    """Each problem as the data officer reads it: errors on stderr, warnings on stdout."""
    from lib.ingest import report

    for problem in problems:
        stream = sys.stderr if problem.is_error else sys.stdout
        print(f"- {report.describe(problem, lang)}", file=stream)


@command("import", _import_arguments)
def import_file(args: argparse.Namespace, lang: str) -> int:
    from lib.ingest import pipeline, report, transaction
    from lib.warehouse.db import get_database

    try:
        data = args.file.read_bytes()
    except OSError as error:
        complain("file_unreadable", lang, path=args.file, reason=error.strerror)
        return REFUSED
    database = get_database()
    parsed = pipeline.parse(data, args.file.name, args.kind, database, sheet=args.sheet)
    print("\n".join(report.reading(parsed, lang)))
    _print_problems(parsed.problems, lang)
    if not parsed.ok:
        complain("import_refused", lang, errors=len(parsed.errors))
        return REFUSED
    choice = args.choice.replace("-", "_") if args.choice else None
    kind = report.kind_label(parsed.kind, lang)
    try:
        preview = pipeline.preview(parsed, database, args.replace_demo, choice)
        print("\n".join(preview.lines(lang)) or t("cli.no_move", lang))
        if not args.commit:
            say("import_dry_run", lang, rows=preview.rows_to_add, kind=kind)
            return DONE
        batch = transaction.commit(
            parsed, database, _operator(args), args.replace_demo, choice=choice
        )
    except report.IngestError as refused:
        _print_problems(refused.problems, lang)
        if any(p.key == "ingest.error.overlap_choice_needed" for p in refused.problems):
            complain("choice_needed", lang)
        return REFUSED
    say("import_committed", lang, batch=batch, rows=preview.rows_to_add, kind=kind)
    return _republished(lang)


def _rollback_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("batch", type=int, help=t("cli.help.batch", lang))
    parser.add_argument("--user", default=None, help=t("cli.help.user", lang))


@command("rollback", _rollback_arguments)
def roll_back(args: argparse.Namespace, lang: str) -> int:
    from lib.ingest import report, transaction
    from lib.warehouse.db import get_database

    try:
        removed = transaction.rollback(args.batch, get_database(), _operator(args))
    except report.IngestError as refused:
        _print_problems(refused.problems, lang)
        return REFUSED
    say("rolled_back", lang, batch=args.batch, rows=removed)
    return _republished(lang)


def _republished(lang: str) -> int:
    from lib.public.publish import republish_after_write

    if not republish_after_write():
        complain("republish_failed", lang)
    return DONE


# --- accounts --------------------------------------------------------------------------------


def _users_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="add|list|remove")
    adding = actions.add_parser("add", help=t("cli.help.users_add", lang))
    adding.add_argument("name")
    adding.add_argument("role", choices=auth.STAFF_ROLES)
    adding.add_argument("--password-stdin", action="store_true", help=t("cli.help.stdin", lang))
    actions.add_parser("list", help=t("cli.help.users_list", lang))
    removing = actions.add_parser("remove", help=t("cli.help.users_remove", lang))
    removing.add_argument("name")
    for sub in (adding, removing, actions.choices["list"]):
        sub.add_argument("--secrets", type=Path, default=auth.SECRETS_PATH)


def _new_password(from_stdin: bool, lang: str) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(t("cli.password", lang))
    if getpass.getpass(t("cli.password_again", lang)) != password:
        complain("passwords_differ", lang)
        return None
    return password


@command("users", _users_arguments)
def manage_users(args: argparse.Namespace, lang: str) -> int:
    if args.action == "list":
        for name, role in auth.list_users(args.secrets).items():
            print(f"{name}\t{role}")
        return DONE
    if args.action == "remove":
        if not auth.remove_user(args.name, args.secrets):
            complain("no_such_user", lang, name=args.name)
            return REFUSED
        say("user_removed", lang, name=args.name, path=args.secrets)
        return DONE
    password = _new_password(args.password_stdin, lang)
    if password is None:
        return REFUSED
    try:
        auth.add_user(args.name, args.role, password, args.secrets)
    except auth.AccountError as error:
        complain(f"account.{error.reason}", lang, **error.params)
        return REFUSED
    say("user_saved", lang, name=args.name.strip().lower(), role=args.role, path=args.secrets)
    return DONE


# --- benchmark -------------------------------------------------------------------------------


def _bench_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("options", nargs="*", help=t("cli.help.bench", lang))


@command("bench", _bench_arguments, passthrough=True)
def run_benchmark(args: argparse.Namespace, lang: str) -> int:
    from bench.cli import main as bench_main  # the benchmark is a developer tool beside lib/

    return int(bench_main(args.options) or 0)


# --- the board brief -------------------------------------------------------------------------


def _brief_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--year", default=None, help=t("cli.help.year", lang))
    parser.add_argument("-o", "--output", type=Path, default=None, help=t("cli.help.output", lang))
    parser.add_argument("--region", default=None, help=t("cli.help.region", lang))
    parser.add_argument("--sector", default=None, help=t("cli.help.sector", lang))
    parser.add_argument("--sex", default=None, help=t("cli.help.sex", lang))
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=lang, help=t("cli.help.brief_lang", lang)
    )


def _brief_filters(args: argparse.Namespace, options, lang: str):
    """The selection --year, --region, --sector and --sex ask for (read as the overview's URL
    is), or None after saying which option holds an unknown value."""
    from lib.warehouse.filters import parse_query_params

    asked = {"year": args.year, "region": args.region, "sector": args.sector, "sex": args.sex}
    given = {name: value for name, value in asked.items() if value is not None}
    chosen, problems = parse_query_params(given, options, max(options.years, default=0))
    for problem in problems:
        allowed = problem.params.get("allowed", "")
        complain("bad_filter", lang, option=f"--{problem.name}", value=problem.value,
                 allowed=allowed)  # fmt: skip
    return None if problems else chosen


@command("brief", _brief_arguments)
def write_brief(args: argparse.Namespace, lang: str) -> int:
    from lib.brief import brief_pdf, file_name
    from lib.warehouse import queries
    from lib.warehouse.db import get_database

    settings = get_settings()
    if not settings.warehouse_path.exists():
        complain("no_warehouse", lang, path=settings.warehouse_path)
        return REFUSED
    chosen = _brief_filters(args, queries.filter_options(get_database(settings)), lang)
    if chosen is None:
        return REFUSED
    path = args.output or Path(file_name(chosen.year, chosen, lang))
    data = brief_pdf(settings, chosen.year, chosen, lang)
    try:
        path.write_bytes(data)
    except OSError as error:
        complain("file_unwritable", lang, path=path, reason=error.strerror)
        return REFUSED
    say("brief_written", lang, year=chosen.year, path=path)
    return DONE


# --- serving several processes ---------------------------------------------------------------

MAX_WORKERS = 32


def _serve_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--workers", type=int, default=2, help=t("cli.help.workers", lang))
    parser.add_argument("--port", type=int, default=8080, help=t("cli.help.port", lang))
    parser.add_argument("--address", default="127.0.0.1", help=t("cli.help.address", lang))
    parser.add_argument(
        "--worker-port", type=int, default=8601, help=t("cli.help.worker_port", lang)
    )


def _serve_usage_problem(args: argparse.Namespace, lang: str) -> bool:
    """Say what is wrong with the serve options (True), or nothing (False)."""
    import ipaddress

    if not 1 <= args.workers <= MAX_WORKERS:
        complain("bad_workers", lang, maximum=MAX_WORKERS, value=args.workers)
        return True
    for option, value in (("--port", args.port), ("--worker-port", args.worker_port)):
        if not 1 <= value <= 65535:
            complain("bad_port", lang, option=option, value=value)
            return True
    try:
        ipaddress.ip_address(args.address)
    except ValueError:
        complain("bad_address", lang, value=args.address)
        return True
    return False


@command("serve", _serve_arguments)
def serve_processes(args: argparse.Namespace, lang: str) -> int:
    from lib.serve.supervisor import ServeRefused, serve

    if _serve_usage_problem(args, lang):
        return USAGE
    try:
        serve(
            get_settings(),
            lambda key, **params: say(key, lang, **params),
            workers=args.workers,
            address=args.address,
            port=args.port,
            first_worker_port=args.worker_port,
        )
    except ServeRefused as refused:
        complain(refused.key, lang, **refused.params)
        return REFUSED
    return DONE


# --- backups, integrity, health --------------------------------------------------------------


def _backup_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--to", type=Path, default=None, help=t("cli.help.to", lang))
    parser.add_argument(
        "--verify", type=Path, default=None, metavar="PATH", help=t("cli.help.verify", lang)
    )
    parser.add_argument("--prune", action="store_true", help=t("cli.help.prune", lang))


def _print_backup_problems(problems, lang: str) -> None:
    for problem in problems:
        print(f"- {problem.describe(lang)}", file=sys.stderr)


def _verify_backup(path: Path, lang: str) -> int:
    from lib.ops import backup

    problems = backup.verify(path)
    if problems:
        complain("backup_invalid", lang, path=path)
        _print_backup_problems(problems, lang)
        return REFUSED
    say("backup_valid", lang, path=path)
    return DONE


@command("backup", _backup_arguments)
def back_up(args: argparse.Namespace, lang: str) -> int:
    from lib.formatting import format_number
    from lib.ops import backup

    if args.verify is not None:
        return _verify_backup(args.verify, lang)
    settings = get_settings()
    try:
        made = backup.backup(settings, args.to)
    except backup.BackupRefused as refused:
        complain("backup_refused", lang)
        _print_backup_problems(refused.problems, lang)
        return REFUSED
    size = sum(f["bytes"] for f in (backup.read_manifest(made) or {}).get("files", {}).values())
    say("backup_done", lang, path=made, megabytes=format_number(size / 1e6, lang, digits=1))
    if args.prune:
        removed = backup.prune(args.to or settings.backup_folder)
        say("backup_pruned", lang, count=format_number(len(removed), lang))
    return DONE


def _restore_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("backup", type=Path, help=t("cli.help.backup_path", lang))
    parser.add_argument("--yes", action="store_true", help=t("cli.help.yes", lang))


def _restore_refused(problems, lang: str) -> int:
    complain("restore_refused", lang)
    _print_backup_problems(problems, lang)
    return REFUSED


def _would_restore(path: Path, lang: str) -> int:
    """Check a backup and say what a restore would put in place (without --yes)."""
    from lib.formatting import format_date
    from lib.ops import backup

    problems = backup.verify(path)
    if problems:
        return _restore_refused(problems, lang)
    created = (backup.read_manifest(path) or {}).get("created_at", "")
    moment = datetime.fromisoformat(created.rstrip("Z"))
    when = f"{format_date(moment, lang)} {moment:%H:%M} UTC"
    say("restore_would", lang, path=path, created=when)
    return DONE


@command("restore", _restore_arguments)
def restore_backup(args: argparse.Namespace, lang: str) -> int:
    from lib.ops import backup

    if not args.yes:
        return _would_restore(args.backup, lang)
    try:
        safety = backup.restore(args.backup)  # which checks the backup first: read it once
    except backup.BackupRefused as refused:
        return _restore_refused(refused.problems, lang)
    say("restore_done", lang, path=args.backup)
    if safety is not None:
        say("restore_safety", lang, path=safety)
    return _republished(lang)


@command("check", lambda parser, lang: None)
def check_integrity(args: argparse.Namespace, lang: str) -> int:
    from lib.ops import integrity

    outcomes = integrity.check(get_settings())
    print("\n".join(integrity.report_lines(outcomes, lang)))
    return DONE if integrity.passed(outcomes) else REFUSED


@command("health", lambda parser, lang: None)
def say_health(args: argparse.Namespace, lang: str) -> int:
    from lib.ops.health import health

    state = health(get_settings())
    print(json.dumps(state, indent=1))
    if state["healthy"]:
        return DONE
    parts = [t(f"ops.health.{name}", lang) for name, part in state.items()
             if isinstance(part, dict) and not part["ok"]]  # fmt: skip
    complain("unhealthy", lang, parts=", ".join(parts))
    return REFUSED


# --- the command line ------------------------------------------------------------------------


def _language(argv: list[str]) -> str:
    """--lang xx (anywhere) or IDMAJ_LANG, else French: known before the parser is built."""
    asked = os.environ.get("IDMAJ_LANG", DEFAULT_LANGUAGE)
    for i, word in enumerate(argv):
        if word == "--lang" and i + 1 < len(argv):
            asked = argv[i + 1]
        elif word.startswith("--lang="):
            asked = word.split("=", 1)[1]
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


def parser_for(lang: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib", description=t("cli.description", lang))
    parser.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.help.lang", lang))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, spec in COMMANDS.items():
        sub = commands.add_parser(name, help=t(f"cli.help.{name}", lang))
        spec.configure(sub, lang)
    return parser


def _parse(argv: list[str], lang: str) -> argparse.Namespace:
    """The parsed arguments; a pass-through command keeps every word after its name as is."""
    chosen = next((COMMANDS[word] for word in argv if word in COMMANDS), None)
    if chosen is None or not chosen.passthrough:
        return parser_for(lang).parse_args(argv)  # exits 2 with a usage message
    at = argv.index(chosen.name)
    args = parser_for(lang).parse_args([*argv[:at], chosen.name])
    args.options = argv[at + 1 :]
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    lang = _language(argv)
    args = _parse(argv, lang)
    try:
        settings = get_settings()
    except SettingsError as error:
        print(error.describe(lang), file=sys.stderr)
        return USAGE
    from lib.ops import logs

    logs.configure(settings)
    return _run_logged(args)


def _run_logged(args: argparse.Namespace) -> int:
    """Run the command; a full disk is said (nothing was changed), any error is logged."""
    from lib.warehouse.db import DiskFull, is_disk_full

    log = logging.getLogger(__name__)
    fields = {"event": "error", "command": args.command}
    try:
        return COMMANDS[args.command].run(args, args.lang)
    except Exception as error:
        if not is_disk_full(error):
            log.exception("command failed", extra=fields)
            raise
        log.error("disk full", extra={**fields, "event": "disk_full"})
        print(t(DiskFull.key, args.lang), file=sys.stderr)
        return REFUSED
