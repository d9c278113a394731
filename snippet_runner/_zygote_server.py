# A zygote for the reader's run (snippet_runner/zygote.py): a plain interpreter, started as
# `python _zygote_server.py CMD REPLY` from an empty folder with the reader's environment, that has
# run the leading import lines of some snippets in a `__main__` of their own and forks a child per
# snippet, which then runs the whole file as `python file.py` would.
#
# It imports nothing from this repository and only standard-library modules that a plain start
# with the reader's network guard has already imported, so it adds no module a plain run lacks.
# Each zygote reads requests from a FIFO of its own; every zygote writes its replies, one JSON line
# each (short: atomic on a FIFO), to the one reply FIFO. The reader holds both ends of every FIFO
# open, so no open blocks; a zygote whose parent is gone exits.
#   {"op": "extend", "token": T, "statement": S, "cmd": C}
#       fork a child zygote that runs S in the shared `__main__` and then reads C; this zygote
#       replies {"token": T, "pid": P}; the child replies {"token": T, "ready": true, "seconds": X}
#       or {"token": T, "error": true}, with what S printed (or the error) in the file C.output.
#   {"op": "run", "token": T, "path": FILE, "log": LOG}
#       fork a child (a session of its own) that runs FILE as `__main__` in FILE's folder with its
#       output in LOG; replies {"token": T, "pid": P}, later {"exit": P, "returncode": N} (N < 0:
#       killed by signal -N), as subprocess.Popen reports it.
#   {"op": "loaded", "token": T, "imports": [[MODULE, NAMES or null], ...] per line, "out": FILE}
#       (the root only) for each import line, whether everything it names is already loaded
#       here, so that running it only binds names: written to FILE as a JSON list of booleans;
#       replies {"token": T, "done": true}.
#   {"op": "quit"}: exit.
import builtins
import importlib.machinery
import json
import os
import select
import sys
import threading
import time
import traceback
import types

MAIN = types.ModuleType("__main__")  # the snippets' `__main__`: what their import lines ran in
MAIN.__dict__.update(__builtins__=builtins, __package__=None, __spec__=None, __cached__=None, __annotations__={})


def native_threads() -> tuple[int, set[str]]:
    """This process's threads besides the calling one, and the OpenBLAS libraries it has loaded."""
    with open("/proc/self/maps") as maps:
        libraries = {parts[5].strip() for line in maps if len(parts := line.split(None, 5)) == 6}
    return (len(os.listdir("/proc/self/task")) - 1,
            {path for path in libraries if "openblas" in os.path.basename(path).lower()})


def threads_a_fork_would_lose(before: tuple[int, set[str]]) -> str | None:
    """Why a fork of this process, after an import line, could not carry on as a plain run would,
    or None; ``before`` is ``native_threads()`` from before the line.

    A fork copies only the calling thread. Python threads an import started would be missing in the
    child, and so would native ones; worse, a library that joins its threads at exit then waits
    forever in the child, once a thread the child starts later (OpenMP's) reuses the lost thread's
    descriptor: onnxruntime starts one at import, and a forked cv_classify_deploy.py printed all its
    output and hung at exit (2026-12-03). The one pool tolerated is OpenBLAS's (numpy's, scipy's):
    it stops its pool in its own pthread_atfork handler and starts it again in the child on its
    first BLAS call. So an import line may start threads only for the OpenBLAS libraries it loads,
    up to one per core besides the caller's each. (A pool an import line restarts, or threads it
    starts beside a new OpenBLAS pool, also count against it: its snippets then run plain.)"""
    python = threading.active_count()
    if python != 1:
        return f"the import lines left {python} Python threads running: a fork copies one"
    threads, openblas = native_threads()
    started = threads - before[0]
    allowed = len(openblas - before[1]) * max((os.cpu_count() or 1) - 1, 0)
    if started > allowed:
        return (f"the import line started {started} thread{'s' if started != 1 else ''}, of which at most "
                f"{allowed} can be OpenBLAS's "
                f"(which stops its pool before a fork): a fork copies only one thread, and a library that "
                f"joins the others at exit would wait forever")
    return None


