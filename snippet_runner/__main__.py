"""Command line: run snippets through the runner, or benchmark it.

    python -m snippet_runner run snippets/stage1/tensors_math.py [...]
    python -m snippet_runner bench
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .execute import Runner, Task
from .render import clean_output

TRIVIAL = "# the cheapest snippet that still uses torch\nimport torch\nprint(torch.ones(2).sum().item())\n"


def cmd_run(args) -> int:
    runner = Runner(device=args.device)
    tasks = [Task(Path(f)) for f in args.files]
    with tempfile.TemporaryDirectory() as scratch:
        results = runner.run_many(tasks, [Path(scratch, str(i)) for i in range(len(tasks))], progress=True)
        failed = 0
        for task, result in zip(tasks, results):
            status = "ok" if result.ok else f"FAILED: {result.failure.message}"
            print(f"=== {task.display_name} ({result.duration:.2f} s, {len(result.figures)} figures): {status}")
            print(clean_output(result.output))
            failed += not result.ok
    return 1 if failed else 0


def _timed_build(root: Path, cache: Path) -> float:
    env = {**os.environ, "SNIPPETS_CACHE_DIR": str(cache), "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory() as site:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", site], cwd=root,
                       env=env, check=True)
        return time.perf_counter() - started


def cmd_bench(args) -> int:
    root = Path(args.root).resolve()
    with tempfile.TemporaryDirectory() as scratch:
        snippet = Path(scratch, "trivial.py")
        snippet.write_text(TRIVIAL)

        print(f"1. Per-snippet cost of a trivial torch snippet ({args.repeat} runs each)")
        plain = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, str(snippet)], cwd=scratch, check=True, capture_output=True)
            plain.append(time.perf_counter() - started)
        runner = Runner(device="cpu")
        runner.run(Task(snippet), Path(scratch, "warm-up"))  # starts the warm worker once
        forked = []
        for i in range(args.repeat * 4):
            started = time.perf_counter()
            result = runner.run(Task(snippet), Path(scratch, f"r{i}"))
            forked.append(time.perf_counter() - started)
            assert result.ok, result.output
        plain_s, forked_s = statistics.median(plain), statistics.median(forked)
        print(f"   python snippet.py : {plain_s:7.3f} s (median)")
        print(f"   runner (forked)   : {forked_s:7.3f} s (median)")
        print(f"   overhead ratio    : {plain_s / forked_s:7.1f}x less per snippet (goal >= 30x)")

    print("2. Building the whole site")
    with tempfile.TemporaryDirectory() as cache:
        cold = _timed_build(root, Path(cache))
        warm = _timed_build(root, Path(cache))
    print(f"   cold build (empty cache) : {cold:7.1f} s")
    print(f"   warm build (all cached)  : {warm:7.1f} s")
    print(f"   warm vs cold             : {cold / warm:7.1f}x faster (goal >= 20x)")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snippet_runner")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run snippet files as the build would and print their output")
    run.add_argument("files", nargs="+")
    run.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    run.set_defaults(func=cmd_run)
    bench = commands.add_parser("bench", help="runner overhead vs plain python, cold vs warm site build")
    bench.add_argument("--repeat", type=int, default=5)
    bench.add_argument("--root", default=".", help="the site's folder (where mkdocs.yml is)")
    bench.set_defaults(func=cmd_bench)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
