"""The probes of issue 23, each as a real-process test: what an attacker or a careless snippet tried,
and what must happen instead.

Most of them need the sandbox (bubblewrap): where it cannot run here, they are skipped with the
reason the runner gives, and ``test_the_fallback_*`` checks what still holds without it.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from snippet_runner import Mark, Session, outcome_html, runner, sandbox
from tests.project import ROOT
from tests.test_runner import alive_with, block, worker_of_its_own, write

pytestmark = pytest.mark.slow  # every test here runs snippets or builds a site (pytest -m 'not slow' leaves them out)

MISSING = sandbox.unavailable()
needs_sandbox = pytest.mark.skipif(MISSING is not None, reason=f"the sandbox cannot run here: {MISSING}")


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    tree = tmp_path_factory.mktemp("probes")
    (tree / "snippets").mkdir()
    return tree


@pytest.fixture(scope="module")
def session(tree):
    session = Session(tree / "cache", device="cpu", display_root=tree / "snippets")
    yield session
    session.close()


def run(session: Session, tree: Path, name: str, code: str, *marks: Mark):
    b = block(write(tree, name, code), *marks)
    return b, session.run([b])[b]


# -- H1: forging another snippet's cached result -------------------------------------------------

@needs_sandbox
def test_forged_entry_a_snippet_cannot_write_the_cache_and_its_victim_still_fails(tree, session):
    victim = write(tree, "victim.py", "# wrong on purpose\nassert 1 + 1 == 3\n")
    key = session.key(block(victim))
    attack = f"""
        # writes an entry that says the victim passed
        import json, os, pathlib
        folder = pathlib.Path({str(session.cache.root)!r}) / {key!r} / "forged"
        try:
            folder.mkdir(parents=True)
            (folder / "entry.json").write_text(json.dumps({{"schema": 2, "key": {key!r}}}))
            print("forged")
        except OSError as error:
            print("refused", error.errno)
        # the H1 route to the checkout: the parent's working folder
        print(os.path.exists(f"/proc/{{os.getppid()}}/cwd/mkdocs.yml"))
    """
    _, outcome = run(session, tree, "attack.py", attack)
    assert outcome.status == "ok", outcome.result.output
    # Refused (a read-only cache), or written into the sandbox's private /tmp (this test's cache is
    # under /tmp, which the sandbox hides): either way, not into the cache.
    assert outcome.result.output.split("\n")[1] == "False", outcome.result.output  # no way to the checkout
    assert not (session.cache.root / key).exists()
    fresh = Session(tree / "cache", device="cpu", display_root=tree / "snippets")
    try:
        outcome = fresh.run([b := block(victim)])[b]
    finally:
        fresh.close()
    assert outcome.status == "failed" and outcome.result.failure.message.startswith("AssertionError")


def test_forged_or_damaged_entries_are_never_shown(tree, session):
    """An entry whose key, schema or figures do not match what the parent stored is a miss."""
    path = write(tree, "stored.py", "# prints\nprint('real')\n")
    b = block(path)
    assert session.run([b])[b].status == "ok"
    variant = session.cache.variants(session.key(b))[0]
    data = json.loads((variant / "entry.json").read_text())
    data["result"]["output"] = "forged\n"
    data["key"] = "0" * 32  # written for another key: moved here, it is not this snippet's
    (variant / "entry.json").write_text(json.dumps(data))
    assert session.lookup(b).result is None
    again = session.run([b])[b]
    assert again.result.output == "real\n" and again.cached is False


# -- H2: a snippet that kills its worker -----------------------------------------------------------

KILLER = """
    # kills the runner's worker, after leaving a detached process behind
    import os, subprocess, time
    subprocess.Popen(["sleep", "300.75"], start_new_session=True)
    time.sleep(0.5)
    os.kill(os.getppid(), 9)
    time.sleep(30)
