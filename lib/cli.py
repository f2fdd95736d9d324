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
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
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
        get_settings()
    except SettingsError as error:
        print(error.describe(lang), file=sys.stderr)
        return USAGE
    return COMMANDS[args.command].run(args, args.lang)