def send(stream, message: dict) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def run_statement(statement: str, scratch: str) -> tuple[str, float]:
    """Run one import line in the snippets' `__main__`; what it printed comes back as text."""
    sink = os.open(scratch, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(sink, 1)
    os.dup2(sink, 2)
    started = time.perf_counter()
    try:
        main_module = sys.modules["__main__"]
        sys.modules["__main__"] = MAIN
        try:
            exec(compile(statement, "<import line>", "exec", dont_inherit=True), MAIN.__dict__)
        finally:
            sys.modules["__main__"] = main_module
    finally:
        seconds = time.perf_counter() - started
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
        os.lseek(sink, 0, 0)
        output = os.read(sink, 1 << 20).decode(errors="replace")
        os.close(sink)
        os.unlink(scratch)
    return output, seconds


def already_loaded(imports: list) -> bool:
    """Whether an import line, given as [[module, names or None], ...], would load nothing here:
    every package on each module's path is in sys.modules, and each imported name is already an
    attribute of its module or a loaded submodule (looked up without a module's __getattr__)."""
    for module, names in imports:
        parts = module.split(".")
        if not all(".".join(parts[:depth]) in sys.modules for depth in range(1, len(parts) + 1)):
            return False
        for name in names or ():
            if name == "*" or not (name in vars(sys.modules[module]) or f"{module}.{name}" in sys.modules):
                return False
    return True


def serve(cmd_path: str, replies):
    """Answer requests until told to quit; returns in a forked child: the request it is to carry
    out (its "op" is "run" or "extend"), outside this loop."""
    commands = os.open(cmd_path, os.O_RDONLY)
    parent = os.getppid()
    runs: set[int] = set()
    buffered = b""
    quitting = False  # told to quit: it exits once the snippets it forked have ended and been reported
    while True:
        while True:  # reap what ended: a snippet's exit is reported, a child zygote's is not
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid in runs:
                runs.discard(pid)
                send(replies, {"exit": pid, "returncode": os.waitstatus_to_exitcode(status)})
        if quitting and not runs:
            os._exit(0)
        if quitting:
            time.sleep(0.05)
            continue
        if os.getppid() != parent:  # the zygote above (or the reader) is gone: nothing more will come;
            quitting = True           # the snippets it forked still get their exits reported
            continue
        ready, _, _ = select.select([commands], [], [], 0.05)
        if not ready:
            continue
        buffered += os.read(commands, 65536)
        while b"\n" in buffered and not quitting:
            line, buffered = buffered.split(b"\n", 1)
            request = json.loads(line)
            if request["op"] == "quit":
                quitting = True
                os.close(commands)
                continue
            if request["op"] == "loaded":
                with open(request["out"], "w") as file:
                    json.dump([already_loaded(imports) for imports in request["imports"]], file)
                send(replies, {"token": request["token"], "done": True})
                continue
            pid = os.fork()
            if pid == 0:
                os.close(commands)
                return request
            if request["op"] == "run":
                runs.add(pid)
            send(replies, {"token": request["token"], "pid": pid})


def become_zygote(request: dict, replies):
    """In a forked child: run the import line, say whether it worked, then serve."""
    report = request["cmd"] + ".output"
    before = native_threads()
    try:
        output, seconds = run_statement(request["statement"], report)
    except BaseException:
        with open(report, "w") as file:
            file.write(traceback.format_exc())
        send(replies, {"token": request["token"], "error": True})
        os._exit(1)
    lost = threads_a_fork_would_lose(before)
    if lost is not None:  # no snippet may start here
        with open(report, "w") as file:
            file.write(lost)
        send(replies, {"token": request["token"], "error": True})
        os._exit(1)
    with open(report, "w") as file:
        file.write(output)
    send(replies, {"token": request["token"], "ready": True, "seconds": seconds})
    return serve(request["cmd"], replies)


def run_as_main(request: dict) -> None:
    """In a forked child: what `python FILE` does from FILE's folder, after the import lines."""
    os.setsid()  # its own session and group: a time limit ends everything it started
    path = request["path"]
    folder = os.path.dirname(path)
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.chdir(folder)
    sys.argv = [os.path.basename(path)]
    sys.orig_argv = [sys.orig_argv[0], sys.argv[0]]
    sys.path[0] = folder  # a script's folder, where the zygote had its own empty one
    process = sys.modules.get("multiprocessing.process")
    if process is not None:  # read from the working folder when multiprocessing was imported
        process.ORIGINAL_DIR = folder
    MAIN.__dict__.update(__file__=path, __loader__=importlib.machinery.SourceFileLoader("__main__", path))
    sys.modules["__main__"] = MAIN
    with open(path, "rb") as file:
        code = compile(file.read(), path, "exec", dont_inherit=True)
    try:
        exec(code, MAIN.__dict__)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as error:  # printed as Python prints it, without this file's frames
        error.with_traceback(error.__traceback__.tb_next)
        sys.excepthook(type(error), error, error.__traceback__)
        raise SystemExit(1)


if __name__ == "__main__":
    try:  # without blocking: if the reader is already gone, there is nobody to serve
        reply_fd = os.open(sys.argv[2], os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        sys.exit(1)
    os.set_blocking(reply_fd, True)
    reply_stream = open(reply_fd, "w")
    send(reply_stream, {"token": "root", "ready": True, "seconds": 0.0})
    task = serve(sys.argv[1], reply_stream)
    while task["op"] == "extend":
        task = become_zygote(task, reply_stream)
    reply_stream.close()
    run_as_main(task)
