"""Run snippets the way a reader would, but without paying for ``import torch`` every time.

A warm worker (see ``worker``) imports torch, torchvision and matplotlib once. Each snippet then
runs in its own process forked from it (see ``child``): a fresh, empty working directory holding
only a copy of the file, ``__name__ == "__main__"``, fixed seeds, no network, no standard input,
stdout/stderr and matplotlib figures captured. This side watches each run: its time limit, the
memory of all its processes together (killed above the ceiling, peak recorded), and Ctrl-C, which
ends every snippet process at once. Independent snippets run in parallel, one core each.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import processes
from .results import Failure, Result, Task, default_jobs
from .worker import WorkerClient

POLL_S = 0.05  # how often a running snippet's time, memory and cancellation are checked
GB = 1 << 30

_worker = WorkerClient()  # one warm worker per process that runs snippets, started on first use


class Runner:
    """Runs snippets in processes forked from one warm worker.

    ``device`` is "auto" (CUDA when visible), "cpu" (GPUs hidden from the snippet) or "cuda".
    """

    def __init__(self, *, device: str = "auto", jobs: int | None = None,
                 remember_environment_in: Path | None = None, fingerprint: str = "") -> None:
        if device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"device must be auto, cpu or cuda, not {device!r}")
        self.device = device
        self.jobs = jobs or default_jobs()
        self._environment: dict | None = None
        self._remembered: Path | None = None
        self._cancelled = threading.Event()
        if remember_environment_in is not None:
            # Everything the probe's answer depends on: the interpreter and its packages, the
            # device asked for, and the GPUs this machine exposes.
            key = json.dumps([sys.executable, fingerprint, device, os.environ.get("CUDA_VISIBLE_DEVICES"),
                              sorted(glob.glob("/dev/nvidia*"))])
            digest = hashlib.sha256(key.encode()).hexdigest()[:16]
            self._remembered = Path(remember_environment_in) / f"environment-{digest}.json"

    # -- the environment snippets run in --------------------------------------------------------

    def environment(self) -> dict:
        """Python/torch/torchvision versions and the device a snippet will see (probed once)."""
        if self._environment is None and self._remembered is not None:
            try:
                self._environment = json.loads(self._remembered.read_text())
            except (OSError, ValueError):
                pass
        if self._environment is None:
            with tempfile.TemporaryDirectory(prefix="snippet-probe-") as folder:
                out = Path(folder)
                pid = _worker.spawn("child.probe", str(out), self.device)
                finished, _ = _worker.wait(pid, 120)
                if not finished:
                    _worker.kill(pid)
                    raise RuntimeError("probing the snippet environment timed out")
                try:
                    self._environment = json.loads((out / "environment.json").read_text())
                except (FileNotFoundError, ValueError) as error:
                    raise RuntimeError(f"probing the snippet environment failed: {error}") from None
            if self.device == "cuda" and self._environment["device"] != "cuda":
                raise RuntimeError("--device cuda was asked for, but no CUDA GPU is visible")
            if self._remembered is not None:
                self._remembered.parent.mkdir(parents=True, exist_ok=True)
                staging = self._remembered.with_suffix(f".{os.getpid()}.tmp")
                staging.write_text(json.dumps(self._environment))
                staging.replace(self._remembered)
        return self._environment

    # -- running ----------------------------------------------------------------------------------

    def run(self, task: Task, into: Path) -> Result:
        """Run one snippet; its figures are written into the folder ``into``."""
        into.mkdir(parents=True, exist_ok=True)
        threads = max(1, default_jobs() // self.jobs)
        started = time.perf_counter()
        limit = task.memory_gb * GB
        stopped, peak = None, 0
        pid = _worker.spawn("child.main", str(task.snippet), task.display_name, str(into), self.device, threads)
        while True:
            finished, exit_code = _worker.wait(pid, POLL_S)
            if finished:
                break
            resident = processes.resident_bytes([pid, *processes.descendants(pid)])
            peak = max(peak, resident)
            if resident > limit:
                stopped = Failure("memory", f"exceeded {task.memory_gb:g} GB of memory and was killed "
                                            f"(mark the block <!--pytest.mark.memory(GB)--> to allow more)")
            elif time.perf_counter() - started > task.timeout:
                stopped = Failure("timeout", f"timed out after {task.timeout:g} s and was killed")
            elif self._cancelled.is_set():
                stopped = Failure("interrupted", "interrupted (Ctrl-C) and killed")
            if stopped:
                _worker.kill(pid)  # it and everything it started, however detached
                _worker.wait(pid, 10)
                break
        duration = time.perf_counter() - started
        output = _read_text(into / "output.txt")
        result = Result(False, output, duration, _figures(into), stopped, self.environment(), peak_memory=peak)
        if stopped:
            return result
        try:
            report = json.loads((into / "report.json").read_text())
        except (FileNotFoundError, ValueError):
            if exit_code != 0:
                result.failure = Failure("crash", f"the snippet process died (exit code {exit_code})")
                return result
            report = {"failure": None}  # the snippet ended itself with os._exit(0)
        result.failure = Failure(**report["failure"]) if report["failure"] else None
        result.ok = result.failure is None
        result.figure_titles = report.get("figure_titles", [])
        result.distributions = report.get("distributions", {})
        result.splits = report.get("splits", [])
        return result

    def run_many(self, tasks: list[Task], into: list[Path], progress: bool = False) -> list[Result]:
        """Run independent snippets in parallel, ``jobs`` at a time, keeping the given order.

        Ctrl-C (or any other exception here) kills every snippet still running, within a poll
        interval, and is raised again: nothing half-done comes back.
        """
        from tqdm import tqdm

        if tasks:
            self.environment()  # probe once, before the parallel runs
        self._cancelled.clear()
        bar = tqdm(total=len(tasks), desc="snippets", unit="snippet", disable=not progress or not tasks,
                   file=sys.stderr, dynamic_ncols=True)

        def one(pair: tuple[Task, Path]) -> Result:
            result = self.run(*pair)
            bar.set_postfix_str(pair[0].display_name, refresh=False)
            bar.update()
            return result

        pool = ThreadPoolExecutor(self.jobs)
        try:
            return list(pool.map(one, zip(tasks, into)))
        except BaseException:
            self.cancel()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            bar.close()

    def cancel(self) -> None:
        """Kill every snippet this runner has running now; they end as "interrupted"."""
        self._cancelled.set()


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _figures(folder: Path) -> list[Path]:
    return sorted((p for p in folder.glob("figure-*.png") if not p.name.endswith(".zh.png")),  # zh: figures.py
                  key=lambda p: int(p.stem.split("-")[1]))
