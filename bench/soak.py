"""The soak: one ``streamlit run app.py`` serving browser-like sessions for twenty minutes or
more (every page, every role, the three languages, imports and roll-backs meanwhile), with the
server's memory (RSS), open file descriptors and threads read from /proc every sample.

A session does what a person does: it opens the app, signs in through the sign-in form when it
plays a staff role (the form's widgets found in what the server sent, their values sent back
as the browser sends them: ``BackMsg.rerun_script.widget_states``), then opens a few of the
pages its role may see, one after another in the same session, each with ``?lang=`` and now
and then a year, and leaves. An exception element, an error alert, a failed sign-in, a
timeout or a lost connection is an error. Imports and roll-backs run as ``python -m lib
import|rollback`` beside the server, as a scheduled job or another worker would (the upload
page runs the same transaction). Not pure: it starts processes and reads /proc; every loop is
bounded by the soak's end and a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import REPO_DIR, child_env, cpu_seconds, load_average, percentile, rss_mb
from bench.sessions import HOST, MAX_FRAMES, SESSION_TIMEOUT_S, Server, rerun_message

# Who the sessions are: anonymous visitors (the public page only once real records are
# imported) and the four staff roles, in these proportions.
ROLES = {"public": 3, "direction": 2, "analyste": 2, "gestion": 1, "admin": 1}
LANGUAGES = ("fr", "ar", "en")
PAGES_PER_SESSION = (2, 6)
IMPORT_HEADER = (
    "Année du programme;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;"
    "Montant de la subvention (MAD);Moussalaha;Ancien pensionnaire CPE;Remise royale"
)


@dataclass
class Tally:
    """What the sessions did so far: page runs, sign-ins, errors and their first problems."""

    runs: Counter = field(default_factory=Counter)  # (role, page, lang) -> runs
    times: list[float] = field(default_factory=list)
    sign_ins: int = 0
    sessions: int = 0
    errors: int = 0
    problems: list[str] = field(default_factory=list)
    imports: list[dict] = field(default_factory=list)

    def failed(self, what: str, problems: list[str]) -> None:
        self.errors += 1
        if len(self.problems) < 20:
            self.problems.append(f"{what}: {'; '.join(problems)[:300]}")

    @property
    def page_runs(self) -> int:
        return sum(self.runs.values())


def accounts(folder: Path, password: str) -> Path:
    """A secrets file with one local account per staff role (the account is named after it)."""
    from lib import auth

    path = folder / "secrets.toml"
    for role in auth.STAFF_ROLES:
        auth.add_user(f"soak-{role}", role, password, path)
    return path


# --- one script run over the websocket ------------------------------------------------------


def _note_element(forward, outcome: dict) -> None:
    """Problems (exception, error alert) and the sign-in form's widget ids, from one delta."""
    if forward.delta.WhichOneof("type") != "new_element":
        return
    element = forward.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        outcome["problems"].append(f"exception {element.exception.type}")
    elif kind == "alert" and element.alert.format == 1:  # Alert.ERROR
        outcome["problems"].append(f"st.error: {element.alert.body[:120]}")
    elif kind == "text_input":
        outcome["inputs"].append(element.text_input.id)
    elif kind == "button" and element.button.is_form_submitter:
        outcome["submit"] = element.button.id


async def run_script(socket_, page_hash: str, page_name: str, query: str, widgets=()) -> dict:
    """Ask for one run of a page (with widget values, as a form's submission sends them) and
    read until the script finished, following reruns and page switches."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = BackMsg()
    message.ParseFromString(rerun_message(page_hash, page_name, query))
    message.rerun_script.widget_states.widgets.extend(widgets)
    outcome: dict = {"problems": [], "inputs": [], "submit": None, "navigation": {}}
    started = time.perf_counter()
    await socket_.send(message.SerializeToString())
    for _ in range(MAX_FRAMES):
        forward = ForwardMsg()
        forward.ParseFromString(await socket_.recv())
        kind = forward.WhichOneof("type")
        if kind == "delta":
            _note_element(forward, outcome)
        elif kind == "navigation":
            pages = forward.navigation.app_pages
            outcome["navigation"] = {p.url_pathname: p.page_script_hash for p in pages}
        elif kind == "page_not_found":
            outcome["problems"].append("page_not_found")
        elif kind == "script_finished":
            if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                outcome["inputs"], outcome["submit"] = [], None  # the next run draws anew
                continue
            outcome["s"] = time.perf_counter() - started
            return outcome
    outcome["problems"].append(f"no script_finished in {MAX_FRAMES} frames")
    return outcome


def _form_values(outcome: dict, name: str, password: str) -> list:
    """The sign-in form's state as the browser sends it on submit: both fields, the button."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    name_id, password_id = outcome["inputs"][:2]
    return [
        WidgetState(id=name_id, string_value=name),
        WidgetState(id=password_id, string_value=password),
        WidgetState(id=outcome["submit"], trigger_value=True),
    ]


