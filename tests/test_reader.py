"""The reader's run forks snippets from zygotes (snippet_runner/zygote.py): each forked run must
see what a plain ``python file.py`` sees, end as it ends, and leave nothing behind.

These use only standard-library imports that a plain start has not loaded (``colorsys``,
``fractions``, ``multiprocessing``, ``this``), so a zygote is cheap and each test takes about a second."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from snippet_runner import reader, zygote

# What a snippet can see of how it was started; a plain run and a forked run must agree on all of it.
PROBE = '''"""Probe."""
import colorsys
import fractions
import json
import multiprocessing.process
import os
import sys
import threading
main = sys.modules["__main__"]
seen = {
    "name": __name__, "file": __file__, "argv": sys.argv, "orig_argv_tail": sys.orig_argv[1:],
    "path0": sys.path[0], "path_rest": sys.path[1:], "cwd": os.getcwd(), "listing": sorted(os.listdir(".")),
    "main_is_module": main.__dict__ is globals(), "spec": repr(__spec__), "package": __package__,
    "loader": type(__loader__).__name__, "doc": __doc__, "cached": __cached__,
    "globals": sorted(k for k in globals() if k != "seen"),
    "modules": sorted(sys.modules), "threads": threading.active_count(),
    "stdin": sys.stdin.read(), "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd")),
    "multiprocessing_dir": multiprocessing.process.ORIGINAL_DIR,
    "env": {k: v for k, v in os.environ.items() if k not in ("PWD", "OLDPWD", "_")},
}
print(json.dumps(seen))
'''


def _snippet(folder: Path, name: str, source: str, timeout: float = 60) -> reader.Snippet:
    path = folder / name
    path.write_text(source)
    return reader.Snippet(name, path, [f"page.md:{name}"], timeout)


@pytest.fixture
def env():
    return reader.reader_environment()


@pytest.fixture
def zygotes(env):
    tree = zygote.Zygotes(sys.executable, env)
    yield tree
    tree.close()


# -- the import lines, statically ------------------------------------------------------------------

def test_import_lines_are_the_leading_imports_after_a_docstring_as_written():
    source = '"""Doc."""\n# a comment\nimport torch  # why\nfrom torch import nn\n\nimport math\nx = 1\nimport os\n'
    assert zygote.import_lines(source) == ("import torch", "from torch import nn", "import math")
    assert zygote.import_lines("x = 1\nimport torch\n") == ()
    assert zygote.import_lines("from . import sibling\nimport torch\n") == ()  # relative: not a module a zygote has
    assert zygote.import_lines("import torch\ndef (:\n") is None


def test_a_file_that_shadows_a_module_or_imports_from_the_future_runs_plain():
    assert zygote.why_plain(Path("/x/torch.py"), ("import torch",)) is not None
    assert zygote.why_plain(Path("/x/a.py"), ("from __future__ import annotations", "import torch")) is not None
    assert zygote.why_plain(Path("/x/a.py"), ()) is not None
    assert zygote.why_plain(Path("/x/a.py"), None) is not None
    assert zygote.why_plain(Path("/x/a.py"), ("import torch", "from torch import nn")) is None


def test_a_zygote_is_keyed_on_the_lines_that_load_something(zygotes):
    # os, json and sys are loaded by every plain start (with the network guard); colorsys is not
    lines = ("import os", "import colorsys", "import json as j", "from sys import argv", "from fractions import Fraction")
    assert zygotes.key(lines) == ("import colorsys", "from fractions import Fraction")


# -- a forked run is a plain run -------------------------------------------------------------------

def _plain_and_forked(tmp_path, env, zygotes, source, name="probe.py", timeout=60):
    plain = reader.run_plain(_snippet(tmp_path, name, source, timeout), env)
    snippet = _snippet(tmp_path, name, source, timeout)
    key = reader.zygote_key(snippet, zygotes)
    assert key is not None
    zygotes.prepare([key])
    forked = reader.run_forked(snippet, key, zygotes)
    assert forked.forked
    return plain, forked


def _folderless(seen: dict) -> dict:
    """The probe's view with its own (random) temporary folder written as <folder>."""
    folder = seen["path0"]
    return json.loads(json.dumps(seen).replace(folder, "<folder>"))


def test_a_forked_run_sees_what_a_plain_run_sees(tmp_path, env, zygotes):
    plain, forked = _plain_and_forked(tmp_path, env, zygotes, PROBE)
    assert plain.ok and forked.ok, (plain.output, forked.output)
    plain_seen, forked_seen = (_folderless(json.loads(o.output)) for o in (plain, forked))
    assert plain_seen["path0"] == "<folder>" and plain_seen["listing"] == ["probe.py"]
    assert plain_seen["file"] == "<folder>/probe.py" and plain_seen["argv"] == ["probe.py"]
    assert "colorsys" in plain_seen["modules"] and "fractions" in plain_seen["modules"]
    for what in plain_seen:
        assert forked_seen[what] == plain_seen[what], what


