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

import atexit
import importlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from . import processes

ANSWER_TIMEOUT = 120.0  # seconds to wait for the worker's answer to a request (it starts in ~5 s)


# -- the worker process ---------------------------------------------------------------------------

def serve() -> None:
    parent = os.getppid()
    processes.die_with_parent()  # Ctrl-C while we still import torch: the client's exit ends us at once
    if os.getppid() != parent:  # the client is already gone
        os._exit(1)
    processes.become_subreaper()  # orphans of finished snippets come back here and are reaped
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the client's to handle; it ends us
    channel = os.fdopen(os.dup(1), "wb", buffering=0)  # answers go here, not to stdout
    os.dup2(2, 1)  # stray prints of imported modules must not corrupt the protocol

    from snippet_runner import _preload

    _preload.load(json.loads(sys.argv[2]) if len(sys.argv) > 2 else [])  # the expensive imports, once

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
    # What each preloaded package's own import asked for: the parent counts it for a snippet that
    # imports the package (it used all of that, even though the import happened before the fork).
    send({"ready": True, "requested": {name: sorted(asked) for name, asked in _preload.REQUESTED.items()}})
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
    """Starts the worker on first use (in the sandbox, where it can run) and talks to it; thread-safe.

    Children are named by the pid the worker gives them (inside the sandbox, a pid of its own PID
    namespace); :meth:`host_pid` translates it for measuring and killing from out here.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._starting: subprocess.Popen | None = None
        self._aborted = False  # Ctrl-C: no worker starts until the next run allows it
        self._next_id = 0
        self._next_run = 0
        self._pids: dict[int, dict] = {}  # request id -> {"event", "pid"}
        self._exits: dict[int, dict] = {}  # pid -> {"event", "code"}
        self._hosts: dict[int, int] = {}  # pid in the worker's namespace -> pid here
        self._runs: Path | None = None
        self._worker_pid: int | None = None
        self.sandboxed = False
        self.requested: dict[str, list[str]] = {}  # from the worker: what each preloaded package imported
        self.preload: tuple[str, ...] = ()  # modules the worker imports before forking (the site's course says)

    # -- where runs happen --------------------------------------------------------------------------

    @property
    def runs(self) -> Path:
        """The one folder the sandbox may write to: a folder per run (its work, temp and output)."""
        if self._runs is None:
            self._runs = Path(tempfile.mkdtemp(prefix="snippet-runs-"))
            atexit.register(shutil.rmtree, self._runs, True)
        return self._runs

    def new_run(self) -> Path:
        with self._lock:
            self._next_run += 1
            folder = self.runs / f"run-{os.getpid()}-{self._next_run}"
        (folder / "out").mkdir(parents=True)
        return folder

    # -- starting and stopping ---------------------------------------------------------------------

    def _start(self) -> None:
        from . import sandbox

        home = self.runs / "home"
        home.mkdir(exist_ok=True)
        _copy_font_cache(home / "matplotlib")  # matplotlib's font list, so the worker does not rebuild it
        # A fixed hash seed: set and dict orders of strings are the same in every snippet run.
        extra = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
        if os.environ.get("SNIPPETS_FIGURE_TEXT"):  # another folder of figure text (snippet_runner/figures.py)
            extra["SNIPPETS_FIGURE_TEXT"] = os.environ["SNIPPETS_FIGURE_TEXT"]
        env = sandbox.environment(home, extra)
        argv = [sys.executable, "-c", "from snippet_runner.worker import serve; serve()", str(self.runs),
                json.dumps(list(self.preload))]
        missing = sandbox.unavailable()
        if missing is None:
            argv = sandbox.command(argv, self.runs, env)
        else:
            _warn_once(f"snippets run without the sandbox: {missing}; they get the Python-level network "
                       "guard and the process-tree cleanup only (see snippet_runner/sandbox.py)")
        self.sandboxed = missing is None
        process = _popen_from_a_lasting_thread(argv, env)
        self._starting = process
        try:
            ready = process.stdout.readline()
        except BaseException:  # Ctrl-C while it imports torch: it must not run on until that ends
            process.kill()
            process.wait()
            raise
        finally:
            self._starting = None
        if not ready:
            process.kill()
            process.wait()
            raise WorkerError("the snippet worker could not start")
        self.requested = json.loads(ready).get("requested", {})
        self._process = process
        self._hosts.clear()
        below = processes.descendants(process.pid) if self.sandboxed else []
        self._worker_pid = below[-1] if below else process.pid  # bwrap -> its init -> the worker
        threading.Thread(target=self._listen, args=(process,), daemon=True).start()

    def warm_up(self) -> None:
        """Start the worker now, in the background, unless it runs or is starting: its seconds of
        imports then overlap with what the caller still does (collecting pages, cache lookups)."""
        def start() -> None:
            with self._lock:
                if (self._process is None or self._process.poll() is not None) and not self._aborted:
                    try:
                        self._start()
                    except Exception:  # noqa: BLE001 - the first spawn tries again and reports it
                        pass

        if self._process is None and self._starting is None:
            threading.Thread(target=start, name="snippet-worker-warm-up", daemon=True).start()

    def abort_start(self) -> None:
        """Ctrl-C while the worker still imports torch: end it now (not when its imports are done),
        and start no other until :meth:`allow_start`."""
        self._aborted = True
        process = self._starting
        if process is not None:
            process.kill()

    def allow_start(self) -> None:
        self._aborted = False

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
                    waiter = self._exit_waiter(message["pid"], process)
                    waiter["code"] = message["exit"]
                    waiter["event"].set()
        # The worker died: nobody will report on the children it had. Only its own: a worker
        # started after it (close(), then a new run) has requests of its own, and this end can
        # come late, since the lock it needs is held while the next worker imports torch.
        with self._lock:
            for request_id, waiter in list(self._pids.items()):
                if waiter["process"] is process:
                    del self._pids[request_id]
                    waiter["event"].set()
            for waiter in self._exits.values():
                if waiter.get("process") is process:
                    waiter.setdefault("code", None)
                    waiter["event"].set()
            if self._process is process:
                self._process = None

    def _exit_waiter(self, pid: int, process: subprocess.Popen | None) -> dict:
        """The waiter for the exit of ``process``'s child ``pid`` (call with the lock held). A new
        worker numbers its children afresh in its own PID namespace: an entry a dead worker left
        under the same number is not this child's."""
        waiter = self._exits.get(pid)
        if waiter is None or waiter.get("process") is not process:
            waiter = self._exits[pid] = {"event": threading.Event(), "process": process}
        return waiter

    def spawn(self, call: str, *args, timeout: float = ANSWER_TIMEOUT) -> int:
        """Fork a child running ``snippet_runner.<call>(*args)``; returns its pid."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                if self._aborted:
                    raise WorkerError("interrupted while the snippet worker was starting")
                self._start()
            self._next_id += 1
            request_id = self._next_id
            waiter = {"event": threading.Event(), "process": self._process}
            self._pids[request_id] = waiter
            try:
                self._process.stdin.write(json.dumps({"id": request_id, "call": call, "args": args}).encode() + b"\n")
                self._process.stdin.flush()
            except (BrokenPipeError, OSError):
                self._pids.pop(request_id, None)
                raise WorkerError("the snippet worker died") from None
        if not waiter["event"].wait(timeout):
            with self._lock:
                self._pids.pop(request_id, None)
            raise WorkerError(f"the snippet worker did not answer a request within {timeout:g} s")
        if waiter.get("pid") is None:
            raise WorkerError("the snippet worker died")
        with self._lock:
            self._exit_waiter(waiter["pid"], waiter["process"])
        return waiter["pid"]

    def wait(self, pid: int, timeout: float | None) -> tuple[bool, int | None]:
        """Wait for a child: (finished in time, exit code; None when the worker died under it)."""
        with self._lock:
            waiter = self._exits.setdefault(pid, {"event": threading.Event()})
        finished = waiter["event"].wait(timeout)
        if finished:
            with self._lock:
                self._exits.pop(pid, None)
                self._hosts.pop(pid, None)
        return finished, waiter.get("code")

    def host_pid(self, pid: int) -> int | None:
        """The pid, as seen from here, of the worker's child ``pid`` (None when it is gone)."""
        if not self.sandboxed:
            return pid
        found = self._hosts.get(pid)
        if found is not None:
            return found
        process = self._process
        if process is None:
            return None
        for candidate in processes.descendants(process.pid):
            if processes.namespace_pid(candidate) == pid:
                self._hosts[pid] = candidate
                return candidate
        return None

    def worker_pid(self) -> int | None:
        """The worker process itself, as seen from here (inside bwrap, when sandboxed)."""
        return self._worker_pid if self._process is not None else None

    def shared_memory_bytes(self) -> int:
        """What the sandbox's own /dev/shm holds now (0 without the sandbox: the host's is not ours)."""
        worker = self.worker_pid() if self.sandboxed else None
        if worker is None:
            return 0
        try:
            stats = os.statvfs(f"/proc/{worker}/root/dev/shm")
        except OSError:
            return 0
        return (stats.f_blocks - stats.f_bfree) * stats.f_frsize

    def kill(self, pid: int) -> None:
        """End a child and everything it started, however detached."""
        host = self.host_pid(pid)
        if host is not None:
            processes.kill_tree(host)

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


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(f"[snippet_runner] {message}", file=sys.stderr, flush=True)


