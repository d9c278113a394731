"""The runner under bad snippets and impatient people: Ctrl-C, stdin, escaped processes, memory.

Each test drives the real thing (a `mkdocs build` or `pytest` subprocess, or the runner API)
with a deliberately bad snippet, and checks that nothing is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from snippet_runner import Mark, Session
from snippet_runner.render import outcome_html
from snippet_runner.worker import WorkerClient, WorkerError
from tests.test_build import add_test_harness, make_site
from tests.test_runner import block, session, tree, write  # noqa: F401 (fixtures)

SLOW = """
    # sleeps in itself and in a detached child: only a kill ends them
    import subprocess, time
    subprocess.Popen(["sleep", "300"], start_new_session=True)
    print("started", flush=True)
    time.sleep(300)
"""


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment contains ``marker`` (everything a run started inherits it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes() and "Z" not in _state(entry):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def _state(entry: Path) -> str:
    return (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]


def interrupt_after_start(command: list[str], cwd: Path, marker: str, started: Path) -> tuple[int, float]:
    """Start ``command``, wait until the slow snippet runs, send SIGINT; (exit code, seconds to exit)."""
    env = {**os.environ, "SNIPPETS_CACHE_DIR": str(cwd / "cache"), "SNIPPETS_DEVICE": "cpu",
           "NO_MKDOCS_2_WARNING": "1", "RUN_MARKER": marker}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not any(started.glob("*")) and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        time.sleep(0.2)
    time.sleep(1)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("Ctrl-C did not stop the run within 30 s")
    return code, time.monotonic() - sent


SLOW_SIGNALLING = SLOW.replace('print("started", flush=True)',
                               'open(__import__("os").environ["STARTED_FILE"], "w").close()')


def test_ctrl_c_stops_mkdocs_build_at_once_and_leaves_nothing(tmp_path):
    make_site(tmp_path, '# Lesson\n\n```python\n--8<-- "slow.py"\n```\n\n```python\n--8<-- "fast.py"\n```\n',
                {"slow.py": SLOW_SIGNALLING, "fast.py": "# quick\nprint('done')\n"})
    (tmp_path / "started").mkdir()
    os.environ["STARTED_FILE"] = str(tmp_path / "started" / "slow")
    marker = f"ctrl-c-build-{os.getpid()}-{time.monotonic_ns()}"
    try:
        code, seconds = interrupt_after_start([sys.executable, "-m", "mkdocs", "build"], tmp_path, marker,
                                              tmp_path / "started")
    finally:
        del os.environ["STARTED_FILE"]
    assert code != 0
    assert seconds < 5, f"took {seconds:.1f} s to stop"
    time.sleep(1)
    assert processes_with(marker) == [], "snippet, detached child or worker outlived the build"
    entries = [p for p in (tmp_path / "cache").glob("*/*") if p.is_dir()]
    assert entries == [], f"an interrupted build cached {entries}"


def test_ctrl_c_stops_pytest_at_once_and_leaves_nothing(tmp_path):
    """The pytest adapter, in a copy of this project's test harness over a one-page site."""
    add_test_harness(make_site(tmp_path, "# Lesson\n\n```python\n--8<-- \"slow.py\"\n```\n",
                               {"slow.py": SLOW_SIGNALLING}))
    (tmp_path / "started").mkdir()
    os.environ["STARTED_FILE"] = str(tmp_path / "started" / "slow")
    marker = f"ctrl-c-pytest-{os.getpid()}-{time.monotonic_ns()}"
    try:
        code, seconds = interrupt_after_start([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests"],
                                              tmp_path, marker, tmp_path / "started")
    finally:
        del os.environ["STARTED_FILE"]
    assert code != 0
    assert seconds < 5, f"took {seconds:.1f} s to stop"
    time.sleep(1)
    assert processes_with(marker) == []
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
    worker = client._process.pid
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


ESCAPES = """
    # leaves three processes behind: same group, a new session, and a double-forked daemon
    import os, subprocess, sys, time
    same = subprocess.Popen(["sleep", "300"])
    session = subprocess.Popen(["sleep", "301"], start_new_session=True)
    daemon = subprocess.Popen([sys.executable, "-c",
        "import os, subprocess; os.setsid(); p = subprocess.Popen(['sleep', '302']); print(p.pid, flush=True)"],
        stdout=subprocess.PIPE, text=True)
    grandchild = int(daemon.stdout.readline())
    daemon.wait()
    print(same.pid, session.pid, grandchild, flush=True)
    {ending}
"""


@pytest.mark.parametrize("ending", ["print('done')", "time.sleep(300)"], ids=["finishes", "times-out"])
def test_nothing_a_snippet_started_survives_it(tree, session, ending):
    path = write(tree, "escapes.py", textwrap.dedent(ESCAPES).format(ending=ending))
    outcome = session.run([b := block(path, Mark("timeout", (15,)))])[b]
    pids = [int(p) for p in outcome.result.output.split("\n")[0].split()]
    assert len(pids) == 3, outcome.result.output
    time.sleep(0.5)
    alive = [p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in _state(Path(f"/proc/{p}"))]
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


def test_peak_memory_is_recorded_and_shown(tree, session):
    path = write(tree, "holds.py", "# holds 300 MB for a moment\nimport time\nx = bytearray(300 << 20)\ntime.sleep(0.5)\n")
    outcome = session.run([b := block(path)])[b]
    assert outcome.status == "ok"
    assert outcome.result.peak_memory > 300 << 20
    html = outcome_html(b, outcome, lambda f: f.name)
    assert " peak" in html and "ran in " in html
