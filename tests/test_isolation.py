"""The runner under bad snippets and impatient people: Ctrl-C, stdin, escaped processes, memory.

Each test drives the real thing (a `mkdocs build` or `pytest` subprocess, or the runner API)
with a deliberately bad snippet, and checks that nothing is left behind.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from snippet_runner import Mark, Session, runner
from snippet_runner.render import outcome_html
from snippet_runner.worker import WorkerClient, WorkerError
from tests.test_build import add_test_harness, make_site
from tests.test_runner import alive_with, block, session, tree, write  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow  # every test here runs snippets or builds a site (pytest -m 'not slow' leaves them out)

SLOW = """
    # sleeps in itself and in a detached child: only a kill ends them
    import subprocess, time
    subprocess.Popen(["sleep", "300"], start_new_session=True)
    print("started", flush=True)
    time.sleep(300)
"""


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment or command line contains ``marker``: the run's TMPDIR. The
    sandbox clears the environment, so the runner's folder of runs (made in TMPDIR) is what
    everything carries: the worker's command line, and TMPDIR in each snippet's processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            seen = (entry / "environ").read_bytes() + (entry / "cmdline").read_bytes()
            if marker.encode() in seen and "Z" not in _state(entry):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def _state(entry: Path) -> str:
    return (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]


def interrupt_after_start(command: list[str], cwd: Path, *, when=None) -> tuple[int, float]:
    """Start ``command`` with TMPDIR=cwd/tmp; once the slow snippet runs (it printed "started" into
    its run's output, under TMPDIR), or once ``when()`` is true, send SIGINT; (exit code, seconds to exit)."""
    (cwd / "tmp").mkdir(exist_ok=True)
    env = {**os.environ, "SNIPPETS_CACHE_DIR": str(cwd / "cache"), "SNIPPETS_DEVICE": "cpu",
           "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(cwd / "tmp")}
    # A shell starts background jobs with SIGINT ignored, and a child inherits that: Python then never
    # raises KeyboardInterrupt. The command gets SIGINT's default back, as a terminal's foreground has.
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 240

    def snippet_started() -> bool:
        return any(b"started" in _read(p) for p in (cwd / "tmp").glob("snippet-runs-*/run-*/out/output.txt"))

    while time.monotonic() < deadline and not (when or snippet_started)():
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        time.sleep(0.05)
    time.sleep(1)
    if when is not None:
        assert when(), "the moment passed before Ctrl-C could be sent"
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("Ctrl-C did not stop the run within 30 s")
    return code, time.monotonic() - sent


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_ctrl_c_stops_mkdocs_build_at_once_and_leaves_nothing(tmp_path):
    make_site(tmp_path, '# Lesson\n\n```python\n--8<-- "slow.py"\n```\n\n```python\n--8<-- "fast.py"\n```\n',
              {"slow.py": SLOW, "fast.py": "# quick\nprint('done')\n"})
    code, seconds = interrupt_after_start([sys.executable, "-m", "mkdocs", "build"], tmp_path)
    assert code != 0
    assert seconds < 5, f"took {seconds:.1f} s to stop"
    time.sleep(1)
    assert processes_with(str(tmp_path / "tmp")) == [], "snippet, detached child or worker outlived the build"
    entries = [p for p in (tmp_path / "cache").glob("*/*") if p.is_dir()]
    assert entries == [], f"an interrupted build cached {entries}"


@pytest.mark.slow
@pytest.mark.parametrize("when", ["first build", "environment remembered", "under load"])
def test_ctrl_c_while_the_worker_still_imports_torch_ends_everything_within_a_second(tmp_path, when):
    """Issue 23: the worker used to run on (re-parented to PID 1) until its import of torch ended. On a
    first build the worker starts for the environment probe; later (the probe's answer remembered
    beside the cache) it starts in the background at the first cache miss."""
    from tests.test_build import COURSE, build

    # The interrupted build has the site's own course: its worker imports torch, torchvision and the rest
    # (the window for Ctrl-C). The build before it, which leaves the probe's answer, has the lighter one.
    remembered = when == "environment remembered"
    site = make_site(tmp_path, '# Lesson\n\n```python\n--8<-- "fast.py"\n```\n', {"fast.py": "# quick\nprint('done')\n"},
                     course=None if remembered else COURSE)
    if remembered:
        os.environ["SNIPPETS_CACHE_DIR"] = str(tmp_path / "cache")
        try:
            assert build(site).returncode == 0
        finally:
            del os.environ["SNIPPETS_CACHE_DIR"]
        (site / "snippets" / "fast.py").write_text("# quick, changed: a cache miss\nprint('done again')\n")
        config = (site / "mkdocs.yml").read_text()
        assert f"course: {site / 'course.py'}" in config
        (site / "mkdocs.yml").write_text(config.replace(f"course: {site / 'course.py'}", f"course: {COURSE}"))
    worker = f"serve()\0{tmp_path / 'tmp'}"  # the worker's command line: python -c "...serve()" RUNS

    def worker_importing() -> bool:  # it runs, and no child of it has run yet (nothing in a run's out/)
        return bool(alive_with(worker)) and not list((tmp_path / "tmp").glob("snippet-runs-*/run-*/out/*"))

    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2 if when == "under load" else 0)]
    try:
        code, seconds = interrupt_after_start([sys.executable, "-m", "mkdocs", "build"], tmp_path,
                                              when=worker_importing)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert code != 0
    assert seconds < 2, f"took {seconds:.1f} s to stop"
    time.sleep(1)
    assert processes_with(str(tmp_path / "tmp")) == [], "the worker outlived the build"