def _copy_font_cache(target: Path) -> None:
    source = Path(os.environ.get("MPLCONFIGDIR") or Path(os.environ.get("XDG_CACHE_HOME") or
                                                         Path.home() / ".cache") / "matplotlib")
    target.mkdir(parents=True, exist_ok=True)
    for cached in source.glob("fontlist-*.json"):
        if not (target / cached.name).exists():
            shutil.copyfile(cached, target / cached.name)


_starter: dict = {}


def _popen_from_a_lasting_thread(argv: list[str], env: dict) -> subprocess.Popen:
    """Popen from a thread that lives as long as this process.

    The worker dies with its parent (bwrap's --die-with-parent, the worker's own prctl): Linux
    means the parent *thread*, and a snippet pool's thread ends long before the build does.
    """
    with _starter.setdefault("lock", threading.Lock()):
        if "queue" not in _starter:
            _starter["queue"] = queue.Queue()

            def serve_requests() -> None:
                while True:
                    request = _starter["queue"].get()
                    try:
                        request["process"] = subprocess.Popen(request["argv"], stdin=subprocess.PIPE,
                                                              stdout=subprocess.PIPE, env=request["env"])
                    except BaseException as error:  # noqa: BLE001 - handed to the caller
                        request["error"] = error
                    request["done"].set()

            threading.Thread(target=serve_requests, name="snippet-worker-starter", daemon=True).start()
    request = {"argv": argv, "env": env, "done": threading.Event()}
    _starter["queue"].put(request)
    request["done"].wait()
    if "error" in request:
        raise request["error"]
    return request["process"]