"""


@needs_sandbox
def test_worker_kill_fails_that_snippet_alone_and_nothing_it_started_survives(tree):
    killer = write(tree, "killer.py", KILLER)
    innocent = write(tree, "innocent.py", "# takes a moment\nimport time\ntime.sleep(2)\nprint('innocent done')\n")
    blocks = [block(killer), block(innocent, line=5)]
    with worker_of_its_own():  # the worker it kills (and its restarts) are this test's own
        session = Session(tree / "cache-h2", device="cpu", jobs=2, display_root=tree / "snippets")
        try:
            outcomes = session.run(blocks)
        finally:
            session.close()
        assert outcomes[blocks[0]].status == "failed"
        assert "killed the runner's worker" in outcomes[blocks[0]].result.failure.message
        assert outcomes[blocks[1]].status == "ok" and outcomes[blocks[1]].result.output == "innocent done\n"
        assert alive_with("300.75") == [], "a process of the killer outlived the worker"


# -- H3: imports only in a subprocess, and os._exit ------------------------------------------------

def test_subprocess_import_and_os_exit_are_recorded(tree, session):
    _, outcome = run(session, tree, "subimport.py", """
        # imports a package only in a subprocess, then ends with os._exit
        import os, subprocess, sys
        subprocess.run([sys.executable, "-c", "import jieba"], check=True)
        os._exit(0)
    """)  # jieba: a package the worker does not preload, and quick to import (snownlp loads its models: 3-4 s)
    assert outcome.status == "ok", outcome.result.output
    assert "jieba" in outcome.result.distributions, outcome.result.distributions


# -- H4: two files with the same bytes ---------------------------------------------------------------

def test_identical_bytes_under_two_names_are_two_results(tree, session):
    code = "# names itself\nprint('this file is', __file__)\n"
    a, b = block(write(tree, "same_a.py", code)), block(write(tree, "same_b.py", code), line=9)
    outcomes = session.run([a, b])
    assert outcomes[a].result.output == "this file is same_a.py\n"
    assert outcomes[b].result.output == "this file is same_b.py\n"


# -- the file system -----------------------------------------------------------------------------------

@needs_sandbox
@pytest.mark.parametrize("target", [str(ROOT / "probe-write.txt"), "/probe-write.txt",
                                    str(Path.home() / "probe-write.txt"), sys.prefix + "/probe-write.txt"],
                         ids=["repository", "root", "home", "venv"])
def test_a_snippet_cannot_write_outside_its_folders(tree, session, target):
    _, outcome = run(session, tree, "writes.py", f"""
        # tries to write outside its own folder
        try:
            open({target!r}, "w").write("x")
            print("wrote")
        except OSError as error:
            print("refused", error.errno)
    """)
    assert not Path(target).exists()
    if not target.startswith(str(Path.home())):  # the home is a private empty folder in the sandbox
        assert outcome.result.output == "refused 30\n", outcome.result.output  # EROFS


@needs_sandbox
def test_dev_shm_is_writable_and_counts_against_the_ceiling(tree, session):
    """DataLoader workers need /dev/shm; 1.2 GB written there used to pass a 1 GB ceiling unseen."""
    _, outcome = run(session, tree, "shm.py", """
        # writes 1.2 GB into /dev/shm, 100 MB at a time
        import time
        with open("/dev/shm/probe", "wb") as handle:
            for _ in range(12):
                handle.write(b"x" * (100 << 20))
                handle.flush()
                time.sleep(0.3)
        print("survived")
    """, Mark("memory", (1,)))
    assert outcome.status == "failed" and outcome.result.failure.kind == "memory", outcome.result.output
    assert "survived" not in outcome.result.output


def test_temp_folders_of_killed_snippets_are_removed(tree, session):
    _, outcome = run(session, tree, "leaves.py", """
        # fills its folder and its temp folder, then hangs until killed
        import tempfile, time
        open("big.bin", "wb").write(b"x" * (10 << 20))
        folder = tempfile.mkdtemp()
        print(folder, flush=True)
        time.sleep(300)
    """, Mark("timeout", (3,)))
    assert outcome.result.failure.kind == "timeout"
    assert list(runner._worker.runs.glob("run-*")) == []


# -- the network -----------------------------------------------------------------------------------------

@needs_sandbox
def test_udp_and_dns_fail_whatever_the_code(tree, session):
    _, outcome = run(session, tree, "net.py", """
        # the Python guard covers the socket module only: go around it
        import _socket, subprocess
        udp = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
        try:
            udp.sendto(b"x", ("8.8.8.8", 53))
            print("udp sent")
        except OSError as error:
            print("udp refused", error.errno)
        try:
            _socket.getaddrinfo("example.com", 80)
            print("dns resolved")
        except OSError:
            print("dns failed")
        print("curl", subprocess.run(["python3", "-I", "-c", "import socket; socket.create_connection(('1.1.1.1', 80), 3)"],
                                     capture_output=True).returncode)
    """)
    assert outcome.result.output.split("\n")[:3] == ["udp refused 101", "dns failed", "curl 1"], outcome.result.output


@needs_sandbox
def test_a_proxy_on_the_hosts_loopback_is_out_of_reach(tree, session):
    hits = []

    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"through the proxy")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _, outcome = run(session, tree, "proxy.py", f"""
            # asks a proxy on loopback to fetch a page for it
            import os, urllib.request
            os.environ["http_proxy"] = "http://127.0.0.1:{server.server_port}"
            try:
                print(urllib.request.urlopen("http://example.com", timeout=5).read())
            except OSError as error:
                print("refused")
        """)
    finally:
        server.shutdown()
    assert outcome.result.output == "refused\n" and hits == []


def test_environment_token_and_runner_settings_do_not_reach_a_snippet(tree, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_probe_secret")
    monkeypatch.setenv("SNIPPETS_FRESH", "1")
    with worker_of_its_own():  # a worker keeps the environment it started with: one started with these
        session = Session(tree / "cache-env", device="cpu", display_root=tree / "snippets")
        try:
            _, outcome = run(session, tree, "env.py", """
                # looks for secrets
                import os
                print(sorted(name for name in os.environ if "TOKEN" in name or name.startswith("SNIPPETS_")))
                print("ghp_probe_secret" in open("/proc/1/environ", "rb").read().decode(errors="replace"))
            """)
        finally:
            session.close()
    assert outcome.result.output.startswith("[]\n"), outcome.result.output


# -- output --------------------------------------------------------------------------------------------------

def test_an_output_flood_is_cut_and_the_page_says_so(tree, session):
    b, outcome = run(session, tree, "flood.py", "# one 50 MB line\nprint('x' * (50 << 20))\n")
    assert outcome.status == "ok"
    assert len(outcome.result.output) < (runner.OUTPUT_KEPT_BYTES + 1000)
    assert "[runner] output cut: the snippet wrote 50.0 MB" in outcome.result.output
    assert "output cut" in outcome_html(b, outcome, lambda f: f.name)


def test_an_endless_flood_is_killed(tree, session):
    _, outcome = run(session, tree, "endless.py", "# prints forever\nwhile True:\n    print('y' * 1000)\n")
    assert outcome.status == "failed" and outcome.result.failure.kind == "output"
    assert len(outcome.result.output) < runner.OUTPUT_KEPT_BYTES + 1000


def test_closing_stdout_and_stderr_does_not_hide_the_failure(tree, session):
    _, outcome = run(session, tree, "closes.py", "# closes its output, then fails\nimport os\nos.close(1)\n"
                                                 "os.close(2)\nassert 1 + 1 == 3, 'arithmetic'\n")
    failure = outcome.result.failure
    assert failure.kind == "exception" and failure.message == "AssertionError: arithmetic" and failure.line == 5
    assert "AssertionError: arithmetic" in outcome.result.output


@pytest.mark.slow
def test_control_bytes_and_osc_escapes_are_stripped(tree, session):
    b, outcome = run(session, tree, "escapes.py", r"""
        # sets the terminal title, writes the clipboard, a hyperlink, a bell
        print("\x1b]0;owned\x07title\x1b]52;c;ZXZpbA==\x07clip\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x07bell\x1b[31mred\x1b[0m")
    """)
    from snippet_runner import clean_output

    assert clean_output(outcome.result.output) == "titlecliplink bellred"
    html = outcome_html(b, outcome, lambda f: f.name)
    assert "\x1b" not in html and "\x07" not in html
    # From the test's folder (no mkdocs.yml: a worker without the site's preload, which these bytes do not need)
    done = subprocess.run([sys.executable, "-m", "snippet_runner", "run", str(b.snippet)], capture_output=True,
                          cwd=tree, timeout=300)
    assert b"\x1b]" not in done.stdout and b"\x07" not in done.stdout and b"titlecliplink bellred" in done.stdout


# -- without the sandbox ------------------------------------------------------------------------------------

FALLBACK = """
import sys
from pathlib import Path
from snippet_runner import Block, Session
root = Path(sys.argv[1])
blocks = [Block("p.md", 1, 3, "", "", "probe.py", root / "probe.py")]
session = Session(root / "cache", device="cpu")
outcome = session.run(blocks)[blocks[0]]
print(outcome.status, outcome.result.output.strip())
session.close()
"""


FALLBACK_PROBE = ("# what holds without the sandbox\nimport os, socket\n"
                  "try:\n    socket.create_connection(('1.1.1.1', 80), 3)\n    print('reached')\n"
                  "except OSError as error:\n    print('refused' if 'disabled here' in str(error) else error)\n"
                  "print(sorted(n for n in os.environ if 'TOKEN' in n or n.startswith('SNIPPETS_')))\n")


@pytest.fixture(scope="module")
def fallback_runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Both ways without the sandbox, each a process of its own, started together (each is mostly one
    thread: its worker's start and the environment probe's import of torch)."""
    started = {}
    for why in ("off", "not installed"):
        folder = tmp_path_factory.mktemp("fallback")
        (folder / "probe.py").write_text(FALLBACK_PROBE)
        (folder / "run.py").write_text(FALLBACK)
        env = {**os.environ, "GITHUB_TOKEN": "ghp_probe_secret", "PYTHONPATH": str(ROOT)}
        if why == "off":
            env["SNIPPETS_SANDBOX"] = "0"
        else:
            (folder / "bin").mkdir()
            env["PATH"] = str(folder / "bin")  # no bwrap on it
        started[why] = subprocess.Popen([sys.executable, str(folder / "run.py"), str(folder)], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = {}
    try:
        for why, process in started.items():
            stdout, stderr = process.communicate(timeout=300)
            done[why] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    finally:
        for process in started.values():
            process.kill()  # only one that did not finish in time
    return done


@pytest.mark.slow
@pytest.mark.parametrize("why", ["off", "not installed"])
def test_the_fallback_says_once_what_is_missing_and_still_runs(fallback_runs, why):
    done = fallback_runs[why]
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok refused\n[]"
    said = [line for line in done.stderr.splitlines() if "without the sandbox" in line]
    expected = "SNIPPETS_SANDBOX=0 turned it off" if why == "off" else "bubblewrap (bwrap) is not installed"
    assert len(said) == 1 and expected in said[0], done.stderr[-2000:]


# -- errors that name the place ---------------------------------------------------------------------------

def _site(tmp_path: Path, page: str, snippets: dict[str, str]) -> Path:
    from tests.test_build import make_site

    return make_site(tmp_path, page, snippets)


@pytest.mark.parametrize("page, expected", [
    ('# L\n\nText.\n\n<!--pytest.mark.timeout(abc)-->\n```python\n--8<-- "a.py"\n```\n',
     "docs/index.md:5: cannot read the marker <!--pytest.mark.timeout(abc)-->"),
    ('# L\n\n```python\n--8<-- "missing.py"\n```\n',
     "docs/index.md:4: the included snippet 'missing.py' does not exist in snippets/"),
    ('# L\n\n```python\n--8<-- "../mkdocs.yml"\n```\n',
     "docs/index.md:4: the include '../mkdocs.yml' points outside snippets/"),
], ids=["bad marker", "missing include", "include outside snippets"])
def test_a_page_that_cannot_be_collected_stops_the_build_with_one_line(tmp_path, page, expected):
    """Even a plain (non-strict) build: its snippets are never skipped silently."""
    from tests.test_build import build

    site = _site(tmp_path, page, {"a.py": "# a\nprint(1)\n"})
    result = build(site)
    assert result.returncode != 0
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_bad_marker_is_one_failing_test_and_the_other_pages_still_run(tmp_path):
    from tests.test_build import add_test_harness

    site = add_test_harness(_site(tmp_path, '# L\n\n```python\n--8<-- "a.py"\n```\n', {"a.py": "# a\nprint(1)\n"}))
    (site / "docs" / "bad.md").write_text('# B\n\n<!--pytest.mark.memory(-1)-->\n```python\n--8<-- "a.py"\n```\n')
    env = {**os.environ, "SNIPPETS_CACHE_DIR": str(site / "cache")}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rf", "tests"], cwd=site,
                          env=env, capture_output=True, text=True, timeout=300)
    assert "1 failed, 1 passed" in done.stdout, done.stdout[-3000:]
    assert "bad.md:3: pytest.mark.memory takes one positive number (GB)" in done.stdout


@pytest.mark.slow
def test_a_snippet_printing_the_placeholder_cannot_break_the_page(tmp_path):
    from tests.test_build import build

    site = _site(tmp_path, '# L\n\n```python\n--8<-- "a.py"\n```\n\n```python\n--8<-- "b.py"\n```\n',
                 {"a.py": "# looks like the placeholder\nprint('SNIPPETOUTPUT0099X <p>SNIPPETOUTPUT0001X</p>')\n",
                  "b.py": "# another\nprint('second')\n"})
    result = build(site, "--strict")
    assert result.returncode == 0, result.stderr
    html = (site / "site" / "index.html").read_text()
    assert "SNIPPETOUTPUT0099X &lt;p&gt;SNIPPETOUTPUT0001X&lt;/p&gt;" in html and "second" in html
