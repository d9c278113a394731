"""What runs inside the forked snippet process: make it look like ``python file.py`` in an empty
folder, run the file, and leave a report for the parent.

The worker forks, then calls :func:`main` (or :func:`probe`). Nothing here returns: the process
ends with ``os._exit`` after writing ``report.json``, so threads a snippet left behind cannot keep
it alive, and every process it started is killed first.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

from . import importlog, processes

GUARD_DIR = Path(__file__).parent / "_subprocess_guard"


def _isolate(device: str, threads: int) -> None:
    """Make this process look like a fresh `python file.py` on the chosen device."""
    if device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = ""  # read by CUDA on its first use, which is after this
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GUARD_DIR), os.environ.get("PYTHONPATH")]))
    os.environ["TQDM_DISABLE"] = "1"
    os.environ["NO_COLOR"] = "1"

    from . import netguard

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


def describe_environment() -> dict:
    """Python and the device a snippet sees: CUDA when torch is installed and sees a GPU (the runner's
    ``gpu`` marker), else the CPU. Versions of the course's distributions are recorded by the parent."""
    import platform

    environment = {"python": platform.python_version(), "device": "cpu",
                   "device_name": platform.processor() or platform.machine()}
    try:
        import torch

        if torch.cuda.is_available():
            environment["device"] = "cuda"
            environment["device_name"] = torch.cuda.get_device_name(0)
    except ImportError:
        pass
    return environment


def probe(run: str, device: str) -> None:
    _isolate(device, 1)
    Path(run, "out", "environment.json").write_text(json.dumps(describe_environment()))


def _capture_figures(into: Path, titles: list[str]):
    """Save every open matplotlib figure as PNG, in the order the snippet made them."""
    import matplotlib.pyplot as plt

    from . import figures

    chinese: list[dict] = []

    def save_open_figures(*args, **kwargs) -> None:
        for number in plt.get_fignums():
            figure = plt.figure(number)
            titles.append(_title(figure))
            figure.savefig(into / f"figure-{len(titles)}.png", dpi=110, bbox_inches="tight",
                           metadata={"Software": None})
            try:  # the same figure, its text in Chinese, for the /zh/ pages (figures.py)
                chinese.append(figures.save_chinese(figure, into / f"figure-{len(titles)}.zh.png", dpi=110,
                                                    bbox_inches="tight", metadata={"Software": None}))
            except Exception as error:  # noqa: BLE001 - the English figure stands; the record says why
                chinese.append({"texts": {}, "tofu": [], "error": f"{type(error).__name__}: {error}"})
            figures.write_record(into, chinese)
        plt.close("all")

    plt.show = save_open_figures  # a snippet's plt.show() captures instead of opening a window
    return save_open_figures


def _title(figure) -> str:
    """The figure's own words for itself: its suptitle, else its axes' titles."""
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        return suptitle.get_text().strip()
    titles = [ax.get_title().strip() for ax in figure.axes if ax.get_title().strip()]
    return "; ".join(titles[:4])


def _track_imports() -> None:
    """Record every import from now on: the snippet's import statements and import_module calls
    (modules the worker preloaded raise no audit event), and, through the audit hook, every module
    loaded (see importlog). A package located with ``importlib.util.find_spec`` counts too: a snippet
    reads data files shipped inside a package that way without importing it, and its result depends
    on that package's version all the same."""
    original_import, original_import_module = builtins.__import__, importlib.import_module
    original_find_spec = importlib.util.find_spec

    def tracked_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name:
            importlog.record(name)
        return original_import(name, globals, locals, fromlist, level)

    def tracked_import_module(name, package=None):
        if not name.startswith("."):
            importlog.record(name)
        return original_import_module(name, package)

    def tracked_find_spec(name, package=None):
        if isinstance(name, str) and not name.startswith("."):
            importlog.record(name)
        return original_find_spec(name, package)

    builtins.__import__ = tracked_import
    importlib.import_module = tracked_import_module
    importlib.util.find_spec = tracked_find_spec


