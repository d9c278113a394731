"""A warm worker process that forks one child per snippet.

The worker (``snippet_runner.worker.serve``) imports torch, torchvision and matplotlib once
(see ``_preload``), then waits for requests on stdin. For each request it forks: the child runs
the snippet and exits; the worker answers with the child's pid at once and with its exit status
when it ends. A fork costs milliseconds, where a fresh interpreter costs seconds of imports.

The worker itself never runs a torch operation, so OpenMP's thread pool is first created in
each child, after the fork (it does not survive one).

Protocol: one JSON object per line. Requests ``{"id": n, "call": "execute._child_main",
"args": [...]}``; answers ``{"id": n, "pid": p}`` and later ``{"pid": p, "exit": code}``.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import threading


# -- the worker process ---------------------------------------------------------------------------

def serve() -> None:
    channel = os.fdopen(os.dup(1), "wb", buffering=0)  # answers go here, not to stdout
    os.dup2(2, 1)  # stray prints of imported modules must not corrupt the protocol

    import snippet_runner._preload  # noqa: F401  (the expensive imports, once)

    def send(message: dict) -> None:
        channel.write(json.dumps(message).encode() + b"\n")

    def reap(signum, frame) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            send({"pid": pid, "exit": os.waitstatus_to_exitcode(status)})

    signal.signal(signal.SIGCHLD, reap)
    send({"ready": True})
    for line in sys.stdin.buffer:
        request = json.loads(line)
        module_name, function_name = request["call"].rsplit(".", 1)
        function = getattr(importlib.import_module(f"snippet_runner.{module_name}"), function_name)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})  # answer with the pid before its exit
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
            os.setpgid(0, 0)  # its own process group: a timeout ends it and all it started
            channel.close()
            code = 1
            try:
                function(*request["args"])
                code = 0
            finally:
                os._exit(code)
        try:
            os.setpgid(pid, pid)
        except OSError:  # the child already did it (or is gone)
            pass
        send({"id": request["id"], "pid": pid})
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})


# -- the client, in the process that runs the build or the tests --------------------------------

class WorkerClient:
    """Starts the worker on first use and talks to it; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._next_id = 0
        self._pids: dict[int, dict] = {}  # request id -> {"event", "pid"}
        self._exits: dict[int, dict] = {}  # pid -> {"event", "code"}

    def _start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from snippet_runner.worker import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "MPLBACKEND": "Agg"},
        )
        ready = self._process.stdout.readline()
        if not ready:
            raise RuntimeError("the snippet worker could not start")
        threading.Thread(target=self._listen, args=(self._process,), daemon=True).start()

    def _listen(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            message = json.loads(line)
            with self._lock:
                if "id" in message:
                    waiter = self._pids.pop(message["id"])
                    waiter["pid"] = message["pid"]
                    waiter["event"].set()
                else:
                    waiter = self._exits.setdefault(message["pid"], {"event": threading.Event()})
                    waiter["code"] = message["exit"]
                    waiter["event"].set()
        # The worker died: nobody will report on the children it had.
        with self._lock:
            for waiter in [*self._pids.values(), *self._exits.values()]:
                waiter.setdefault("code", None)
                waiter["event"].set()
            self._pids.clear()
            if self._process is process:
                self._process = None

    def spawn(self, call: str, *args) -> int:
        """Fork a child running ``snippet_runner.<call>(*args)``; returns its pid."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            self._next_id += 1
            waiter = {"event": threading.Event()}
            self._pids[self._next_id] = waiter
            self._process.stdin.write(json.dumps({"id": self._next_id, "call": call, "args": args}).encode() + b"\n")
            self._process.stdin.flush()
        waiter["event"].wait()
        if waiter.get("pid") is None:
            raise RuntimeError("the snippet worker died")
        with self._lock:
            self._exits.setdefault(waiter["pid"], {"event": threading.Event()})
        return waiter["pid"]

    def wait(self, pid: int, timeout: float | None) -> tuple[bool, int | None]:
        """Wait for a child: (finished in time, exit code)."""
        with self._lock:
            waiter = self._exits.setdefault(pid, {"event": threading.Event()})
        finished = waiter["event"].wait(timeout)
        if finished:
            with self._lock:
                self._exits.pop(pid, None)
        return finished, waiter.get("code")

    @staticmethod
    def kill(pid: int) -> None:
        """End a child and everything it started (its process group)."""
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

