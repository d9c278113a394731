"""How the runner behaves, proven with deliberately odd snippets in a temporary tree."""

from __future__ import annotations

import contextlib
import json
import textwrap
import time
from pathlib import Path

import pytest

from snippet_runner import Block, Mark, Session, SnippetExpander, collect_page, failure_message

pytestmark = pytest.mark.slow  # every test here runs snippets or builds a site (pytest -m 'not slow' leaves them out)

WORKER_SLACK = 30  # seconds a forked snippet may take beyond its own work on a loaded 2-core machine


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "snippets").mkdir()
    return tmp_path


@pytest.fixture
def session(tree):
    session = Session(tree / "cache", device="cpu", display_root=tree / "snippets")
    yield session
    session.close()


def write(tree: Path, name: str, code: str) -> Path:
    path = tree / "snippets" / name
    path.write_text(textwrap.dedent(code).lstrip())
    return path


def block(path: Path, *marks: Mark, line: int = 1) -> Block:
    return Block(page="lesson.md", line=line, end_line=line + 2, indent="", code=path.read_text(),
                 include=path.name, snippet=path, marks=list(marks))


@contextlib.contextmanager
def worker_of_its_own(preload: tuple[str, ...] = ()):
    """Every Session inside runs on a new worker that imports ``preload`` (nothing by default: it starts in
    a fraction of a second, and the environment probe imports torch in a child once per cache), started
    with the environment as it is when it first runs; the tests' warm worker (the site's whole preload)
    is put back untouched afterwards. For a test that kills its worker, or needs one started with other
    variables: restarting the shared one instead costs its imports again (6.5 s of CPU)."""
    from snippet_runner import runner
    from snippet_runner.worker import WorkerClient

    shared, runner._worker = runner._worker, WorkerClient()
    runner._worker.preload = tuple(preload)
    try:
        yield runner._worker
    finally:
        runner._worker.close()
        runner._worker = shared


def run_one(session: Session, b: Block):
    return session.run([b])[b]