def main(source: str, display_name: str, run: str, device: str, threads: int, checks=()) -> None:
    """Run the snippet whose bytes are ``source`` (base64: the exact bytes the parent keyed its
    result on) as ``display_name``, in the run folder ``run`` (work/, tmp/, out/); then, if it ran
    without error, the course's ``checks`` ((name, source) pairs: results.Policy) on what it left."""
    import base64
    import runpy

    run_dir = Path(run)
    out, work, temp = run_dir / "out", run_dir / "work", run_dir / "tmp"
    work.mkdir()
    temp.mkdir()
    script = work / Path(display_name).name
    script.write_bytes(base64.b64decode(source))  # alone in an empty folder, as the rules promise
    processes.become_subreaper()  # whatever it starts, however detached, stays below us

    output = out / "output.txt"
    log = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
    os.dup2(log, 1)  # file descriptors, so C extensions and subprocesses are captured too
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)

    user_paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)  # before the runner adds its guard
    _isolate(device, threads)
    os.environ["TMPDIR"] = str(temp)  # tempfile's folder: removed with the run, however it ends
    tempfile.tempdir = None
    titles: list[str] = []
    save_figures = None
    try:
        save_figures = _capture_figures(out, titles)
    except ImportError:
        pass

    os.chdir(work)
    sys.argv = [script.name]
    # Like `python file.py`: the script's folder first on sys.path, then the interpreter's own
    # paths, but never the folder the runner was started from (no imports from the repo).
    # PYTHONPATH is honoured, as python itself would.
    prefixes = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    site_paths = [p for p in sys.path[1:] if p and any(Path(p).resolve().is_relative_to(x) for x in prefixes)]
    sys.path[:] = [str(work), *filter(None, user_paths), *site_paths]

    failure, namespace = None, None
    importlog.install(str(out / "imports.log"))
    _track_imports()
    try:
        namespace = runpy.run_path(str(script), run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (None, 0):
            failure = {"kind": "exit", "message": f"SystemExit: {stop.code}", "line": _line_in(stop, script)}
            if not isinstance(stop.code, int):
                _append(output, f"{stop.code}\n")
    except BaseException as error:  # noqa: BLE001 - report everything, as python itself would
        text = "".join(_readers_traceback(_from_script(error, script)).format()).replace(str(script), display_name)
        failure = {"kind": "exception", "message": f"{type(error).__name__}: {error}".strip(),
                   "line": _line_in(error, script)}
        _flush()
        _append(output, text)  # by its path: the snippet may have closed its stdout and stderr
    report = {"failure": failure, "figure_titles": titles, "checks": {}}
    try:
        if save_figures is not None:
            try:
                save_figures()
            except Exception as error:  # noqa: BLE001
                _flush()
                _append(output, f"[runner] could not save a figure: {error}\n")
        report["figure_titles"] = titles
        if namespace is not None and failure is None:
            report["checks"] = run_checks(checks, namespace)
    finally:
        _flush()
        processes.kill_descendants(os.getpid())  # nothing it started outlives it
        os.chdir(run_dir)
        staging = out / "report.json.tmp"
        staging.write_text(json.dumps(report))
        staging.replace(out / "report.json")
    os._exit(0)  # skip interpreter teardown: threads a snippet left behind must not keep us alive


def run_checks(checks, namespace: dict) -> dict:
    """Each check's finding on the snippet's module-level names: name -> what its ``check(namespace)``
    returned, or ``{"error": ...}`` when the check itself failed or returned what JSON cannot hold."""
    import types

    found = {}
    for name, source in checks:
        module = types.ModuleType(f"snippet_check_{name}")
        try:
            exec(compile(source, f"<course check {name}>", "exec"), module.__dict__)  # noqa: S102 - the course's own code
            value = module.check(dict(namespace))
            json.dumps(value)
        except Exception as error:  # noqa: BLE001 - a broken check is reported, not the snippet's failure
            value = {"error": f"{type(error).__name__}: {error}"}
        found[name] = value
    return found


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # closed by the snippet
            pass


def _append(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, text.encode("utf-8", errors="replace"))
    finally:
        os.close(fd)


def _from_script(error: BaseException, script: Path) -> BaseException:
    """Drop the runner's own frames from the top of the traceback, as `python file.py` shows it."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != str(script):
        tb = tb.tb_next
    return error.with_traceback(tb) if tb is not None else error


def _readers_traceback(error: BaseException):
    """The traceback as `python file.py` would print it: without this module's import-tracking frames."""
    import traceback

    report = traceback.TracebackException.from_exception(error)
    pending, seen = [report], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        current.stack = traceback.StackSummary.from_list([f for f in current.stack if f.filename != __file__])
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return report


def _line_in(error: BaseException, script: Path) -> int | None:
    import traceback

    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == str(script)]
    if not lines and isinstance(error, SyntaxError) and error.filename == str(script):
        return error.lineno
    return lines[-1] if lines else None


