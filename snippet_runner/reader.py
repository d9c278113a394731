"""The reader's run: every executable snippet, exactly as a reader runs it.

    python -m snippet_runner.reader                    # every snippet a page executes
    python -m snippet_runner.reader stage3 gan.md      # only those whose file or page contains a filter
    python -m snippet_runner.reader --list             # what would run, with time limits
    python -m snippet_runner.reader --jobs 1           # one at a time (default: two at a time)
    python -m snippet_runner.reader --shard 2/3        # one of three machines' share
    python -m snippet_runner.reader --fresh            # ignore the recorded passes, run everything
    python -m snippet_runner.reader --plain            # start every snippet as its own interpreter

The build and the tests run snippets through the runner: forked from a warm worker, one torch
thread each, seeded. A reader does something plainer: copies one file into an empty folder and
runs ``python file.py`` with every core. A claim that only holds under the runner's conditions is
not verified, so this runs each snippet the reader's way:

- the file alone in a fresh, empty temporary folder, run there as ``python <file>``;
- default threads: no ``OMP_NUM_THREADS``/``MKL_NUM_THREADS``/... (removed if the caller set them),
  no seeding beyond what the snippet does itself;
- offline: the loopback-only network guard, through ``_subprocess_guard/sitecustomize.py`` on
  ``PYTHONPATH`` (checked before anything runs);
- ``MPLBACKEND=Agg``, so ``plt.show()`` returns instead of waiting for a window;
- ``PYTHONUNBUFFERED=1``: output reaches us line by line, as it reaches a reader's terminal, so
  what a snippet printed before it was stopped at its time limit is not lost in a buffer;
- the time limit of the page's block (``<!--pytest.mark.timeout(N)-->``, else the default).

"Executable" means included by a page and not "not executed here" by the session's one rule
(``Session.not_run_reason``: marked skip, or marked gpu where no CUDA GPU is visible; a GPU
machine runs the GPU blocks). A snippet included by several pages runs once.

Cheaper, with the same guarantee (every snippet passes alone, plain ``python file.py``, default
threads, offline, within its time limit):

- Zygotes (``zygote.py``): a plain interpreter, started as a reader's is, runs a snippet's leading
  import lines once; each snippet whose import lines load the same modules in the same order is
  forked from it and runs the whole file from its own empty folder, with the ``sys.argv``,
  ``sys.path[0]``, ``__file__`` and ``__main__`` that ``python file.py`` gives it (tests/test_reader.py
  compares what a forked and a plain run see). So the seconds of Python's start and torch's import
  are paid once per distinct set of import lines, not once per snippet; they still count in each
  snippet's time and time limit. A snippet that fails forked is run again as a plain process, and
  only that failure counts. ``--plain`` starts every snippet as its own interpreter; run times for
  a budget are measured that way (``--plain --jobs 1``, a quiet machine).

- Two at a time, longest first (``PAIRS``; ``--jobs N`` for N): each snippet is still its own
  process with default threads, so on two cores two snippets run four threads. OpenMP's threads
  spin while they wait for work by default, and two such processes then slowed each other 5-9x; so
  a snippet run beside another gets ``OMP_WAIT_POLICY=PASSIVE``, which changes only how a thread
  with no work waits (it sleeps instead of spinning), not how many threads there are or how the
  work is divided among them: the same snippets printed byte-identical output either way (checked
  on four training snippets, 2026-12-03). What fails beside another snippet (over its time limit
  on a shared machine, a port another snippet held) is run again alone as a plain process in the
  reader's own environment, and only a failure alone is a failure. So a pass means the snippet
  passed as a reader runs it, and a failure is one a reader would see.
- Recorded passes (``<cache>/reader/``, beside the runner's results): a snippet that passed
  before with the same bytes and time limit, the same reader and network guard (their files'
  bytes), the same Python, the same installed distributions (every one, with its version), the
  same number of cores (default threads) and the same device is not run again; ``--fresh``
  runs everything. Only passes are recorded.

The exit status is 1 if any snippet failed; the failures are named at the end, after the ten
slowest snippets and their times.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import zygote as zygotes_module
from .collect import Block
from .site import Site

GUARD_DIR = Path(__file__).resolve().parent / "_subprocess_guard"
DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "mkdocs.yml"
# Snippets run two at a time. Each uses every core (default threads), so two of them oversubscribe
# the cores: with OpenMP's default wait policy (spin, then sleep) two at a time made training
# snippets 5-9x slower than alone on the 2-core machine (rnn_lstm 18.6 s -> 137.5 s), and the
# reader's run ran them one at a time. With OMP_WAIT_POLICY=PASSIVE (set only for runs beside
# another), six training snippets took 48.7 s two at a time against 69.0 s one at a time, each
# 1.2-1.6x its time alone, and printed the same bytes (2026-12-03).
PAIRS = 2
TOGETHER = {"OMP_WAIT_POLICY": "PASSIVE"}  # for a snippet run beside another: waiting threads sleep

# Variables that pin the number of threads; a reader has none of them set.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "TORCH_NUM_THREADS")
# Variables the runner uses to steer snippets (device, cache, seeds); a reader has none of them.
RUNNER_VARIABLES = ("SNIPPETS_DEVICE", "SNIPPETS_FRESH", "SNIPPETS_CACHE_DIR", "PYTHONHASHSEED")
OUTPUT_TAIL_LINES = 40
# What a snippet's run depends on besides its own bytes: how it is run (this file) and the guard.
PROCEDURE_FILES = (Path(__file__).resolve(), GUARD_DIR / "sitecustomize.py",
                   Path(__file__).resolve().parent / "netguard.py", zygotes_module.SERVER,
                   Path(zygotes_module.__file__).resolve())


@dataclass
class Snippet:
    """One snippet file to run, with where it appears and its time limit."""

    include: str  # as the page includes it: "stage1/tensors_math.py"
    path: Path
    pages: list[str]
    timeout: float


@dataclass
class Outcome:
    snippet: Snippet
    ok: bool
    duration: float
    returncode: int | None  # None: killed at the time limit
    output: str
    cached: bool = False  # a recorded pass: not run this time
    forked: bool = False  # run from a zygote (its import lines run there, counted in duration)
    note: str = ""  # e.g. "failed beside another snippet, passed alone"


# -- which snippets --------------------------------------------------------------------------------

def site_blocks(config_file: Path = DEFAULT_CONFIG) -> list[Block]:
    """Every Python block of the site, found as the build and the tests find them."""
    return Site.load(config_file).blocks()


def executable(blocks: list[Block], not_run_reason=None) -> list[Snippet]:
    """The snippets a reader can run here: included by a page, and executed here by the session's
    rule (``not_run_reason(block)`` is None; without it: not marked skip or gpu); once each."""
    if not_run_reason is None:
        def not_run_reason(block):
            return block.skip_reason or block.gpu_reason or None
    snippets: dict[Path, Snippet] = {}
    for block in blocks:
        if block.snippet is None or not_run_reason(block):
            continue
        known = snippets.get(block.snippet)
        if known is None:
            snippets[block.snippet] = Snippet(block.include, block.snippet, [block.location], block.timeout)
        else:
            known.pages.append(block.location)
            known.timeout = max(known.timeout, block.timeout)
    return list(snippets.values())


def select(snippets: list[Snippet], filters: list[str]) -> list[Snippet]:
    """Those whose include path or page contains any of the filters (all when there are none)."""
    if not filters:
        return list(snippets)
    return [s for s in snippets if any(f in s.include or any(f in page for page in s.pages) for f in filters)]


def shard(snippets: list[Snippet], number: int, count: int, seconds: dict[str, float | None]) -> list[Snippet]:
    """Shard ``number`` of ``count``, balanced by ``seconds`` (a run time per include, None: unknown);
    the same inputs give the same shards on every machine."""
    from .shards import assign

    mine = set(assign({s.include: seconds.get(s.include) for s in snippets}, count)[number - 1])
    return [s for s in snippets if s.include in mine]


# -- recorded passes -------------------------------------------------------------------------------

def environment_digest(device: str) -> str:
    """Everything a reader's run of an unchanged snippet depends on, besides the snippet itself."""
    distributions = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()
                            if d.metadata["Name"]})
    material = {
        "procedure": [hashlib.sha256(p.read_bytes()).hexdigest() for p in PROCEDURE_FILES],
        "python": [platform.python_implementation(), platform.python_version()],
        "machine": [platform.system(), platform.machine()],
        "cores": os.cpu_count(),  # default threads
        "device": device,
        "distributions": distributions,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class Passes:
    """Recorded passes: ``<folder>/<key>.json``, the key a digest of the snippet's bytes, its time
    limit and ``environment_digest``. Written to a temporary file and renamed into place."""

    def __init__(self, folder: Path, environment: str) -> None:
        self.folder = Path(folder)
        self.environment = environment

    def key(self, snippet: Snippet) -> str:
        material = json.dumps({"timeout": snippet.timeout, "environment": self.environment}, sort_keys=True)
        return hashlib.sha256(hashlib.sha256(snippet.path.read_bytes()).digest() + material.encode()).hexdigest()[:32]

    def get(self, snippet: Snippet) -> float | None:
        """The recorded run time of a pass of this snippet here, or None."""
        try:
            entry = json.loads((self.folder / f"{self.key(snippet)}.json").read_text())
            return float(entry["seconds"]) if entry.get("key") == self.key(snippet) else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, outcome: Outcome) -> None:
        if not outcome.ok:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        key = self.key(outcome.snippet)
        entry = {"key": key, "snippet": outcome.snippet.include, "seconds": round(outcome.duration, 3),
                 "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        handle, staging = tempfile.mkstemp(prefix=f".{key}-", dir=self.folder)
        with os.fdopen(handle, "w") as file:
            json.dump(entry, file)
        os.replace(staging, self.folder / f"{key}.json")


# -- how they run ----------------------------------------------------------------------------------

def reader_environment(base: dict | None = None) -> dict:
    """The caller's environment as a reader's shell would have it, plus the offline guard."""
    env = dict(os.environ if base is None else base)
    for name in THREAD_VARIABLES + RUNNER_VARIABLES:
        env.pop(name, None)
    env["PYTHONPATH"] = str(GUARD_DIR)  # only the guard: nothing from this repository is importable
    env["MPLBACKEND"] = "Agg"
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONSTARTUP", None)
    return env


def check_guard(env: dict, python: str = sys.executable) -> None:
    """Fail loudly unless a plain ``python`` started with ``env`` refuses non-loopback connections."""
    probe = ("import socket\n"
             "try:\n"
             "    socket.getaddrinfo('example.com', 80)\n"
             "except ConnectionRefusedError:\n"
             "    raise SystemExit(0)\n"
             "raise SystemExit('the network guard is not installed')\n")
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([python, "-c", probe], cwd=folder, env=env, capture_output=True, text=True,
                                timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"snippets would not run offline: {GUARD_DIR / 'sitecustomize.py'} did not install "
                           f"the network guard (is snippet_runner importable by {python}?)\n{result.stderr}")


_running: set[subprocess.Popen] = set()  # every snippet process group alive now (ended on Ctrl-C)
_running_pids: set[int] = set()  # the same, forked from a zygote
_running_lock = threading.Lock()


def kill_running() -> None:
    with _running_lock:
        for pid in [process.pid for process in _running] + list(_running_pids):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def run_one(snippet: Snippet, env: dict, python: str = sys.executable, zygotes=None) -> Outcome:
    """Copy the file alone into an empty folder and run it there: ``python <file>``, or, given
    ``zygotes`` (a ``zygote.Zygotes``), forked from the zygote that ran its import lines."""
    if zygotes is not None:
        try:
            key = zygote_key(snippet, zygotes)
            if key is not None:
                return run_forked(snippet, key, zygotes)
        except zygotes_module.Unavailable as why:
            outcome = run_plain(snippet, env, python)
            outcome.note = f"run as a plain process: {why}"
            return outcome
    return run_plain(snippet, env, python)


def zygote_key(snippet: Snippet, zygotes) -> tuple[str, ...] | None:
    """The zygote this snippet forks from, or None when it must run as a plain process."""
    lines = zygotes_module.import_lines(snippet.path.read_bytes())
    if zygotes_module.why_plain(snippet.path, lines) is not None:
        return None
    return zygotes.key(lines)


def run_forked(snippet: Snippet, key: tuple[str, ...], zygotes) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="reader-") as folder, \
            tempfile.TemporaryDirectory(prefix="reader-log-") as logs:
        target = Path(folder) / snippet.path.name
        shutil.copyfile(snippet.path, target)
        log = Path(logs) / "output"
        pid, imports, printed, asked = zygotes.start(key, target, log)
        with _running_lock:
            _running_pids.add(pid)
        try:
            returncode = zygotes.wait(pid, snippet.timeout - imports - (time.perf_counter() - asked))
        finally:
            with _running_lock:
                _running_pids.discard(pid)
        duration = imports + time.perf_counter() - asked
        output = printed + (log.read_text(errors="replace") if log.exists() else "")
        if returncode is None:
            output += f"\n[killed: over its time limit of {snippet.timeout:g} s, its import lines' {imports:.1f} s included]"
    return Outcome(snippet, returncode == 0, duration, returncode, output, forked=True)