def test_ctrl_c_stops_pytest_at_once_and_leaves_nothing(tmp_path):
    """The pytest adapter, in a copy of this project's test harness over a one-page site."""
    add_test_harness(make_site(tmp_path, "# Lesson\n\n```python\n--8<-- \"slow.py\"\n```\n",
                               {"slow.py": SLOW}))
    code, seconds = interrupt_after_start([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests"],
                                          tmp_path)
    assert code != 0
    assert seconds < 5, f"took {seconds:.1f} s to stop"
    time.sleep(1)
    assert processes_with(str(tmp_path / "tmp")) == []
    assert [p for p in (tmp_path / "cache").glob("*/*") if p.is_dir()] == []


# A test that needs no snippet's outcome: it waits for the slow snippet to start (its output, in its run
# folder under TMPDIR), which happens only if the snippets' run started in the background at collection.
WAITS_FOR_THE_SNIPPET = """
    import os
    import time
    from pathlib import Path


    def test_runs_while_the_snippets_run():
        deadline = time.monotonic() + {limit}
        runs = Path(os.environ["TMPDIR"]).glob
        while not any(b"started" in p.read_bytes() for p in runs("snippet-runs-*/run-*/out/output.txt")):
            assert time.monotonic() < deadline, "no snippet started while this test ran"
            time.sleep(0.05)
        {then}
"""


def test_pytest_runs_the_snippets_in_the_background_while_the_other_tests_run(tmp_path):
    """The pytest adapter starts the snippets' run when collection ends, in a process of its own; a test that
    needs no outcome runs meanwhile (alphabetically first here, and first anyway), then the pages' tests,
    a failing snippet's with its output."""
    snippet = "# sleeps a little\nimport time\nprint('started', flush=True)\ntime.sleep(3)\nprint('done')\n"
    broken = "# fails\nraise SystemExit('broken on purpose')\n"
    site = add_test_harness(make_site(tmp_path, '# Lesson\n\n```python\n--8<-- "sleepy.py"\n```\n\n'
                                                '```python\n--8<-- "broken.py"\n```\n',
                                      {"sleepy.py": snippet, "broken.py": broken}))
    (site / "tests" / "test_other.py").write_text(textwrap.dedent(WAITS_FOR_THE_SNIPPET.format(limit=60, then="")))
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "SNIPPETS_CACHE_DIR": str(tmp_path / "cache"), "SNIPPETS_DEVICE": "cpu",
           "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp_path / "tmp")}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", "tests"], cwd=site,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    order = [line.split(" ")[0].split("::")[0] for line in done.stdout.splitlines()
             if line.startswith("tests/") and (" PASSED" in line or " FAILED" in line)]
    assert order == ["tests/test_other.py", "tests/test_pages.py", "tests/test_pages.py"], done.stdout
    assert "1 failed, 2 passed" in done.stdout and "broken on purpose" in done.stdout, done.stdout[-3000:]
    assert "the background run: 2 ran" in done.stderr and "1 failed" in done.stderr, done.stderr[-3000:]
    assert processes_with(str(tmp_path / "tmp")) == []