async def sign_in(socket_, role: str, password: str, lang: str) -> dict:
    """Open the sign-in page, submit the form; the navigation of the signed-in session."""
    form = await run_script(socket_, "", "login", f"lang={lang}")
    if form["problems"] or len(form["inputs"]) < 2 or not form["submit"]:
        return {"problems": form["problems"] or ["no sign-in form"], "navigation": {}}
    page_hash = form["navigation"].get("login", "")
    values = _form_values(form, f"soak-{role}", password)
    signed = await run_script(socket_, page_hash, "login", f"lang={lang}", values)
    if "overview" not in signed["navigation"] and not signed["problems"]:  # still anonymous
        signed["problems"].append(f"{role}: not signed in")
    return signed


def _query(lang: str, rng: random.Random) -> str:
    return f"lang={lang}" + ("&year=2019" if rng.random() < 0.3 else "")


async def one_session(port: int, password: str, rng: random.Random, tally: Tally) -> None:
    """A visitor or a staff member: connect, sign in if staff, open a few pages, leave."""
    import websockets

    role = rng.choices(list(ROLES), weights=list(ROLES.values()))[0]
    lang = rng.choice(LANGUAGES)
    tally.sessions += 1
    try:
        async with (
            asyncio.timeout(SESSION_TIMEOUT_S * 2),
            websockets.connect(
                f"ws://{HOST}:{port}/_stcore/stream",
                subprotocols=["streamlit"],
                max_size=None,
                ping_interval=None,
                close_timeout=5,
            ) as socket_,
        ):
            first = await (sign_in(socket_, role, password, lang) if role != "public" else
                           run_script(socket_, "", "", f"lang={lang}"))  # fmt: skip
            if first["problems"]:
                tally.failed(f"{role} {lang} start", first["problems"])
                return
            tally.sign_ins += role != "public"
            navigation = {path: h for path, h in first["navigation"].items() if path != "login"}
            for _ in range(rng.randint(*PAGES_PER_SESSION)):
                path = rng.choice(sorted(navigation))
                run = await run_script(socket_, navigation[path], path, _query(lang, rng))
                if run["problems"]:
                    tally.failed(f"{role} {path or 'home'} {lang}", run["problems"])
                    continue
                tally.runs[(role, path or "home", lang)] += 1
                tally.times.append(run["s"])
    except (OSError, TimeoutError, websockets.exceptions.WebSocketException) as failure:
        tally.failed(f"{role} {lang} connection", [f"{type(failure).__name__}: {failure}"])


async def client(port: int, password: str, seed: int, until: float, tally: Tally) -> None:
    """Sessions one after another until the soak ends."""
    rng = random.Random(seed)
    while time.monotonic() < until:
        await one_session(port, password, rng, tally)