def run_plain(snippet: Snippet, env: dict, python: str = sys.executable) -> Outcome:
    """Copy the file alone into an empty folder and run ``python <file>`` there."""
    with tempfile.TemporaryDirectory(prefix="reader-") as folder:
        target = Path(folder) / snippet.path.name
        shutil.copyfile(snippet.path, target)
        started = time.perf_counter()
        # A session of its own, so a timeout also ends what the snippet started (torchrun workers).
        process = subprocess.Popen([python, target.name], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   errors="replace", start_new_session=True)
        with _running_lock:
            _running.add(process)
        try:
            output, _ = process.communicate(timeout=snippet.timeout)
            returncode = process.returncode
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            output += f"\n[killed: over its time limit of {snippet.timeout:g} s]"
            returncode = None
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            try:  # what the snippet left running in its session (a daemon) ends with it
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            with _running_lock:
                _running.discard(process)
        duration = time.perf_counter() - started
    return Outcome(snippet, returncode == 0, duration, returncode, output)


def run_all(snippets: list[Snippet], env: dict, jobs: int, report=None, python: str = sys.executable,
            zygotes=None) -> list[Outcome]:
    """Every snippet, ``jobs`` at a time (forked from ``zygotes`` where given, which must have been
    made with ``together_environment(env)`` when ``jobs`` > 1); then each one that failed beside
    others or forked again, alone, as a plain process with ``env``: only that failure counts.

    ``report(outcome)`` is called as each result is known (in the order they finish)."""
    report = report or (lambda outcome: None)
    outcomes: dict[int, Outcome] = {}
    beside = together_environment(env) if jobs > 1 else env

    def settle(outcome: Outcome) -> bool:
        """Report a result now, unless it is a failure still to be confirmed alone and plain."""
        if outcome.ok or (jobs <= 1 and not outcome.forked):
            report(outcome)
            return True
        return False

    if jobs <= 1:
        for index, snippet in enumerate(snippets):
            outcomes[index] = run_one(snippet, env, python, zygotes)
            settle(outcomes[index])
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(run_one, snippet, beside, python, zygotes): index
                       for index, snippet in enumerate(snippets)}
            try:
                for future in as_completed(futures):
                    outcomes[futures[future]] = future.result()
                    settle(outcomes[futures[future]])
            except BaseException:
                for future in futures:
                    future.cancel()
                kill_running()
                raise
    for index in sorted(i for i, o in outcomes.items() if not o.ok and (jobs > 1 or o.forked)):
        first = outcomes[index]
        alone = run_plain(snippets[index], env, python)
        if alone.ok:
            how = "beside another snippet" if jobs > 1 else "forked from a zygote"
            alone.note = f"{status(first).lower()} {how}, passed alone as a plain process"
            alone.output = f"[first run, {status(first).lower()}]\n{tail(first.output)}\n[alone]\n{alone.output}"
        outcomes[index] = alone
        report(alone)
    return [outcomes[i] for i in range(len(snippets))]