def alive_with(token: str) -> list[int]:
    """Live processes whose command line contains ``token`` (pids inside the sandbox are not ours to
    read from a snippet's output: each snippet gets a PID namespace of its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and token.encode() in (entry / "cmdline").read_bytes():
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX":
                    found.append(int(entry.name))
        except OSError:
            pass
    return found


def test_runs_as_main_alone_in_an_empty_folder(tree, session):
    path = write(tree, "alone.py", """
        # checks what a snippet can see
        import inspect, os, pickle, sys

        class Point:
            pass

        def source_of_me():
            return inspect.getsource(source_of_me)

        assert __name__ == "__main__"
        assert os.listdir(".") == ["alone.py"], os.listdir(".")
        assert pickle.loads(pickle.dumps(Point())).__class__.__name__ == "Point"
        assert "source_of_me" in source_of_me()
        open("scratch.txt", "w").write("a file the snippet made")
        print("cwd is", "empty" if len(os.listdir(".")) == 2 else "dirty")
    """)
    outcome = run_one(session, block(path))
    assert outcome.status == "ok", outcome.result.output
    assert outcome.result.output == "cwd is empty\n"
    assert not (tree / "snippets" / "scratch.txt").exists()  # never writes next to the snippet


def test_output_keeps_stdout_and_stderr_in_order_and_figures_are_captured(tree, session):
    path = write(tree, "plots.py", """
        # two figures, one shown explicitly, one left open
        import sys
        import matplotlib.pyplot as plt
        print("first")
        print("second, on stderr", file=sys.stderr)
        plt.plot([1, 2, 3])
        plt.show()
        plt.figure()
        plt.bar(["a", "b"], [3, 1])
        print("third")
    """)
    outcome = run_one(session, block(path))
    assert outcome.result.output == "first\nsecond, on stderr\nthird\n"
    assert [f.name for f in outcome.result.figures] == ["figure-1.png", "figure-2.png"]
    assert all(f.read_bytes().startswith(b"\x89PNG") for f in outcome.result.figures)


def test_failure_names_page_snippet_line_and_exception(tree, session):
    path = write(tree, "broken.py", """
        # fails on line 4
        def divide(a, b):
            return a / b
        print(divide(1, 0))
    """)
    b = block(path, line=12)
    outcome = run_one(session, b)
    assert outcome.status == "failed"
    assert outcome.result.failure.line == 3
    message = failure_message(b, outcome)
    assert message == "docs/lesson.md:12: snippet broken.py at line 3 failed: ZeroDivisionError: division by zero"
    assert 'File "broken.py", line 3, in divide' in outcome.result.output  # the traceback, as python shows it
    assert "snippet_runner" not in outcome.result.output  # without the runner's own frames


def test_a_failed_import_shows_a_readers_traceback(tree, session):
    path = write(tree, "imports.py", "# needs a package that is not installed\nimport not_installed_anywhere\n")
    outcome = run_one(session, block(path))
    assert outcome.result.failure.message == "ModuleNotFoundError: No module named 'not_installed_anywhere'"
    assert outcome.result.output.startswith('Traceback (most recent call last):\n  File "imports.py", line 2')
    assert "snippet_runner" not in outcome.result.output


def test_nonzero_exit_is_a_failure(tree, session):
    path = write(tree, "exits.py", "# exits with 3\nimport sys\nsys.exit(3)\n")
    outcome = run_one(session, block(path))
    assert outcome.status == "failed" and outcome.result.failure.message == "SystemExit: 3"


def test_timeout_kills_the_snippet_and_what_it_started(tree, session):
    path = write(tree, "hangs.py", """
        # starts a child process, then hangs
        import subprocess, time
        child = subprocess.Popen(["sleep", "300.125"])
        print(child.pid, flush=True)
        time.sleep(300)
    """)
    assert alive_with("300.125") == []
    started = time.perf_counter()
    outcome = run_one(session, block(path, Mark("timeout", (2,))))
    assert time.perf_counter() - started < 2 + WORKER_SLACK
    assert outcome.status == "failed" and outcome.result.failure.kind == "timeout"
    assert "timed out after 2 s" in outcome.result.failure.message
    time.sleep(0.5)
    assert alive_with("300.125") == []


# A neighbour holds a loopback port for a few seconds (snippets share the sandbox's loopback); the other
# snippet hangs while the port is taken, and passes once it is free: too slow beside it, fine alone.
HOLDS_PORT = """
    # holds a loopback port for a while
    import socket, time
    held = socket.socket()
    held.bind(("127.0.0.1", 47613))
    held.listen()
    print("holding", flush=True)
    time.sleep(6)
"""
CROWDED = """
    # too slow while its neighbour holds the port, fine alone
    import socket, time
    time.sleep(1)  # the neighbour binds first
    probe = socket.socket()
    try:
        probe.bind(("127.0.0.1", 47613))
        print("alone")
    except OSError:
        print("beside it", flush=True)
        time.sleep(300)
