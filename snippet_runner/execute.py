"""Run snippets the way a reader would, but without paying for ``import torch`` every time.

A warm worker (see ``worker``) imports torch, torchvision and matplotlib once.
Each snippet then runs in its own process forked from it: a fresh, empty working directory
holding only a copy of the file, ``__name__ == "__main__"``, fixed seeds, a time limit, no
network, and stdout/stderr and matplotlib figures captured. Independent snippets run in
parallel, one core each.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .worker import WorkerClient

DEFAULT_TIMEOUT = 120.0
GUARD_DIR = Path(__file__).parent / "_subprocess_guard"


@dataclass
class Task:
    """One snippet to run."""

    snippet: Path
    display_name: str = ""
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        self.snippet = Path(self.snippet).resolve()
        self.display_name = self.display_name or self.snippet.name


@dataclass
class Failure:
    """Why a snippet did not succeed."""

    kind: str  # "exception" | "exit" | "timeout" | "crash"
    message: str  # "ZeroDivisionError: division by zero"
    line: int | None = None  # line in the snippet where it happened, when known
    traceback: str = ""


@dataclass
class Result:
    """What one run of a snippet produced."""

    ok: bool
    output: str
    duration: float
    figures: list[Path] = field(default_factory=list)
    failure: Failure | None = None
    environment: dict = field(default_factory=dict)
    finished: str = field(default_factory=lambda: time.strftime("%Y-%m-%d", time.gmtime()))  # UTC date

    def to_json(self) -> dict:
        data = asdict(self)
        data["figures"] = [p.name for p in self.figures]
        return data

    @classmethod
    def from_json(cls, data: dict, folder: Path) -> Result:
        failure = Failure(**data["failure"]) if data.get("failure") else None
        return cls(
            ok=data["ok"],
            output=data["output"],
            duration=data["duration"],
            figures=[folder / name for name in data["figures"]],
            failure=failure,
            environment=data.get("environment", {}),
            finished=data.get("finished", ""),
        )


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


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
                pid = _worker.spawn("execute._probe_main", str(out), self.device)
                finished, _ = _worker.wait(pid, 120)
                _worker.kill(pid)
                if not finished:
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
        pid = _worker.spawn("execute._child_main", str(task.snippet), task.display_name, str(into), self.device,
                            threads)
        finished, exit_code = _worker.wait(pid, task.timeout)
        # The snippet runs in its own process group: this also ends anything it left running
        # (a server thread's subprocess, torchrun workers).
        _worker.kill(pid)
        if not finished:
            _worker.wait(pid, 10)
        timed_out = not finished
        duration = time.perf_counter() - started

        output = _read_text(into / "output.txt")
        if timed_out:
            failure = Failure("timeout", f"timed out after {task.timeout:g} s and was killed")
            return Result(False, output, duration, _figures(into), failure, self.environment())
        try:
            report = json.loads((into / "report.json").read_text())
        except (FileNotFoundError, ValueError):
            if exit_code == 0:  # the snippet ended itself with os._exit(0)
                return Result(True, output, duration, _figures(into), None, self.environment())
            failure = Failure("crash", f"the snippet process died (exit code {exit_code})")
            return Result(False, output, duration, _figures(into), failure, self.environment())
        failure = Failure(**report["failure"]) if report["failure"] else None
        return Result(failure is None, output, duration, _figures(into), failure, self.environment())

    def run_many(self, tasks: list[Task], into: list[Path], progress: bool = False) -> list[Result]:
        """Run independent snippets in parallel, ``jobs`` at a time, keeping the given order."""
        from tqdm import tqdm

        if tasks:
            self.environment()  # probe once, before the parallel runs
        bar = tqdm(total=len(tasks), desc="snippets", unit="snippet", disable=not progress or not tasks,
                   file=sys.stderr, dynamic_ncols=True)

        def one(pair: tuple[Task, Path]) -> Result:
            result = self.run(*pair)
            bar.set_postfix_str(pair[0].display_name, refresh=False)
            bar.update()
            return result

        try:
            with ThreadPoolExecutor(self.jobs) as pool:
                return list(pool.map(one, zip(tasks, into)))
        finally:
            bar.close()


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _figures(folder: Path) -> list[Path]:
    return sorted(folder.glob("figure-*.png"), key=lambda p: int(p.stem.split("-")[1]))


# ------------------------------------------------------------------------------------------------
# Everything below runs in the forked child.
# ------------------------------------------------------------------------------------------------


def _isolate(device: str, threads: int) -> None:
    """Make this process look like a fresh `python file.py` on the chosen device."""
    if device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = ""  # read by CUDA on its first use, which is after this
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GUARD_DIR), os.environ.get("PYTHONPATH")]))
    os.environ["TQDM_DISABLE"] = "1"
    os.environ["NO_COLOR"] = "1"

    from snippet_runner import netguard

    netguard.install()

    import random

    random.seed(0)
    try:
        import numpy

        numpy.random.seed(0)
    except ImportError:
        pass
    try:
        import torch

        torch.set_num_threads(threads)
        torch.manual_seed(0)
    except ImportError:
        pass


def _describe_environment() -> dict:
    import platform

    environment = {"python": platform.python_version(), "torch": None, "torchvision": None,
                   "device": "cpu", "device_name": platform.processor() or platform.machine()}
    try:
        import torch

        environment["torch"] = torch.__version__.split("+")[0]
        if torch.cuda.is_available():
            environment["device"] = "cuda"
            environment["device_name"] = torch.cuda.get_device_name(0)
    except ImportError:
        pass
    try:
        import torchvision

        environment["torchvision"] = torchvision.__version__.split("+")[0]
    except ImportError:
        pass
    return environment


def _probe_main(out: str, device: str) -> None:
    _isolate(device, 1)
    Path(out, "environment.json").write_text(json.dumps(_describe_environment()))


def _capture_figures(into: Path):
    """Save every open matplotlib figure as PNG, in the order the snippet made them."""
    import matplotlib.pyplot as plt

    counter = {"n": 0}

    def save_open_figures(*args, **kwargs) -> None:
        for number in plt.get_fignums():
            counter["n"] += 1
            figure = plt.figure(number)
            figure.savefig(into / f"figure-{counter['n']}.png", dpi=110, bbox_inches="tight",
                           metadata={"Software": None})
        plt.close("all")

    plt.show = save_open_figures  # a snippet's plt.show() captures instead of opening a window
    return save_open_figures


def _child_main(snippet: str, display_name: str, into: str, device: str, threads: int) -> None:
    import runpy
    import traceback

    out = Path(into)
    work = Path(tempfile.mkdtemp(prefix="snippet-"))
    script = work / Path(snippet).name
    shutil.copyfile(snippet, script)  # alone in an empty folder, as the rules promise

    log = os.open(out / "output.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)  # file descriptors, so C extensions and subprocesses are captured too
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)

    _isolate(device, threads)
    save_figures = None
    try:
        save_figures = _capture_figures(out)
    except ImportError:
        pass

    os.chdir(work)
    sys.argv = [script.name]
    # Like `python file.py`: the script's folder first on sys.path, then the interpreter's own
    # paths, but never the folder the runner was started from (no imports from the repo).
    site_paths = [p for p in sys.path[1:] if p and Path(p).resolve().is_relative_to(Path(sys.prefix).resolve())
                  or p and Path(p).resolve().is_relative_to(Path(sys.base_prefix).resolve())]
    sys.path[:] = [str(work), *site_paths]

    failure = None
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (None, 0):
            failure = {"kind": "exit", "message": f"SystemExit: {stop.code}", "line": _line_in(stop, script),
                       "traceback": ""}
            if not isinstance(stop.code, int):
                print(stop.code, file=sys.stderr)
    except BaseException as error:  # noqa: BLE001 - report everything, as python itself would
        text = "".join(traceback.format_exception(_from_script(error, script))).replace(str(script), display_name)
        sys.stderr.write(text)
        failure = {"kind": "exception", "message": f"{type(error).__name__}: {error}".strip(),
                   "line": _line_in(error, script), "traceback": text}
    finally:
        if save_figures is not None:
            try:
                save_figures()
            except Exception as error:  # noqa: BLE001
                print(f"[runner] could not save a figure: {error}", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os.chdir(out)
        shutil.rmtree(work, ignore_errors=True)
        # Warnings and tracebacks name the temporary folder; show the file as a reader's run would.
        log_path = out / "output.txt"
        log_path.write_bytes(log_path.read_bytes().replace(f"{work}/".encode(), b""))

    report = out / "report.json"
    report.with_suffix(".tmp").write_text(json.dumps({"failure": failure}))
    report.with_suffix(".tmp").replace(report)
    os._exit(0)  # skip interpreter teardown: threads a snippet left behind must not keep us alive


def _from_script(error: BaseException, script: Path) -> BaseException:
    """Drop the runner's own frames from the top of the traceback, as `python file.py` shows it."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != str(script):
        tb = tb.tb_next
    return error.with_traceback(tb) if tb is not None else error


def _line_in(error: BaseException, script: Path) -> int | None:
    import traceback

    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == str(script)]
    if not lines and isinstance(error, SyntaxError) and error.filename == str(script):
        return error.lineno
    return lines[-1] if lines else None