def plan(pending: list[Snippet], seconds: dict[str, float | None], jobs: int | None, cores: int,
         keys: dict[str, tuple | None] | None = None) -> tuple[list[Snippet], int, str]:
    """In which order and how many at a time the snippets run, and that said in words.

    ``jobs`` None: ``PAIRS`` at a time (one on a one-core machine); ``jobs`` N: N at a time. Longest
    first by the runner's times (unknown counts as longest), so the last to finish is a short one.
    Given ``keys`` (each snippet's zygote, None: a plain process), the snippets of one zygote run one
    after another, the zygote with the longest snippet first, so each zygote ends early."""
    count = max(1, jobs if jobs is not None else min(PAIRS, cores))

    def cost(snippet: Snippet) -> float:
        known = seconds.get(snippet.include)
        return float("inf") if known is None else known

    order = sorted(pending, key=lambda s: -cost(s))
    if keys is not None:
        rank: dict = {}
        for snippet in order:  # a zygote's rank: where its longest snippet stands
            rank.setdefault(keys.get(snippet.include) or ("plain", snippet.include), len(rank))
        order = sorted(order, key=lambda s: rank[keys.get(s.include) or ("plain", s.include)])
    if count == 1:
        return order, 1, "one at a time"
    return order, count, (f"{count} at a time, longest first (a snippet beside another gets OMP_WAIT_POLICY=PASSIVE; "
                          f"a failure is run again alone, as a plain process)")