"""


def test_a_snippet_over_its_time_beside_others_runs_again_alone(tree):
    slow = write(tree, "crowded.py", CROWDED)
    neighbour = write(tree, "neighbour.py", HOLDS_PORT)
    session = Session(tree / "cache", device="cpu", jobs=2)
    try:
        blocks = [block(slow, Mark("timeout", (3,))), block(neighbour, line=9)]
        outcomes = session.run(blocks)
    finally:
        session.close()
    assert outcomes[blocks[0]].status == "ok", (outcomes[blocks[0]].result.failure, outcomes[blocks[0]].result.output)
    assert outcomes[blocks[0]].result.output == "alone\n"  # the second run's only
    assert outcomes[blocks[1]].status == "ok"


def test_a_snippet_over_its_time_alone_too_fails_once_it_ran_alone(tree):
    hangs = write(tree, "hangs.py", "# hangs\nimport time\nprint('started', flush=True)\ntime.sleep(300)\n")
    neighbour = write(tree, "neighbour.py", "# quick\nprint('neighbour')\n")
    session = Session(tree / "cache", device="cpu", jobs=2)
    try:
        blocks = [block(hangs, Mark("timeout", (2,))), block(neighbour, line=9)]
        started = time.perf_counter()
        outcomes = session.run(blocks)
        took = time.perf_counter() - started
    finally:
        session.close()
    failure = outcomes[blocks[0]].result.failure
    assert failure is not None and failure.kind == "timeout", outcomes[blocks[0]].result.output
    assert took >= 4, f"{took:.1f} s: it was not run a second time"
    assert outcomes[blocks[0]].result.output == "started\n"  # one run's output, not both
    assert outcomes[blocks[1]].status == "ok"


def test_network_is_refused_but_loopback_works(tree, session):
    path = write(tree, "network.py", """
        # tries the internet (refused) and loopback (allowed), also from a subprocess
        import socket, subprocess, sys, urllib.request

        for url in ["http://example.com", "http://93.184.215.14"]:
            try:
                urllib.request.urlopen(url, timeout=5)
                print("reached", url)
            except OSError as error:
                print("refused:", "disabled here" in str(error))

        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        client = socket.create_connection(server.getsockname())
        print("loopback ok")

        child = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('1.1.1.1', 53), 3)"],
                               capture_output=True, text=True)
        print("subprocess refused:", "disabled here" in child.stderr)
    """)
    outcome = run_one(session, block(path))
    assert outcome.status == "ok", outcome.result.output
    assert outcome.result.output.split("\n")[:4] == ["refused: True", "refused: True", "loopback ok",
                                                     "subprocess refused: True"]


def test_cpu_device_hides_gpus_and_seeds_are_fresh(tree, session):
    path = write(tree, "device.py", """
        # no seed of its own: the runner's fixed seed makes it repeatable
        import torch
        assert not torch.cuda.is_available()
        print(torch.rand(1).item())
    """)
    first = run_one(session, block(path))
    # A second session that ignores the cache runs it again (the first session would hand back what
    # it ran itself): the same number, from the runner's fixed seed, not from a cached result.
    again = Session(tree / "cache", device="cpu", read_cache=False, display_root=tree / "snippets")
    try:
        second = run_one(again, block(path))
    finally:
        again.close()
    assert first.cached is False and second.cached is False and again.stats.executed == 1
    assert first.result.output == second.result.output and float(first.result.output) != 0


def test_cache_hit_does_not_execute_and_a_changed_snippet_does(tree, session):
    path = write(tree, "cached.py", "# prints\nprint('v1')\n")
    b = block(path)
    assert run_one(session, b).cached is False
    assert session.stats.executed == 1
    hit = run_one(session, b)
    assert hit.cached is True and hit.result.output == "v1\n" and session.stats.executed == 1
    path.write_text("# prints\nprint('v2')\n")
    changed = run_one(session, block(path))
    assert changed.cached is False and changed.result.output == "v2\n" and session.stats.executed == 2


@pytest.mark.parametrize("damage", ["truncate entry", "delete figure", "alter figure", "garbage"])
def test_a_damaged_cache_entry_is_run_again(tree, session, damage):
    path = write(tree, "figure.py", "# one figure\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nprint('drawn')\n")
    b = block(path)
    first = run_one(session, b)
    folder = first.result.figures[0].parent
    entry = folder / "entry.json"
    if damage == "truncate entry":
        entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
    elif damage == "delete figure":
        first.result.figures[0].unlink()
    elif damage == "alter figure":
        first.result.figures[0].write_bytes(b"\x89PNG not really")
    else:
        entry.write_text(json.dumps({"schema": 1, "key": "other"}))
    again = run_one(session, b)
    assert again.cached is False and session.stats.executed == 2
    assert again.status == "ok" and again.result.figures[0].read_bytes().startswith(b"\x89PNG")
    assert run_one(session, b).cached is True  # and the repaired entry is used from then on


def test_failures_are_not_cached(tree, session):
    path = write(tree, "flaky.py", "# always fails\nraise RuntimeError('no')\n")
    run_one(session, block(path))
    assert run_one(session, block(path)).cached is False and session.stats.executed == 2


def test_parallel_runs_keep_results_apart(tree, session):
    blocks = [block(write(tree, f"n{i}.py", f"# prints its number\nprint({i})\n"), line=i) for i in range(6)]
    outcomes = session.run(blocks)
    assert [outcomes[b].result.output for b in blocks] == [f"{i}\n" for i in range(6)]


def test_markers_set_skip_gpu_and_timeout(tree):
    write(tree, "a.py", "# a\nprint(1)\n")
    page = textwrap.dedent('''
        <!--pytest.mark.skip(reason="needs network: downloads a dataset")-->
        ```python title="a.py"
        --8<-- "a.py"
        ```

        <!--pytest.mark.gpu(reason="needs CUDA")-->
        ```python
        --8<-- "a.py"
        ```

        ??? success "Solution"

            <!--pytest.mark.timeout(5)-->
            ```python
            --8<-- "a.py"
            ```
    ''')
    expander = SnippetExpander({"base_path": [str(tree / "snippets")], "check_paths": True})
    skip, gpu, timed = collect_page(page, "p.md", expander)
    assert skip.skip_reason == "needs network: downloads a dataset" and skip.line == 3
    assert gpu.gpu_reason == "needs CUDA" and gpu.skip_reason is None
    assert timed.timeout == 5 and timed.indent == "    " and timed.code.rstrip() == "# a\nprint(1)"
    session = Session(tree / "cache", device="cpu")
    outcomes = session.run([skip, gpu])
    assert outcomes[skip].status == "not-run" and session.not_run_reason(skip) == outcomes[skip].reason
    assert outcomes[gpu].reason == "needs CUDA (no CUDA GPU here)"
    session.close()


def test_environment_probe_is_shared_by_the_build_and_the_tests(tmp_path):
    """The build (mkdocs) and the tests (pytest, with the project folder on sys.path) share the remembered probe."""
    import subprocess
    import sys

    from snippet_runner.cache import packages_digest

    elsewhere = subprocess.run([sys.executable, "-c", "from snippet_runner.cache import packages_digest as d; print(d())"],
                               cwd=tmp_path, capture_output=True, text=True, check=True).stdout.strip()
    assert elsewhere == packages_digest()


def test_the_courses_checks_and_stamp_run_are_recorded_and_decide_what_a_cached_result_is_valid_for(tree):
    """The library's one hook for a course (results.Policy; a site's course file fills it): its checks run
    in the snippet's process on what the snippet left at module level, their findings (or their own
    failure) kept with the result; the stamped distributions' versions recorded; a result cached under
    one policy is not valid under another."""
    from snippet_runner.cache import installed_version
    from snippet_runner.results import Policy

    names = "def check(namespace):\n    return sorted(n for n in namespace if not n.startswith('__'))\n"
    broken = "def check(namespace):\n    raise ValueError('no')\n"
    policy = Policy((("broken", broken), ("names", names)), ("torch",))
    leaves, fails = write(tree, "leaves.py", "# leaves two names\nanswer = 42\nword = 'x'\n"), \
        write(tree, "fails.py", "# fails\nanswer = 42\nraise SystemExit(3)\n")

    def session(policy):
        return Session(tree / "cache", device="cpu", display_root=tree / "snippets", policy=policy)

    first = session(policy)
    try:
        outcomes = first.run([a := block(leaves), b := block(fails, line=9)])
        assert outcomes[a].status == "ok" and not outcomes[a].cached, outcomes[a].result.output
        assert outcomes[a].result.checks == {"names": ["answer", "word"], "broken": {"error": "ValueError: no"}}
        assert outcomes[a].result.environment["versions"] == {"torch": installed_version("torch").split("+")[0]}
        assert outcomes[b].status == "failed" and outcomes[b].result.checks == {}  # checks run after a success only
        assert first.lookup(a).result.checks["names"] == ["answer", "word"]  # as the cache keeps it
    finally:
        first.close()
    for other in (Policy((("broken", broken), ("names", names + "# changed\n")), ("torch",)),
                  Policy(policy.checks, ("torch", "numpy")), Policy(), policy):
        later = session(other)
        lookup = later.lookup(a)
        later.close()
        if other == policy:
            assert lookup.result is not None, lookup.reason
        else:
            assert lookup.result is None and lookup.reason.startswith("course "), lookup.reason