# --- imports and roll-backs beside the server ----------------------------------------------------


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m lib ARGS`` on the soak's warehouse (the command line's own process)."""
    return subprocess.run(
        [sys.executable, "-m", "lib", *args],
        cwd=REPO_DIR,
        env=child_env(data_dir, IDMAJ_LANG="en"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def import_file(folder: Path, number: int) -> Path:
    """A valid file of beneficiaries: three rows, grants of their own (never a repeat)."""
    rows = [
        f"2019;Souss-Massa;Services;F;25-34;auto-emploi;{20_000 + 10 * number + i};non;non;non"
        for i in range(3)
    ]
    path = folder / f"soak-{number}.csv"
    path.write_text("\n".join([IMPORT_HEADER, *rows, ""]), encoding="utf-8")
    return path


async def writes(data_dir: Path, every_s: float, until: float, tally: Tally) -> None:
    """An import every ``every_s`` seconds, each other one rolled back after the next."""
    number, previous = 0, None
    while time.monotonic() + every_s < until:
        await asyncio.sleep(every_s)
        number += 1
        path = import_file(data_dir, number)
        started = time.perf_counter()
        done = await asyncio.to_thread(cli, data_dir, "import", str(path), "--commit")
        entry = {"import": number, "code": done.returncode, "s": time.perf_counter() - started}
        if done.returncode != 0:
            tally.failed(f"import {number}", [done.stderr[-300:]])
        if previous is not None and number % 2 == 0:
            rolled = await asyncio.to_thread(cli, data_dir, "rollback", previous, "--user", "soak")
            entry["rollback_code"] = rolled.returncode
            if rolled.returncode != 0:
                tally.failed(f"rollback {previous}", [rolled.stderr[-300:]])
        previous = _batch_of(done.stdout)
        tally.imports.append(entry)


def _batch_of(text: str) -> str | None:
    """The batch number the import command printed (its last number in a line naming it)."""
    import re

    found = re.findall(r"(?i)(?:batch|lot|import)\D{0,12}(\d+)", text)
    return found[-1] if found else None


# --- what the server holds, every sample ---------------------------------------------------------


def open_fds(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def threads(pid: int) -> int | None:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return None


def sample(server: Server, started: float, tally: Tally) -> dict:
    return {
        "minute": round((time.monotonic() - started) / 60, 2),
        "rss_mb": round(rss_mb(server.pid) or 0.0, 1),
        "fds": open_fds(server.pid),
        "threads": threads(server.pid),
        "cpu_s": round(cpu_seconds(server.pid) or 0.0, 1),
        "page_runs": tally.page_runs,
        "errors": tally.errors,
        "load_average": load_average()[0],
    }


async def sampler(server: Server, every_s: float, until: float, tally: Tally, out: list) -> None:
    started = time.monotonic()
    out.append(sample(server, started, tally))
    while time.monotonic() < until:
        await asyncio.sleep(min(every_s, max(0.0, until - time.monotonic())))
        out.append(sample(server, started, tally))


async def soak(server: Server, data_dir: Path, password: str, plan: dict, log) -> dict:
    """Run the clients, the writes and the sampler until the soak's end; what they saw."""
    tally, samples = Tally(), []
    until = time.monotonic() + plan["minutes"] * 60
    tasks = [client(server.port, password, seed, until, tally) for seed in range(plan["clients"])]
    tasks.append(sampler(server, plan["sample_s"], until, tally, samples))
    tasks.append(writes(data_dir, plan["import_every_s"], until, tally))
    progress = asyncio.create_task(_progress(samples, until, log))
    await asyncio.gather(*tasks)
    progress.cancel()
    by = {"role": Counter(), "page": Counter(), "lang": Counter()}
    for (role, page, lang), runs in tally.runs.items():
        by["role"][role] += runs
        by["page"][page] += runs
        by["lang"][lang] += runs
    return {
        "samples": samples,
        "page_runs": tally.page_runs,
        "sessions": tally.sessions,
        "sign_ins": tally.sign_ins,
        "errors": tally.errors,
        "problems": tally.problems,
        "imports": tally.imports,
        "runs_by": {name: dict(counter.most_common()) for name, counter in by.items()},
        "run_p50_s": percentile(tally.times, 50) if tally.times else None,
        "run_p95_s": percentile(tally.times, 95) if tally.times else None,
    }


async def _progress(samples: list, until: float, log) -> None:
    while time.monotonic() < until:
        await asyncio.sleep(120)
        if samples:
            last = samples[-1]
            log(f"    soak minute {last['minute']:.0f}: {last['page_runs']} runs, "
                f"{last['errors']} errors, RSS {last['rss_mb']} MB, {last['fds']} fds, "
                f"{last['threads']} threads")  # fmt: skip


def serve_and_soak(data_dir: Path, secrets: Path, password: str, plan: dict, log) -> dict:
    """Start the server on the soak's warehouse with its accounts, soak it, stop it."""
    options = {"secrets.files": str(secrets)}
    with Server(data_dir, data_dir / "server.log", options=options) as server:
        started_s = server.start()
        measured = asyncio.run(soak(server, data_dir, password, plan, log))
        tracebacks = server.tracebacks()  # the log read once: it may have grown for 20 minutes
        measured |= {
            "server_start_s": started_s,
            "server_peak_rss_mb": server.peak_rss_mb(),
            "server_tracebacks": tracebacks,
            "server_log_tail": server.log_tail(8) if tracebacks else "",
        }
    return measured
