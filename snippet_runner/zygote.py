"""Zygotes for the reader's run: each snippet's leading import lines run once, then fork.

A reader's ``python file.py`` spends most of a short snippet's run starting Python and importing
torch, torchvision, sklearn or matplotlib (2-6 s on two cores). Those lines are the same in many
snippets. A zygote is a plain interpreter, started exactly as a reader's (``python <script>``, the
reader's environment, an empty working folder), that has run some leading import lines in a
``__main__`` of its own; a zygote for one more line is forked from it and runs that line. A snippet
whose import lines are exactly a zygote's, in the same order, runs in a child forked from it: the
child is given the file's folder, ``sys.argv``, ``sys.path[0]`` and ``__file__`` as ``python
file.py`` sets them, and runs the whole file, whose import lines then find their modules loaded,
as they would be at that point of a plain run. So from the first line that is not an import on,
the child runs in the state a plain run reaches there. What is shared is only what those lines
did; a fork copies no other thread, so an import line that starts a thread (Python's or a native
library's, other than OpenBLAS's pool, which stops itself before a fork) gets no zygote, and the
snippets below it run as plain processes (``_zygote_server.threads_a_fork_would_lose``).

Differences that remain, none of which a snippet here depends on: the process id; the zygote's
own start-up file (``_zygote_server.py``, which imports only modules a plain start with the network
guard already has); global random state that an import seeded from the operating system's entropy
(numpy's legacy generator: the same draw for all snippets of a zygote, still one fair draw; Python's
``random`` is reseeded in every child by CPython); and what the import lines printed, which is
replayed at the top of the snippet's output.

The time a reader waits includes the imports: a run's duration is the import lines' time (as the
zygotes measured it) plus the child's own, and its time limit counts both.

Zygotes form a tree keyed on the exact text of the import lines. Only zygotes that a snippet still
to run needs are kept; each ends once its last snippet has started.
"""

from __future__ import annotations

import ast
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SERVER = Path(__file__).resolve().parent / "_zygote_server.py"
START_TIMEOUT_S = 120.0  # an import line (or the first interpreter) that takes longer is given up


class Unavailable(Exception):
    """No zygote for these lines: the snippet runs as a plain process."""


def import_lines(source: str | bytes) -> tuple[str, ...] | None:
    """The file's leading top-level import statements, each as its exact source text: after an
    optional module docstring, every ``import``/``from ... import`` up to the first other
    statement. None when the file does not parse (a plain run shows the error)."""
    text = source.decode() if isinstance(source, bytes) else source
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError):
        return None
    start = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
        and isinstance(body[0].value.value, str) else 0
    lines = []
    for statement in body[start:]:
        if not isinstance(statement, (ast.Import, ast.ImportFrom)) or getattr(statement, "level", 0):
            break
        lines.append(ast.get_source_segment(text, statement))
    return tuple(lines)


def top_names(lines: tuple[str, ...]) -> set[str]:
    """The top-level module names the import lines load."""
    names = set()
    for line in lines:
        statement = ast.parse(line).body[0]
        if isinstance(statement, ast.Import):
            names.update(alias.name.split(".")[0] for alias in statement.names)
        elif statement.module:
            names.add(statement.module.split(".")[0])
    return names


def named_imports(line: str) -> list[list]:
    """An import line as [[module, names or None], ...]: what it asks Python to load."""
    statement = ast.parse(line).body[0]
    if isinstance(statement, ast.Import):
        return [[alias.name, None] for alias in statement.names]
    return [[statement.module, [alias.name for alias in statement.names]]]


def why_plain(path: Path, lines: tuple[str, ...] | None) -> str | None:
    """Why this file must run as a plain process rather than from a zygote, or None."""
    if lines is None:
        return "it does not parse"
    if not lines:
        return "it imports nothing first"
    if path.stem in top_names(lines) or "__future__" in top_names(lines):
        # A plain run would find the file itself under that name (its folder is sys.path[0]);
        # a __future__ import changes how the file compiles, not what runs first.
        return f"its name shadows a module it imports ({path.stem})" if path.stem in top_names(lines) \
            else "it starts with a __future__ import"
    return None


@dataclass
class _Zygote:
    lines: tuple[str, ...]
    pid: int
    command: int  # our write end of its FIFO (opened read-write: never blocks)
    seconds: float  # the import lines' time along the path to it
    output: str  # what they printed
    users: int = 0  # snippets still to start from it or below it