def test_ctrl_c_stops_pytest_and_its_background_run_at_once_and_leaves_nothing(tmp_path):
    add_test_harness(make_site(tmp_path, '# Lesson\n\n```python\n--8<-- "slow.py"\n```\n', {"slow.py": SLOW}))
    (tmp_path / "tests" / "test_other.py").write_text(
        textwrap.dedent(WAITS_FOR_THE_SNIPPET.format(limit=240, then="time.sleep(300)")))
    code, seconds = interrupt_after_start([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests"],
                                          tmp_path)
    assert code != 0
    assert seconds < 5, f"took {seconds:.1f} s to stop"
    time.sleep(1)
    assert processes_with(str(tmp_path / "tmp")) == []
    assert [p for p in (tmp_path / "cache").glob("*/*") if p.is_dir()] == []


def run_in_thread(session: Session, blocks, limit: float):
    """session.run, but a hang fails the test instead of hanging it."""
    box = {}
    thread = threading.Thread(target=lambda: box.update(outcomes=session.run(blocks)), daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"the run did not finish within {limit} s"
    return box["outcomes"]


def test_stdin_is_empty_and_the_next_snippets_still_run(tree):
    asks = write(tree, "asks.py", "# waits for a reader\nprint('question')\nanswer = input('name? ')\n")
    plain = [write(tree, f"plain{i}.py", f"# prints\nprint({i})\n") for i in range(2)]
    # Two jobs: a request for the next snippet is written while this one waits for input (the old
    # runner's snippet read that request from the worker's pipe, and the build hung).
    session = Session(tree / "cache", device="cpu", jobs=2)
    blocks = [block(asks, Mark("timeout", (60,)))] + [block(p, Mark("timeout", (60,)), line=5 + i)
                                                       for i, p in enumerate(plain)]
    started = time.perf_counter()
    outcomes = run_in_thread(session, blocks, 90)
    assert time.perf_counter() - started < 45
    failed = outcomes[blocks[0]].result.failure
    assert failed.kind == "exception" and failed.message.startswith("EOFError") and failed.line == 3
    assert [outcomes[b].result.output for b in blocks[1:]] == ["0\n", "1\n"]
    session.close()


def test_a_snippet_sees_no_descriptor_of_the_runner(tree, session):
    path = write(tree, "fds.py", """
        # lists its open file descriptors
        import os
        listing = os.listdir("/proc/self/fd")  # the listing itself opens one more
        print(sorted(int(fd) for fd in listing)[:3], len(listing), os.readlink("/proc/self/fd/0"))
    """)
    outcome = session.run([b := block(path)])[b]
    assert outcome.result.output == "[0, 1, 2] 4 /dev/null\n", outcome.result.output


def test_a_request_the_worker_does_not_answer_is_an_error_not_a_hang():
    client = WorkerClient()
    pid = client.spawn("child.probe", "/nonexistent-folder", "cpu")  # starts the worker; the probe fails
    client.wait(pid, 60)
    worker = client.worker_pid()  # the worker itself (inside bwrap, when the sandbox runs)
    os.kill(worker, signal.SIGSTOP)
    try:
        started = time.perf_counter()
        with pytest.raises(WorkerError, match="did not answer"):
            client.spawn("child.probe", "/nonexistent-folder", "cpu", timeout=1)
        assert time.perf_counter() - started < 5
    finally:
        os.kill(worker, signal.SIGCONT)
        client.close()
    assert client._process is None



def test_a_dead_workers_end_touches_only_its_own_requests():
    """close() and a new run: the old worker's listener sees its end late (the lock it needs is
    held while the new worker imports torch). It must not answer the new worker's requests with
    "died", nor leave an entry a new child with the same namespace pid would read as its exit."""
    client = WorkerClient()
    old, new = SimpleNamespace(stdout=io.BytesIO(b"")), SimpleNamespace(stdout=io.BytesIO(b""))
    old_request = {"event": threading.Event(), "process": old}
    new_request = {"event": threading.Event(), "process": new}
    client._pids = {1: old_request, 2: new_request}
    old_child = client._exit_waiter(5, old)
    new_child = client._exit_waiter(6, new)
    client._listen(old)  # its stdout is at its end: the old worker died
    assert old_request["event"].is_set() and "pid" not in old_request and 1 not in client._pids
    assert not new_request["event"].is_set() and client._pids == {2: new_request}
    assert old_child["event"].is_set() and old_child["code"] is None
    assert not new_child["event"].is_set() and "code" not in new_child
    reused = client._exit_waiter(5, new)  # the new worker's child numbered 5 in its own namespace
    assert reused is not old_child and not reused["event"].is_set()


ESCAPES = """
    # leaves three processes behind: same group, a new session, and a double-forked daemon
    import os, subprocess, sys, time
    same = subprocess.Popen(["sleep", "300.25"])
    session = subprocess.Popen(["sleep", "301.25"], start_new_session=True)
    daemon = subprocess.Popen([sys.executable, "-c",
        "import os, subprocess; os.setsid(); p = subprocess.Popen(['sleep', '302.25']); print(p.pid, flush=True)"],
        stdout=subprocess.PIPE, text=True)
    grandchild = int(daemon.stdout.readline())
    daemon.wait()
    print(same.pid, session.pid, grandchild, flush=True)
    {ending}
"""


@pytest.mark.parametrize("ending", ["print('done')", "time.sleep(300)"], ids=["finishes", "times-out"])
def test_nothing_a_snippet_started_survives_it(tree, session, ending):
    path = write(tree, "escapes.py", textwrap.dedent(ESCAPES).format(ending=ending))
    # 6 s: starting its three processes takes well under a second, even on a loaded machine
    outcome = session.run([b := block(path, Mark("timeout", (6,)))])[b]
    pids = [int(p) for p in outcome.result.output.split("\n")[0].split()]
    assert len(pids) == 3, outcome.result.output
    time.sleep(0.5)
    alive = [token for token in ("300.25", "301.25", "302.25") if alive_with(token)]
    assert alive == [], f"processes a snippet started outlived it: {alive}"


HOG = """
    # allocates 256 MB at a time, touching every page, up to {gb} GB
    chunks = []
    for step in range({gb} * 4):
        chunks.append(bytearray(256 << 20))
    print("survived with", len(chunks) * 256, "MB")
"""


def test_a_snippet_over_its_memory_ceiling_is_killed_and_the_others_run(tree):
    hog = write(tree, "hog.py", textwrap.dedent(HOG).format(gb=3))
    fine = write(tree, "fine.py", "# small\nprint('fine')\n")
    session = Session(tree / "cache", device="cpu")
    blocks = [block(hog, Mark("memory", (1,))), block(fine, line=9)]
    outcomes = session.run(blocks)
    failure = outcomes[blocks[0]].result.failure
    assert failure is not None and failure.kind == "memory", outcomes[blocks[0]].result.output
    assert failure.message.startswith("exceeded 1 GB")
    assert "survived" not in outcomes[blocks[0]].result.output
    assert outcomes[blocks[1]].status == "ok"
    session.close()


def test_peak_memory_is_the_snippets_own_and_shown(tree, session):
    """A baseline first: a trivial torch snippet's peak is its own pages, not the worker's shared torch
    (summing resident sizes showed half a gigabyte); then 300 MB more shows as about 300 MB more."""
    trivial = write(tree, "trivial.py", "# barely anything\nimport time, torch\nx = torch.ones(2)\ntime.sleep(0.5)\n")
    # It holds the 300 MB for longer than the runner's memory poll (MEMORY_POLL_S): a read triggered
    # while bytearray() is still zeroing them sees only part, and the next read comes a poll later.
    holds = write(tree, "holds.py", "# holds 300 MB for a moment\nimport time, torch\nx = torch.ones(2)\n"
                                    "y = bytearray(300 << 20)\ntime.sleep(2.5 * %r)\n" % runner.MEMORY_POLL_S)
    baseline = session.run([b := block(trivial)])[b]
    outcome = session.run([b := block(holds)])[b]
    assert baseline.status == outcome.status == "ok"
    assert baseline.result.peak_memory < 150 << 20, baseline.result.peak_memory
    grown = outcome.result.peak_memory - baseline.result.peak_memory
    assert 280 << 20 < grown < 400 << 20, (baseline.result.peak_memory, outcome.result.peak_memory)
    html = outcome_html(b, outcome, lambda f: f.name)
    assert " peak" in html and "ran in " in html


def test_a_crashed_snippet_leaves_no_orphans_and_no_temp_folder(tree, session):
    """The crash path: os.abort() skips the child's own cleanup (no report, no kill of what it started)."""
    from snippet_runner import runner

    path = write(tree, "aborts.py", """
        # starts a detached process, then crashes hard
        import os, subprocess
        subprocess.Popen(["sleep", "300.875"], start_new_session=True)
        open("left-behind.bin", "wb").write(b"x" * (1 << 20))
        os.abort()
    """)
    outcome = session.run([b := block(path)])[b]
    assert outcome.status == "failed" and outcome.result.failure.kind == "crash", outcome.result.failure
    time.sleep(0.5)
    assert alive_with("300.875") == []
    assert list(runner._worker.runs.glob("run-*")) == []


def test_a_sandbox_sees_its_own_runs_only(tmp_path):
    """Concurrent builds (or a build and pytest) each have a folder of runs of their own; no sandbox sees
    another's, wherever TMPDIR puts them (here: a folder the sandbox would not hide otherwise)."""
    import base64
    import shutil
    import tempfile

    from snippet_runner import sandbox
    from tests.project import ROOT

    if sandbox.unavailable():
        pytest.skip(f"the sandbox cannot run here: {sandbox.unavailable()}")
    (ROOT / ".cache").mkdir(exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="runs-beside-", dir=ROOT / ".cache"))  # not under /tmp or a home
    saved, tempfile.tempdir = tempfile.tempdir, str(base)  # where each WorkerClient makes its folder of runs
    mine, theirs = WorkerClient(), WorkerClient()
    try:
        (theirs.new_run() / "out" / "output.txt").write_text("another build's output")
        run = mine.new_run()
        tempfile.tempdir = saved
        look = f"# lists the folder that holds the runs folders\nimport os\nprint(sorted(os.listdir({str(base)!r})))\n"
        pid = mine.spawn("child.main", base64.b64encode(look.encode()).decode(), "look.py", str(run), "cpu", 1)
        assert mine.wait(pid, 120)[0], "the snippet did not finish"
        seen = (run / "out" / "output.txt").read_text()
        assert sorted(os.listdir(base)) == sorted([mine.runs.name, theirs.runs.name])  # both are there...
        assert seen.strip() == str([mine.runs.name]), seen  # ...but the sandbox shows it only its own
    finally:
        tempfile.tempdir = saved
        mine.close()
        shutil.rmtree(base, ignore_errors=True)