def test_import_time_output_is_replayed_and_exit_codes_and_tracebacks_match(tmp_path, env, zygotes):
    source = "import this\nimport colorsys\nprint('after')\nraise SystemExit(3)\n"
    plain, forked = _plain_and_forked(tmp_path, env, zygotes, source, "zen.py")
    assert plain.returncode == forked.returncode == 3
    assert forked.output == plain.output and forked.output.startswith("The Zen of Python")

    failing = "import colorsys\n\ndef f():\n    raise ValueError('no')\n\nf()\n"
    plain, forked = _plain_and_forked(tmp_path, env, zygotes, failing, "fails.py")
    assert plain.returncode == forked.returncode == 1
    assert forked.output.replace(str(Path(forked.output.split('"')[1]).parent), "<folder>") == \
        plain.output.replace(str(Path(plain.output.split('"')[1]).parent), "<folder>")
    assert "_zygote_server" not in forked.output and 'fails.py", line 6, in <module>' in forked.output


def test_a_forked_run_over_its_limit_is_ended_with_what_it_started(tmp_path, zygotes):
    marker = tmp_path / "child.pid"
    source = ("import colorsys\nimport subprocess, sys, time\n"
              f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'], start_new_session=False)\n"
              f"open({str(marker)!r}, 'w').write(str(child.pid))\n"
              "time.sleep(300)\n")
    snippet = _snippet(tmp_path, "sleeps.py", source, timeout=3)
    key = reader.zygote_key(snippet, zygotes)
    zygotes.prepare([key])
    started = time.monotonic()
    outcome = reader.run_forked(snippet, key, zygotes)
    assert outcome.returncode is None and not outcome.ok and "over its time limit of 3 s" in outcome.output
    assert time.monotonic() - started < 30
    child = int(marker.read_text())
    deadline = time.monotonic() + 10
    while psutil.pid_exists(child) and psutil.Process(child).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the snippet's own child outlived it"
        time.sleep(0.1)


def test_zygotes_end_once_their_last_snippet_started_and_close_ends_the_rest(tmp_path, env):
    tree = zygote.Zygotes(sys.executable, env)
    try:
        snippets = [_snippet(tmp_path, f"s{n}.py", f"import colorsys\nimport fractions\nprint({n})\n") for n in range(3)]
        snippets.append(_snippet(tmp_path, "other.py", "import fractions\nprint('other')\n"))
        keys = [reader.zygote_key(s, tree) for s in snippets]
        tree.prepare(keys)
        root = psutil.Process(tree.root_process.pid)
        outcomes = [reader.run_forked(s, k, tree) for s, k in zip(snippets[:3], keys)]
        assert [o.output.strip() for o in outcomes] == ["0", "1", "2"]
        deadline = time.monotonic() + 10  # colorsys's zygotes are done; only the root is left
        while any(c.status() != psutil.STATUS_ZOMBIE for c in root.children(recursive=True)):
            assert time.monotonic() < deadline, [c.cmdline() for c in root.children(recursive=True)]
            time.sleep(0.05)
        assert reader.run_forked(snippets[3], keys[3], tree).output.strip() == "other"
    finally:
        tree.close()
    assert not psutil.pid_exists(root.pid) or root.status() == psutil.STATUS_ZOMBIE


def test_an_import_line_that_fails_in_a_zygote_runs_the_snippet_plain(tmp_path, env, zygotes):
    snippet = _snippet(tmp_path, "missing.py", "import colorsys\nimport no_such_module_here\n")
    zygotes.prepare([reader.zygote_key(snippet, zygotes)])
    outcome = reader.run_one(snippet, env, zygotes=zygotes)
    assert not outcome.forked and outcome.returncode == 1
    assert "ModuleNotFoundError" in outcome.output and "plain process" in outcome.note


def _proc_lists_threads() -> bool:
    import threading
    before = len(os.listdir("/proc/self/task"))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        return len(os.listdir("/proc/self/task")) == before + 1
    finally:
        stop.set()
        thread.join()