@dataclass
class _Waiter:
    event: threading.Event = field(default_factory=threading.Event)
    reply: dict | None = None


class Zygotes:
    """A tree of zygotes for one reader's run. ``prepare(all_lines)`` says which snippets will come;
    ``run(...)`` runs one (from any thread); ``close()`` ends every zygote."""

    def __init__(self, python: str, env: dict) -> None:
        self.python = python
        self.env = dict(env)
        self.control = Path(tempfile.mkdtemp(prefix="reader-zygotes-"))
        self.home = Path(tempfile.mkdtemp(prefix="reader-zygote-"))  # the zygotes' empty working folder
        shutil.copyfile(SERVER, self.control / SERVER.name)
        self._replies_path = self.control / "replies"
        os.mkfifo(self._replies_path)
        self._replies = os.open(self._replies_path, os.O_RDWR)
        self._tokens = itertools.count()
        self._lock = threading.Lock()  # the waiters (held briefly: the reading thread needs it)
        self._tree = threading.Lock()  # the zygotes (held while one is made)
        self._users: dict[tuple[str, ...], int] = {}
        self._loaded_at_start: dict[str, bool] = {}  # import line: loads nothing in a plain start
        self._waiters: dict[str, _Waiter] = {}
        self._exits: dict[int, _Waiter] = {}
        self._zygotes: dict[tuple[str, ...], _Zygote] = {}
        self._refused: dict[tuple[str, ...], str] = {}
        self._reading = threading.Thread(target=self._read, daemon=True, name="zygote-replies")
        self._reading.start()
        self.root_process: subprocess.Popen | None = None
        self.started_seconds = 0.0  # time spent making zygotes

    # -- the reply FIFO ----------------------------------------------------------------------------

    def _read(self) -> None:
        buffered = b""
        while True:
            try:
                chunk = os.read(self._replies, 65536)
            except OSError:
                return
            if not chunk:
                return
            buffered += chunk
            if b'{"stop": true}\n' in buffered:
                return
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                try:
                    reply = json.loads(line)
                except ValueError:
                    continue
                with self._lock:
                    if "exit" in reply:
                        waiter = self._exits.setdefault(reply["exit"], _Waiter())
                    else:
                        waiter = self._waiters.setdefault(f"{reply['token']}:{'pid' in reply}", _Waiter())
                waiter.reply = reply
                waiter.event.set()

    def _await(self, key: str, alive, timeout: float = START_TIMEOUT_S) -> dict:
        with self._lock:
            waiter = self._waiters.setdefault(key, _Waiter())
        deadline = time.monotonic() + timeout
        while not waiter.event.wait(0.2):
            if not alive() or time.monotonic() > deadline:
                raise Unavailable("a zygote ended without replying" if not alive() else "a zygote did not reply")
        with self._lock:
            self._waiters.pop(key, None)
        return waiter.reply

    # -- the tree ----------------------------------------------------------------------------------

    def key(self, lines: tuple[str, ...]) -> tuple[str, ...]:
        """The zygote for a file with these import lines: the lines that load a module, in order.
        A line that only names modules a plain start has already loaded (``import os``, ``from
        collections import Counter``) loads nothing, so it binds the same names wherever it runs:
        the child runs it, with the rest of the file, and no zygote need be made for it."""
        with self._tree:
            unknown = sorted({line for line in lines if line not in self._loaded_at_start})
            if unknown:
                root = self._root()
                token = str(next(self._tokens))
                out = self.control / f"loaded-{token}.json"
                self._send(root, {"op": "loaded", "token": token, "out": str(out),
                                  "imports": [named_imports(line) for line in unknown]})
                self._await(f"{token}:False", lambda: _alive(root.pid))
                self._loaded_at_start.update(zip(unknown, json.loads(out.read_text())))
            return tuple(line for line in lines if not self._loaded_at_start[line])

    def prepare(self, keys: list[tuple[str, ...]]) -> None:
        """Count, for each zygote, the snippets (by ``key``) that will start from it or below it."""
        with self._tree:
            for lines in keys:
                for depth in range(len(lines) + 1):
                    self._users[lines[:depth]] = self._users.get(lines[:depth], 0) + 1

    def _send(self, zygote: _Zygote, request: dict) -> None:
        os.write(zygote.command, (json.dumps(request) + "\n").encode())

    def _fifo(self) -> tuple[str, int]:
        path = self.control / f"cmd-{next(self._tokens)}"
        os.mkfifo(path)
        return str(path), os.open(path, os.O_RDWR)

    def _root(self) -> _Zygote:
        if () in self._zygotes:
            return self._zygotes[()]
        path, command = self._fifo()
        started = time.perf_counter()
        self.root_process = subprocess.Popen(
            [self.python, str(self.control / SERVER.name), path, str(self._replies_path)], cwd=self.home,
            env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.control / "root.stderr", "wb"), start_new_session=True)
        process = self.root_process
        self._await("root:False", lambda: process.poll() is None)
        self.started_seconds += time.perf_counter() - started
        root = _Zygote((), process.pid, command, 0.0, "")
        self._zygotes[()] = root
        return root

    def _zygote(self, lines: tuple[str, ...]) -> _Zygote:
        """The zygote that has run exactly these lines, made (with those above it) if needed."""
        if not lines:
            return self._root()
        if lines in self._zygotes:
            return self._zygotes[lines]
        if lines in self._refused:
            raise Unavailable(self._refused[lines])
        parent = self._zygote(lines[:-1])
        path, command = self._fifo()
        token = str(next(self._tokens))
        started = time.perf_counter()
        self._send(parent, {"op": "extend", "token": token, "statement": lines[-1], "cmd": path})
        pid = self._await(f"{token}:True", lambda: _alive(parent.pid))["pid"]
        ready = self._await(f"{token}:False", lambda: _alive(pid))
        self.started_seconds += time.perf_counter() - started
        report = Path(path + ".output").read_text(errors="replace")
        if not ready.get("ready"):
            os.close(command)
            self._refused[lines] = f"no zygote after its import line {lines[-1]!r}: {report.strip()[-300:]}"
            raise Unavailable(self._refused[lines])
        zygote = _Zygote(lines, pid, command, parent.seconds + ready["seconds"], parent.output + report)
        self._zygotes[lines] = zygote
        return zygote

    def _release(self, lines: tuple[str, ...]) -> None:
        """One snippet below these zygotes has started: end those no later snippet needs."""
        for depth in range(len(lines), -1, -1):
            prefix = lines[:depth]
            self._users[prefix] = self._users.get(prefix, 1) - 1
            zygote = self._zygotes.get(prefix)
            if zygote is not None and self._users[prefix] <= 0:
                self._send(zygote, {"op": "quit"})
                os.close(zygote.command)
                del self._zygotes[prefix]

    # -- a run -------------------------------------------------------------------------------------

    def start(self, lines: tuple[str, ...], path: Path, log: Path) -> tuple[int, float, str, float]:
        """Fork the snippet at ``path`` (alone in its folder) from the zygote ``lines`` (its ``key``),
        its output to ``log``; returns its pid, the import lines' seconds, what they printed, and
        ``time.perf_counter()`` just before the fork was asked for. Raises Unavailable."""
        with self._tree:
            try:
                zygote = self._zygote(lines)
                token = str(next(self._tokens))
                asked = time.perf_counter()
                self._send(zygote, {"op": "run", "token": token, "path": str(path), "log": str(log)})
                pid = self._await(f"{token}:True", lambda: _alive(zygote.pid))["pid"]
            finally:
                self._release(lines)
        return pid, zygote.seconds, zygote.output, asked

    def wait(self, pid: int, timeout: float | None) -> int | None:
        """The snippet's return code as subprocess reports it; None if it was killed at ``timeout``."""
        with self._lock:
            waiter = self._exits.setdefault(pid, _Waiter())
        if not waiter.event.wait(None if timeout is None else max(timeout, 0.0)):
            kill_group(pid)
            waiter.event.wait(30)
            with self._lock:
                self._exits.pop(pid, None)
            return None
        with self._lock:
            self._exits.pop(pid, None)
        kill_group(pid)  # what it left running in its session (a daemon) ends with it
        return waiter.reply["returncode"]

    def close(self) -> None:
        with self._tree:
            for zygote in self._zygotes.values():
                try:
                    os.close(zygote.command)
                except OSError:
                    pass
            self._zygotes.clear()
            if self.root_process is not None:
                kill_group(self.root_process.pid)
                self.root_process.wait()
        os.write(self._replies, b'{"stop": true}\n')  # ends the reading thread
        self._reading.join(5)
        os.close(self._replies)
        shutil.rmtree(self.control, ignore_errors=True)
        shutil.rmtree(self.home, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie does not: where nothing reaps orphans, one stays)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            return file.read().rpartition(b")")[2].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
