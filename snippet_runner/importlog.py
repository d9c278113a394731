"""Record, as they happen, the top-level modules a snippet imports: in its own process and in every
Python subprocess it starts (through ``_subprocess_guard/sitecustomize.py``).

Each new name is appended at once to a log in the run's output folder, which the parent reads
after the run: nothing is lost when a snippet ends with ``os._exit`` or is killed, and an import
made only in a subprocess counts. Two sources: an audit hook (``sys.addaudithook``: every module
actually loaded, however it is imported) and the import statements of the snippet itself (the
modules the worker preloaded are already loaded, so loading them raises no audit event).
"""

from __future__ import annotations

import os
import sys

ENV = "SNIPPET_RUNNER_IMPORT_LOG"  # the log's path, for the subprocesses' sitecustomize

_seen: set[str] = set()
_log: list[str] = []


def record(name: str) -> None:
    top = name.partition(".")[0] if isinstance(name, str) else ""
    if not top or top in _seen or not _log or top == "snippet_runner":
        return
    _seen.add(top)
    try:
        fd = os.open(_log[0], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (top + "\n").encode())
        finally:
            os.close(fd)
    except OSError:
        pass


def _audit(event: str, args: tuple) -> None:
    if event == "import" and args:
        record(args[0])


def install(path: str) -> None:
    """From now on, this process appends each top-level module it loads to ``path``."""
    if _log:
        return
    _log.append(str(path))
    os.environ[ENV] = str(path)
    sys.addaudithook(_audit)


def read(path) -> set[str]:
    """The names a run recorded (the parent's side)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return {line.strip() for line in handle if line.strip().isidentifier()}
    except OSError:
        return set()