def together_environment(env: dict) -> dict:
    """The environment of a snippet run beside others: the reader's, with ``TOGETHER``."""
    return {**env, **TOGETHER}


# -- reporting -------------------------------------------------------------------------------------

def slowest(outcomes: list[Outcome], count: int = 10) -> list[Outcome]:
    return sorted(outcomes, key=lambda o: o.duration, reverse=True)[:count]


def tail(text: str, lines: int = OUTPUT_TAIL_LINES) -> str:
    kept = text.rstrip().split("\n")
    return "\n".join((["..."] if len(kept) > lines else []) + kept[-lines:])


def status(outcome: Outcome) -> str:
    if outcome.ok:
        return "ok (passed before, not run again)" if outcome.cached else "ok"
    if outcome.returncode is None:
        return f"FAILED (over {outcome.snippet.timeout:g} s)"
    return f"FAILED (exit {outcome.returncode})"


def summary(outcomes: list[Outcome], wall: float | None = None) -> str:
    ran = [o for o in outcomes if not o.cached]
    width = max((len(o.snippet.include) for o in ran), default=0)
    lines = [f"Slowest {min(10, len(ran))} of {len(ran)} run (plain `python file.py`, default threads):"]
    lines += [f"  {o.duration:7.1f} s  {o.snippet.include:<{width}}  {status(o)}" for o in slowest(ran)]
    failed = [o for o in outcomes if not o.ok]
    total = sum(o.duration for o in ran)
    recorded = len(outcomes) - len(ran)
    lines.append(f"{len(outcomes) - len(failed)} passed"
                 + (f" ({recorded} of them recorded passes, not run again)" if recorded else "")
                 + f", {len(failed)} failed, {total:.0f} s of snippet run time in all"
                 + (f" ({sum(o.forked for o in ran)} run forked from zygotes, {sum(not o.forked for o in ran)} "
                    f"as plain processes)" if ran else "")
                 + (f"; {wall:.0f} s from the first start to the last end." if wall is not None else "."))
    if failed:
        lines.append("Failed in the reader's run: " + ", ".join(
            f"{o.snippet.include} ({', '.join(o.snippet.pages)})" for o in failed))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snippet_runner.reader", description=__doc__.split("\n")[0])
    parser.add_argument("filters", nargs="*", help="run only snippets whose file or page contains one of these")
    parser.add_argument("--list", action="store_true", help="list the snippets that would run, and stop")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="the site's mkdocs.yml")
    parser.add_argument("--jobs", type=int, default=None,
                        help=f"run N snippets at a time (default {PAIRS}, or 1 on one core); a snippet beside "
                             f"another gets OMP_WAIT_POLICY=PASSIVE, and a failure is confirmed alone")
    parser.add_argument("--shard", default=None, metavar="I/N",
                        help="run only shard I of N (balanced by recorded run times)")
    parser.add_argument("--fresh", action="store_true", help="run every snippet, even one with a recorded pass")
    parser.add_argument("--plain", action="store_true",
                        help="start every snippet as its own `python file.py` (no zygotes: slower, the literal way)")
    args = parser.parse_args(argv)

    site = Site.load(args.config)
    blocks = site.blocks()
    session = site.session()  # its one rule decides what is not executed here (a GPU machine runs gpu blocks)
    try:
        everything = executable(blocks, session.not_run_reason)
        not_run = sorted({b.include for b in blocks if b.snippet and session.not_run_reason(b)} -
                         {s.include for s in everything})
        device = session.environment["device"]
        chosen = select(everything, args.filters)
        passes = Passes(site.cache_dir / "reader", environment_digest(device))
        seconds: dict[str, float | None] = {}  # the runner's recorded run time (the same on every shard)
        for block in blocks:
            if block.snippet is not None and not session.not_run_reason(block) and block.include not in seconds:
                cached = session.lookup(block).result
                seconds[block.include] = cached.duration if cached else None
        if args.shard:
            from .shards import parse

            number, count = parse(args.shard)
            costs = {s.include: 0.0 if not args.fresh and passes.get(s) is not None else seconds.get(s.include)
                     for s in everything}  # a recorded pass costs nothing
            chosen = shard(chosen, number, count, costs)
    finally:
        session.close()
        # The probe may have started the runner's warm worker; a reader's run never forks from it.
        from . import runner

        worker = getattr(runner, "_worker", None)
        if worker is not None:
            worker.close()
    if args.list:
        for snippet in chosen:
            print(f"{snippet.include}  (limit {snippet.timeout:g} s; {', '.join(snippet.pages)})")
        print(f"{len(chosen)} of {len(everything)} executable snippets; not run here: {len(not_run)}")
        return 0
    if not chosen:
        print(f"no executable snippet matches {args.filters}", file=sys.stderr)
        return 2

    env = reader_environment()
    check_guard(env)
    recorded = {} if args.fresh else {s.include: t for s in chosen if (t := passes.get(s)) is not None}
    pending = [s for s in chosen if s.include not in recorded]
    jobs = max(1, args.jobs if args.jobs is not None else min(PAIRS, os.cpu_count() or 1))
    zygotes = None if args.plain else \
        zygotes_module.Zygotes(sys.executable, together_environment(env) if jobs > 1 else env)
    keys: dict[str, tuple | None] = {}
    if zygotes is not None:
        try:
            keys = {s.include: zygote_key(s, zygotes) for s in pending}
        except zygotes_module.Unavailable as why:
            print(f"no zygotes ({why}): every snippet runs as a plain process", flush=True)
            zygotes.close()
            zygotes, keys = None, {}
    order, jobs, how = plan(pending, seconds, jobs, os.cpu_count() or 1, keys if zygotes is not None else None)
    if zygotes is not None:
        zygotes.prepare([key for key in keys.values() if key is not None])
        forked = sum(key is not None for key in keys.values())
        how += (f"; {forked} to fork from zygotes (a plain interpreter that ran the file's import lines, "
                f"counted in its time), {len(pending) - forked} as plain processes")
    print(f"The reader's run: {len(chosen)} snippets, each alone in an empty folder as `python file.py`, "
          f"default threads, offline, {how}; "
          + f"{len(recorded)} passed before with the same bytes and environment and are not run again; "
          f"{len(not_run)} are not executed here.", flush=True)
    position = {s.include: n for n, s in enumerate(chosen, 1)}

    def report(outcome: Outcome) -> None:
        note = f" ({outcome.note})" if outcome.note else ""
        print(f"[{position[outcome.snippet.include]}/{len(chosen)}] {outcome.snippet.include}: {status(outcome)} "
              f"in {outcome.duration:.1f} s{note}", flush=True)
        if not outcome.ok or outcome.note:
            print(tail(outcome.output), flush=True)
        passes.put(outcome)

    for snippet in chosen:
        if snippet.include in recorded:
            print(f"[{position[snippet.include]}/{len(chosen)}] {snippet.include}: ok (passed before, not run again), "
                  f"{recorded[snippet.include]:.1f} s then", flush=True)
    try:
        started = time.perf_counter()
        ran = run_all(order, env, jobs, report, zygotes=zygotes) if order else []
        wall = time.perf_counter() - started
    except KeyboardInterrupt:
        kill_running()
        print("interrupted: every snippet process was ended", file=sys.stderr)
        return 130
    finally:
        if zygotes is not None:
            zygotes.close()
    by_include = {o.snippet.include: o for o in ran}
    outcomes = [by_include.get(s.include) or Outcome(s, True, recorded[s.include], 0, "", cached=True)
                for s in chosen]
    print(summary(outcomes, wall), flush=True)
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
