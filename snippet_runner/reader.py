"""The reader's run: every executable snippet, exactly as a reader runs it.

    python -m snippet_runner.reader                    # every snippet a page executes
    python -m snippet_runner.reader stage3 gan.md      # only those whose file or page contains a filter
    python -m snippet_runner.reader --list             # what would run, with time limits

The build and the tests run snippets through the runner: forked from a warm worker, one torch
thread each, seeded. A reader does something plainer: copies one file into an empty folder and
runs ``python file.py`` with every core. A claim that only holds under the runner's conditions is
not verified, so this runs each snippet the reader's way, one at a time:

- the file alone in a fresh, empty temporary folder, run there as ``python <file>``;
- default threads: no ``OMP_NUM_THREADS``/``MKL_NUM_THREADS``/... (removed if the caller set them),
  no seeding beyond what the snippet does itself;
- offline: the loopback-only network guard, through ``_subprocess_guard/sitecustomize.py`` on
  ``PYTHONPATH`` (checked before anything runs);
- ``MPLBACKEND=Agg``, so ``plt.show()`` returns instead of waiting for a window;
- ``PYTHONUNBUFFERED=1``: output reaches us line by line, as it reaches a reader's terminal, so
  what a snippet printed before it was stopped at its time limit is not lost in a buffer;
- the time limit of the page's block (``<!--pytest.mark.timeout(N)-->``, else the default).

"Executable" means included by a page and marked neither skip (needs network) nor gpu. A snippet
included by several pages runs once. The exit status is 1 if any snippet failed; the failures are
named at the end, after the ten slowest snippets and their times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .collect import Block
from .site import Site

GUARD_DIR = Path(__file__).resolve().parent / "_subprocess_guard"
DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "mkdocs.yml"

# Variables that pin the number of threads; a reader has none of them set.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "TORCH_NUM_THREADS")
# Variables the runner uses to steer snippets (device, cache, seeds); a reader has none of them.
RUNNER_VARIABLES = ("SNIPPETS_DEVICE", "SNIPPETS_FRESH", "SNIPPETS_CACHE_DIR", "PYTHONHASHSEED")
OUTPUT_TAIL_LINES = 40


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


# -- which snippets --------------------------------------------------------------------------------

def site_blocks(config_file: Path = DEFAULT_CONFIG) -> list[Block]:
    """Every Python block of the site, found as the build and the tests find them."""
    return Site.load(config_file).blocks()


def executable(blocks: list[Block]) -> list[Snippet]:
    """The snippets a reader can run here: included by a page, not marked skip or gpu; once each."""
    snippets: dict[Path, Snippet] = {}
    for block in blocks:
        if block.snippet is None or block.skip_reason or block.gpu_reason:
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


def run_one(snippet: Snippet, env: dict, python: str = sys.executable) -> Outcome:
    """Copy the file alone into an empty folder and run ``python <file>`` there."""
    with tempfile.TemporaryDirectory(prefix="reader-") as folder:
        target = Path(folder) / snippet.path.name
        shutil.copyfile(snippet.path, target)
        started = time.perf_counter()
        # A session of its own, so a timeout also ends what the snippet started (torchrun workers).
        process = subprocess.Popen([python, target.name], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   errors="replace", start_new_session=True)
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
        duration = time.perf_counter() - started
    return Outcome(snippet, returncode == 0, duration, returncode, output)


# -- reporting -------------------------------------------------------------------------------------

def slowest(outcomes: list[Outcome], count: int = 10) -> list[Outcome]:
    return sorted(outcomes, key=lambda o: o.duration, reverse=True)[:count]


def tail(text: str, lines: int = OUTPUT_TAIL_LINES) -> str:
    kept = text.rstrip().split("\n")
    return "\n".join((["..."] if len(kept) > lines else []) + kept[-lines:])


def status(outcome: Outcome) -> str:
    if outcome.ok:
        return "ok"
    if outcome.returncode is None:
        return f"FAILED (over {outcome.snippet.timeout:g} s)"
    return f"FAILED (exit {outcome.returncode})"


def summary(outcomes: list[Outcome]) -> str:
    width = max((len(o.snippet.include) for o in outcomes), default=0)
    lines = [f"Slowest {min(10, len(outcomes))} of {len(outcomes)} (plain `python file.py`, default threads):"]
    lines += [f"  {o.duration:7.1f} s  {o.snippet.include:<{width}}  {status(o)}" for o in slowest(outcomes)]
    failed = [o for o in outcomes if not o.ok]
    total = sum(o.duration for o in outcomes)
    lines.append(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed, {total:.0f} s in all.")
    if failed:
        lines.append("Failed in the reader's run: " + ", ".join(
            f"{o.snippet.include} ({', '.join(o.snippet.pages)})" for o in failed))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snippet_runner.reader", description=__doc__.split("\n")[0])
    parser.add_argument("filters", nargs="*", help="run only snippets whose file or page contains one of these")
    parser.add_argument("--list", action="store_true", help="list the snippets that would run, and stop")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="the site's mkdocs.yml")
    args = parser.parse_args(argv)

    blocks = site_blocks(args.config)
    everything = executable(blocks)
    chosen = select(everything, args.filters)
    not_run = sorted({b.include for b in blocks if b.snippet and (b.skip_reason or b.gpu_reason)})
    if args.list:
        for snippet in chosen:
            print(f"{snippet.include}  (limit {snippet.timeout:g} s; {', '.join(snippet.pages)})")
        print(f"{len(chosen)} of {len(everything)} executable snippets; not run here (skip/gpu): {len(not_run)}")
        return 0
    if not chosen:
        print(f"no executable snippet matches {args.filters}", file=sys.stderr)
        return 2

    env = reader_environment()
    check_guard(env)
    print(f"The reader's run: {len(chosen)} snippets, each alone in an empty folder as `python file.py`, "
          f"default threads, offline, one at a time ({len(not_run)} marked skip/gpu are not run).", flush=True)
    outcomes = []
    for number, snippet in enumerate(chosen, 1):
        outcome = run_one(snippet, env)
        outcomes.append(outcome)
        print(f"[{number}/{len(chosen)}] {snippet.include}: {status(outcome)} in {outcome.duration:.1f} s", flush=True)
        if not outcome.ok:
            print(tail(outcome.output), flush=True)
    print(summary(outcomes), flush=True)
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
