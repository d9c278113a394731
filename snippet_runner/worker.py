"""A warm worker process that forks one child per snippet.

The worker (``snippet_runner.worker.serve``) imports torch, torchvision and matplotlib once
(see ``_preload``), then waits for requests on stdin. For each request it forks: the child runs
the snippet and exits; the worker answers with the child's pid at once and with its exit status
when it ends. A fork costs milliseconds, where a fresh interpreter costs seconds of imports.

Why not ``multiprocessing``'s forkserver: it re-imports ``__main__`` and pickles arguments and
results through its own pipes into the child, and gives no hook to run code in the child before
the target (own process group, stdin from /dev/null, other descriptors closed) — this one does
exactly those few things in ~80 lines.

The worker itself never runs a torch operation, so OpenMP's thread pool is first created in
each child, after the fork (it does not survive one). Children get /dev/null as stdin and none of
the worker's other descriptors: a snippet cannot read or write the worker's command pipe.

Protocol: one JSON object per line. Requests ``{"id": n, "call": "child.main", "args": [...]}``;
answers ``{"id": n, "pid": p}`` and later ``{"pid": p, "exit": code}``.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import threading

from . import processes

ANSWER_TIMEOUT = 120.0  # seconds to wait for the worker's answer to a request (it starts in ~5 s)


# -- the worker process ---------------------------------------------------------------------------

def serve() -> None:
    processes.become_subreaper()  # orphans of finished snippets come back here and are reaped
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the client's to handle; it ends us
    channel = os.fdopen(os.dup(1), "wb", buffering=0)  # answers go here, not to stdout
    os.dup2(2, 1)  # stray prints of imported modules must not corrupt the protocol

    import snippet_runner._preload  # noqa: F401  (the expensive imports, once)

    running: set[int] = set()

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
            if pid in running:  # not an orphan re-parented to us
                running.discard(pid)
                # A snippet that crashed cannot clean up after itself: what it started comes back
                # to us (we are a subreaper), and anything below us that is not a running snippet
                # is such a leftover.
                for orphan in processes.children(os.getpid()):
                    if orphan not in running:
                        processes.kill_tree(orphan)
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
            _become_child(channel)
            code = 1
            try:
                function(*request["args"])
                code = 0
            finally:
                os._exit(code)
        running.add(pid)
        try:
            os.setpgid(pid, pid)
        except OSError:  # the child already did it (or is gone)
            pass
        send({"id": request["id"], "pid": pid})
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
    # The client is gone (it closed its end of the pipe, or it died): take every running snippet
    # with us, so nothing a build started outlives it.
    for pid in list(running):
        processes.kill_tree(pid)
    os._exit(0)  # now, without the seconds an interpreter with torch loaded takes to tear down


def _become_child(channel) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
    os.setpgid(0, 0)  # its own process group: a timeout ends it and all it started
    channel.close()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # no standard input: input() fails at once instead of reading our requests
    os.close(null)
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    os.closerange(3, 1 << 16)  # none of the worker's pipes or files


# -- the client, in the process that runs the build or the tests --------------------------------

class WorkerError(RuntimeError):
    """The worker died or did not answer in time."""


class WorkerClient:
    """Starts the worker on first use and talks to it; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._next_id = 0
        self._pids: dict[int, dict] = {}  # request id -> {"event", "pid"}
        self._exits: dict[int, dict] = {}  # pid -> {"event", "code"}

    def _start(self) -> None:
        # A fixed hash seed: set and dict orders of strings are the same in every snippet run.
        env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from snippet_runner.worker import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )
        ready = self._process.stdout.readline()
        if not ready:
            raise WorkerError("the snippet worker could not start")
        threading.Thread(target=self._listen, args=(self._process,), daemon=True).start()

    def _listen(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            message = json.loads(line)
            with self._lock:
                if "id" in message:
                    waiter = self._pids.pop(message["id"], None)
                    if waiter is not None:
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

    def spawn(self, call: str, *args, timeout: float = ANSWER_TIMEOUT) -> int:
        """Fork a child running ``snippet_runner.<call>(*args)``; returns its pid."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            self._next_id += 1
            request_id = self._next_id
            waiter = {"event": threading.Event()}
            self._pids[request_id] = waiter
            self._process.stdin.write(json.dumps({"id": request_id, "call": call, "args": args}).encode() + b"\n")
            self._process.stdin.flush()
        if not waiter["event"].wait(timeout):
            with self._lock:
                self._pids.pop(request_id, None)
            raise WorkerError(f"the snippet worker did not answer a request within {timeout:g} s")
        if waiter.get("pid") is None:
            raise WorkerError("the snippet worker died")
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
        """End a child and everything it started, however detached."""
        processes.kill_tree(pid)

    def close(self) -> None:
        """Stop the worker (its running children go with it)."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.stdin.close()  # the worker kills its running children when it sees the end
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
