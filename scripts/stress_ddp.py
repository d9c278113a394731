"""Stress test for snippets/stage4/distributed_ddp.py (not part of CI).

The DDP snippet once crashed at shutdown in about one run of ten (issue 15.1). This script runs it
many times in a row and prints pass counts, so a fix can be proved and re-checked later:

1. as the build does: through ``snippet_runner.Runner`` (one warm worker, a forked child per run,
   one torch thread), first one run at a time, then two runs side by side;
2. as a reader does: ``python distributed_ddp.py`` with the file alone in an empty folder.

    .venv/bin/python scripts/stress_ddp.py                 # 30 + 30 runner runs, 10 reader runs
    .venv/bin/python scripts/stress_ddp.py --runner 5 --reader 2 --jobs 1

Every failed run's output is saved under --keep (default: a temporary folder) and its path printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from snippet_runner import Runner, Task  # noqa: E402

SNIPPET = ROOT / "snippets" / "stage4" / "distributed_ddp.py"
# On a crash (SIGABRT, SIGSEGV) every Python process, torchrun's workers included, prints where each of
# its threads was: that tells a crash inside destroy_process_group from one during interpreter exit.
os.environ["PYTHONFAULTHANDLER"] = "1"
TIMEOUT = 240.0  # the page marks the block with a 240 s limit


def runner_runs(snippet: Path, count: int, jobs: int, keep: Path) -> int:
    """Run the snippet `count` times through the runner, `jobs` at a time; return the passes."""
    runner = Runner(device="cpu", jobs=jobs)
    tasks = [Task(snippet, timeout=TIMEOUT) for _ in range(count)]
    with tempfile.TemporaryDirectory(prefix="stress-ddp-") as scratch:
        folders = [Path(scratch, str(i)) for i in range(count)]
        started = time.perf_counter()
        results = runner.run_many(tasks, folders)
        elapsed = time.perf_counter() - started
        passed = 0
        for i, (folder, result) in enumerate(zip(folders, results)):
            if result.ok:
                passed += 1
                continue
            saved = keep / f"runner-jobs{jobs}-run{i}"
            shutil.copytree(folder, saved, dirs_exist_ok=True)
            print(f"  run {i}: FAILED ({result.failure.kind}: {result.failure.message}); output in {saved}")
    durations = sorted(r.duration for r in results)
    print(f"runner, jobs={jobs}: {passed}/{count} passed in {elapsed:.0f} s "
          f"(per run: median {durations[len(durations) // 2]:.1f} s, max {durations[-1]:.1f} s)", flush=True)
    return passed


def reader_runs(snippet: Path, count: int, keep: Path) -> int:
    """Run `python distributed_ddp.py` alone in an empty folder `count` times; return the passes."""
    passed, durations = 0, []
    for i in range(count):
        with tempfile.TemporaryDirectory(prefix="stress-ddp-reader-") as folder:
            shutil.copy(snippet, folder)
            started = time.perf_counter()
            try:
                result = subprocess.run([sys.executable, snippet.name], cwd=folder, capture_output=True,
                                        text=True, timeout=TIMEOUT)
                ok, output = result.returncode == 0, result.stdout + result.stderr
                reason = f"exit code {result.returncode}"
            except subprocess.TimeoutExpired as error:
                ok, output, reason = False, f"{error.stdout or ''}{error.stderr or ''}", "timed out"
            durations.append(time.perf_counter() - started)
        if ok:
            passed += 1
        else:
            saved = keep / f"reader-run{i}.txt"
            saved.write_text(output if isinstance(output, str) else output.decode(errors="replace"))
            print(f"  run {i}: FAILED ({reason}); output in {saved}")
    durations.sort()
    print(f"reader (python {snippet.name}): {passed}/{count} passed "
          f"(per run: median {durations[len(durations) // 2]:.1f} s, max {durations[-1]:.1f} s)", flush=True)
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", type=int, default=30, help="runner runs per job count (default 30)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="parallel job counts (default 1 2)")
    parser.add_argument("--reader", type=int, default=10, help="plain `python file.py` runs (default 10)")
    parser.add_argument("--snippet", type=Path, default=SNIPPET, help="another version of the snippet to test")
    parser.add_argument("--keep", type=Path, default=None, help="folder for the output of failed runs")
    args = parser.parse_args()
    snippet = args.snippet.resolve()
    keep = args.keep or Path(tempfile.mkdtemp(prefix="stress-ddp-failures-"))
    keep.mkdir(parents=True, exist_ok=True)

    print(f"stress test of {snippet}, started {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}",
          flush=True)
    failed = 0
    for jobs in args.jobs:
        if args.runner:
            failed += args.runner - runner_runs(snippet, args.runner, jobs, keep)
    if args.reader:
        failed += args.reader - reader_runs(snippet, args.reader, keep)
    print(f"finished {time.strftime('%H:%M:%S UTC', time.gmtime())}: {'all passed' if not failed else f'{failed} failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