def test_an_import_that_leaves_a_native_thread_runs_plain_and_openblas_still_forks(tmp_path, env):
    # A thread started with _thread, not threading: threading.active_count() does not see it, as it
    # does not see the C++ threads a native library starts at import (onnxruntime's, on some machines).
    if not _proc_lists_threads():
        pytest.skip("this machine's /proc/self/task does not list a process's threads, which the zygote counts")
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "starts_a_thread.py").write_text("import _thread\nimport time\n_thread.start_new_thread(time.sleep, (3600,))\n")
    env = {**env, "PYTHONPATH": env["PYTHONPATH"] + os.pathsep + str(modules)}
    tree = zygote.Zygotes(sys.executable, env)
    try:
        snippet = _snippet(tmp_path, "native.py", "import colorsys\nimport starts_a_thread\nprint('ran')\n")
        tree.prepare([reader.zygote_key(snippet, tree)])
        outcome = reader.run_one(snippet, env, zygotes=tree)
        assert outcome.ok and outcome.output.strip() == "ran", outcome.output
        assert not outcome.forked and "the import line started 1 thread," in outcome.note, outcome.note
        numpy_snippet = _snippet(tmp_path, "blas.py", "import numpy\nprint(numpy.ones((300, 300)).dot(numpy.ones(300)).sum())\n")
        tree.prepare([reader.zygote_key(numpy_snippet, tree)])
        forked = reader.run_one(numpy_snippet, env, zygotes=tree)
        assert forked.ok and forked.forked and forked.output.strip() == "90000.0", forked.output
    finally:
        tree.close()


def _threads_onnxruntime_starts(env: dict) -> int:
    """OS threads ``import onnxruntime`` starts after numpy's, measured in a plain process."""
    probe = ("import os\nimport numpy\nbefore = len(os.listdir('/proc/self/task'))\nimport onnxruntime\n"
             "print(len(os.listdir('/proc/self/task')) - before)\n")
    return int(subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                              check=True, timeout=120).stdout)


def test_onnxruntime_runs_plain_where_its_import_starts_a_thread_and_never_hangs_at_exit(tmp_path, env, zygotes):
    # Here onnxruntime starts a native thread at import and joins it at exit: forked, the snippet
    # below printed everything and then hung at exit (OpenMP's new threads reuse the lost one's
    # descriptor). On CI's machine the same wheel started none at import (2026-12-03), and there a
    # fork is what a plain run would do. Either way the snippet must end, with its output.
    pytest.importorskip("onnxruntime", reason="onnxruntime is one of the course's packages (requirements.lock)")
    started_threads = _threads_onnxruntime_starts(env)
    source = ("import numpy\nimport onnxruntime\nimport torch\n"  # numpy first, as in cv_classify_deploy.py
              "x = torch.randn(512, 512)\nprint(float((x @ x).relu().sum()) > 0)\n")
    snippet = _snippet(tmp_path, "ort.py", source, timeout=60)
    zygotes.prepare([reader.zygote_key(snippet, zygotes)])
    started = time.monotonic()
    outcome = reader.run_one(snippet, env, zygotes=zygotes)
    assert outcome.ok and outcome.output.strip().endswith("True"), outcome.output
    assert time.monotonic() - started < 45  # not its time limit: it did not hang
    if started_threads:
        assert not outcome.forked and "the import line started" in outcome.note, (started_threads, outcome.note)
    else:
        assert outcome.forked, outcome.note


def test_a_failure_forked_from_a_zygote_is_confirmed_alone_as_a_plain_process(tmp_path, env, zygotes):
    passing = _snippet(tmp_path, "passes.py", "import colorsys\nprint('fine')\n")
    failing = _snippet(tmp_path, "fails.py", "import colorsys\nraise SystemExit(2)\n")
    zygotes.prepare([reader.zygote_key(s, zygotes) for s in (passing, failing)])
    seen = []
    outcomes = reader.run_all([passing, failing], env, 1, seen.append, zygotes=zygotes)
    assert [o.ok for o in outcomes] == [True, False]
    assert outcomes[0].forked and not outcomes[1].forked and outcomes[1].returncode == 2
    assert [o.snippet.path.name for o in seen] == ["passes.py", "fails.py"]  # each reported once


def test_snippets_beside_another_wait_passively_and_a_failure_is_confirmed_in_the_readers_own_environment(
        tmp_path, env):
    # Fails whenever it sees the wait policy: so it fails beside another and passes alone, as a reader runs it.
    source = "import os\nimport sys\npolicy = os.environ.get('OMP_WAIT_POLICY')\nprint(policy)\nsys.exit(1 if policy else 0)\n"
    snippets = [_snippet(tmp_path, f"policy{i}.py", source) for i in range(2)]
    outcomes = reader.run_all(snippets, env, 2)
    assert all(o.ok and not o.forked for o in outcomes)
    assert all("beside another snippet, passed alone" in o.note for o in outcomes)
    assert all("[first run, failed (exit 1)]\nPASSIVE" in o.output and o.output.rstrip().endswith("None")
               for o in outcomes), [o.output for o in outcomes]
    assert [o.ok for o in reader.run_all(snippets, env, 1)] == [True, True]  # one at a time: the reader's own
