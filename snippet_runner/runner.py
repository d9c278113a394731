"""Run snippets the way a reader would, but without paying for ``import torch`` every time.

A warm worker (see ``worker``) imports torch, torchvision and matplotlib once. Each snippet then
runs in its own process forked from it (see ``child``): a fresh, empty working directory holding
only a copy of the file, ``__name__ == "__main__"``, fixed seeds, no network, no standard input,
stdout/stderr and matplotlib figures captured. This side watches each run: its time limit, the
memory of all its processes together (killed above the ceiling, peak recorded), and Ctrl-C, which
ends every snippet process at once. Independent snippets run in parallel, one core each.
"""

from __future__ import annotations

import base64
import glob
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import importlog, processes
from .cache import installed_version, used_distributions
from .results import Failure, Policy, Result, Task, default_jobs
from .worker import WorkerClient, WorkerError

POLL_S = 0.05  # how often a running snippet's time, memory and cancellation are checked
MEMORY_POLL_S = 1.0  # how often its own memory is measured (more often near the ceiling)
GB = 1 << 30
OUTPUT_KEPT_BYTES = 2 << 20  # what a result keeps of a snippet's output (the page says when it was cut)
OUTPUT_KILL_BYTES = 64 << 20  # a snippet that writes more is a flood: killed before it fills the disk

_worker = WorkerClient()  # one warm worker per process that runs snippets, started on first use


def preload(modules) -> None:
    """The modules the warm worker imports once, before forking snippets (a worker started with
    others is stopped; the next run starts one with these)."""
    modules = tuple(modules)
    if modules != _worker.preload:
        _worker.close()
        _worker.preload = modules


class Runner:
    """Runs snippets in processes forked from one warm worker.

    ``device`` is "auto" (CUDA when visible), "cpu" (GPUs hidden from the snippet) or "cuda".
    ``policy``: what the site's course adds to every run (its checks, the distributions it stamps).
    """

    def __init__(self, *, device: str = "auto", jobs: int | None = None,
                 remember_environment_in: Path | None = None, fingerprint: str = "",
                 policy: Policy = Policy()) -> None:
        if device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"device must be auto, cpu or cuda, not {device!r}")
        self.device = device
        self.policy = policy
        self.jobs = jobs or default_jobs()
        self._environment: dict | None = None
        self._remembered: Path | None = None
        self._cancelled = threading.Event()
        if remember_environment_in is not None:
            # Everything the probe's answer depends on: the interpreter and its packages, the
            # device asked for, and the GPUs this machine exposes.
            key = json.dumps([sys.executable, fingerprint, device, os.environ.get("CUDA_VISIBLE_DEVICES"),
                              sorted(glob.glob("/dev/nvidia*")), "probe 2"])  # probe 2: python and device only
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
            run = _worker.new_run()
            try:
                pid = _worker.spawn("child.probe", str(run), self.device)
                finished, _ = _worker.wait(pid, 120)
                if not finished:
                    _worker.kill(pid)
                    raise RuntimeError("probing the snippet environment timed out")
                try:
                    self._environment = json.loads((run / "out" / "environment.json").read_text())
                except (FileNotFoundError, ValueError) as error:
                    raise RuntimeError(f"probing the snippet environment failed: {error}") from None
            finally:
                shutil.rmtree(run, ignore_errors=True)
            if self.device == "cuda" and self._environment["device"] != "cuda":
                raise RuntimeError("--device cuda was asked for, but no CUDA GPU is visible")
            if self._remembered is not None:
                self._remembered.parent.mkdir(parents=True, exist_ok=True)
                staging = self._remembered.with_suffix(f".{os.getpid()}.tmp")
                staging.write_text(json.dumps(self._environment))
                staging.replace(self._remembered)
        return self._environment

    def stamp_versions(self) -> dict[str, str | None]:
        """The installed versions of the distributions the course stamps (None: not installed), without
        a local suffix ("2.14.1", not "2.14.1+cpu")."""
        return {name: (installed_version(name) or "").split("+")[0] or None for name in self.policy.stamp}

    def _result_environment(self) -> dict:
        """What every result records of where it ran: the probe's answer, the stamped versions, and
        the course policy it ran under (a cached result is valid only under the same one)."""
        return {**self.environment(), "versions": self.stamp_versions(), "course": self.policy.digest}

    # -- running ----------------------------------------------------------------------------------

    def run(self, task: Task, into: Path, source: bytes | None = None) -> Result:
        """Run one snippet; its figures are written into the folder ``into``.

        ``source``: the exact bytes to run (the ones a result is keyed on); read from the file once
        when not given. The child works in a run folder of its own, which is removed afterwards
        however the run ended; only plain files (no links) come back into ``into``."""
        into.mkdir(parents=True, exist_ok=True)
        source = task.snippet.read_bytes() if source is None else source
        threads = max(1, default_jobs() // self.jobs)
        limit = task.memory_gb * GB
        stopped, peak, exit_code = None, 0, None
        if self._cancelled.is_set():
            return Result(False, "", 0.0, [], Failure("interrupted", "interrupted (Ctrl-C) before it started"))
        run = _worker.new_run()
        out = run / "out"
        try:
            try:
                pid = _worker.spawn("child.main", base64.b64encode(source).decode(), task.display_name, str(run),
                                    self.device, threads, [list(check) for check in self.policy.checks])
            except WorkerError as error:
                kind = "interrupted" if self._cancelled.is_set() else "worker"
                return Result(False, "", 0.0, [], Failure(kind, str(error)))
            started = time.perf_counter()  # its own start: never the worker's (seconds of imports)
            measure_at, used, measured_at_resident = started, 0, 0
            while True:
                finished, exit_code = _worker.wait(pid, POLL_S)
                if finished:
                    break
                # Its own memory (USS) and the sandbox's /dev/shm. Reading smaps costs the kernel
                # ~20 ms per process with torch loaded, so it is read once a second, or at once when
                # the cheap upper bound (resident sizes, shared pages included) grew by 64 MB or
                # passes the ceiling.
                host = _worker.host_pid(pid)
                tree = [host, *processes.descendants(host)] if host else []
                shm = _worker.shared_memory_bytes()
                now, resident = time.perf_counter(), processes.resident_bytes(tree)
                if now >= measure_at or resident + shm > limit or resident > measured_at_resident + (64 << 20):
                    measure_at, measured_at_resident = now + MEMORY_POLL_S, resident
                    used = processes.private_bytes(tree) + shm
                    peak = max(peak, used)
                if used > limit:
                    stopped = Failure("memory", f"exceeded {task.memory_gb:g} GB of memory and was killed "
                                                f"(mark the block <!--pytest.mark.memory(GB)--> to allow more)")
                elif time.perf_counter() - started > task.timeout:
                    stopped = Failure("timeout", f"timed out after {task.timeout:g} s and was killed")
                elif self._cancelled.is_set():
                    stopped = Failure("interrupted", "interrupted (Ctrl-C) and killed")
                elif _size(out / "output.txt") > OUTPUT_KILL_BYTES:
                    stopped = Failure("output", f"wrote more than {OUTPUT_KILL_BYTES >> 20} MB of output and was "
                                                "killed")
                if stopped:
                    _worker.kill(pid)  # it and everything it started, however detached
                    _worker.wait(pid, 10)
                    break
            duration = time.perf_counter() - started
            output = _read_output(out / "output.txt", f"{run / 'work'}/")
            kept = _take_files(out, into)
            result = Result(False, output, duration, _figures(into), stopped, self._result_environment(),
                            peak_memory=peak)
            if stopped:
                return result
            if exit_code is None:  # the worker died under it (this snippet, or one beside it, killed it)
                result.failure = Failure("worker", "the snippet worker died while this snippet ran")
                return result
            try:
                report = json.loads((out / "report.json").read_text()) if "report.json" in kept else None
            except (OSError, ValueError):
                report = None
            if report is None:
                if exit_code != 0:
                    result.failure = Failure("crash", f"the snippet process died (exit code {exit_code})")
                    return result
                report = {"failure": None}  # the snippet ended itself with os._exit(0)
            try:
                result.failure = Failure(**report["failure"]) if report.get("failure") else None
                result.figure_titles = [str(t) for t in report.get("figure_titles", [])]
                result.checks = dict(report.get("checks") or {})
            except (TypeError, AttributeError, ValueError):
                result.failure = Failure("crash", "the snippet's report is damaged")
            result.ok = result.failure is None
            # What it imported, as it happened (in its subprocesses too), mapped by this process.
            result.distributions = used_distributions(importlog.read(out / "imports.log"), _worker.requested)
            return result
        finally:
            shutil.rmtree(run, ignore_errors=True)

    def run_many(self, tasks: list[Task], into: list[Path], progress: bool = False,
                 sources: list[bytes] | None = None) -> list[Result]:
        """Run independent snippets in parallel, ``jobs`` at a time, keeping the given order.

        Ctrl-C (or any other exception here) kills every snippet still running, within a poll
        interval, and is raised again: nothing half-done comes back. A snippet that kills the
        worker takes its neighbours' runs with it: each of those runs again, alone; one that
        kills the worker alone fails as a crash, and the others get their own result. A snippet
        that ran past its time limit beside others runs again alone after them, with the same threads
        (its output does not depend on whether it was run again; given more cores on a machine still
        busy with other work, torch's threads wait on each other: a Stage 5 snippet took 24.7 s at
        load 2 and 130 s at load 5): on a busy machine its
        neighbours took its time, and only a timeout alone counts.
        """
        from tqdm import tqdm

        sources = sources or [None] * len(tasks)
        self._cancelled.clear()
        _worker.allow_start()
        bar = tqdm(total=len(tasks), desc="snippets", unit="snippet", disable=not progress or not tasks,
                   file=sys.stderr, dynamic_ncols=True)

        def one(triple) -> Result:
            result = self.run(*triple)
            bar.set_postfix_str(triple[0].display_name, refresh=False)
            bar.update()
            return result

        pool = ThreadPoolExecutor(self.jobs)
        try:
            if tasks:
                self.environment()  # probe once, before the parallel runs
            results = list(pool.map(one, zip(tasks, into, sources)))
            crowded = self.jobs > 1 and len(tasks) > 1
            for number, result in enumerate(results):
                kind = result.failure.kind if result.failure is not None else None
                if kind == "worker" or kind == "timeout" and crowded:
                    shutil.rmtree(into[number], ignore_errors=True)  # nothing of the first run stays
                    again = self.run(tasks[number], into[number], sources[number])
                    if again.failure is not None and again.failure.kind == "worker":
                        again.failure = Failure("crash", "the snippet killed the runner's worker process "
                                                         "(it ran alone, and the worker died under it)")
                    results[number] = again
            return results
        except BaseException:
            self.cancel()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            bar.close()

    @staticmethod
    def allow_start() -> None:
        _worker.allow_start()

    @staticmethod
    def warm_up() -> None:
        """Start the warm worker in the background (a snippet's time is measured from its own start
        anyway: never the worker's)."""
        _worker.warm_up()

    def cancel(self) -> None:
        """Kill every snippet this runner has running now; they end as "interrupted". A worker still
        starting is ended too."""
        self._cancelled.set()
        _worker.abort_start()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_output(path: Path, work: str) -> str:
    """The first OUTPUT_KEPT_BYTES of the output, with a line saying so when there was more."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(OUTPUT_KEPT_BYTES + 1)
    except OSError:
        return ""
    size = _size(path)
    text = data[:OUTPUT_KEPT_BYTES].replace(work.encode(), b"").decode("utf-8", errors="replace")
    if len(data) > OUTPUT_KEPT_BYTES:
        text = (text.rstrip("\n") + f"\n[runner] output cut: the snippet wrote {size / (1 << 20):.1f} MB; "
                f"the first {OUTPUT_KEPT_BYTES >> 20} MB are kept\n")
    return text


def _take_files(out: Path, into: Path) -> set[str]:
    """Move the plain files of a run's output folder into ``into`` (links and folders stay behind)."""
    kept = set()
    for path in out.iterdir():
        if path.is_symlink() or not path.is_file():
            continue
        if path.name.startswith("figure") or path.name.endswith(".json") and path.name != "report.json":
            shutil.copyfile(path, into / path.name, follow_symlinks=False)
        kept.add(path.name)
    return kept


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _figures(folder: Path) -> list[Path]:
    return sorted((p for p in folder.glob("figure-*.png") if not p.name.endswith(".zh.png")),  # zh: figures.py
                  key=lambda p: int(p.stem.split("-")[1]))
