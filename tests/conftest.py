"""This project's test setup. The snippets' part is snippet_runner's pytest plugin (the pytest11
entry point): options (--device, --fresh, --jobs, --shard), the site's blocks as tests, one
parallel run of every selected snippet. Here: the course's warm worker, test order, the roadmap
summary, the built sites (the whole site, served; the offline site)."""

from __future__ import annotations

import pytest

from tests import roadmap
from tests.project import site


def pytest_configure(config):
    from snippet_runner import runner

    runner.preload(site().course.get("PRELOAD", ()))  # the course's warm worker, for every Session of the tests
    for marker in ("browser: drives the built site in headless Chromium",
                   "slow: takes more than a few seconds (a real build, a worker of its own); "
                   "pytest -m 'not slow' leaves these out"):
        config.addinivalue_line("markers", marker)


def pytest_collection_modifyitems(config, items):
    """Browser tests build the whole site: run them last, when the other tests have filled the cache (the
    pytest plugin then puts every test that waits for the snippets' run after the others, keeping this order)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def outcomes(snippet_outcomes):
    """Every selected test's block, run once (snippet_runner's pytest plugin: options, sharding, the run)."""
    return snippet_outcomes


def pytest_terminal_summary(terminalreporter):
    terminalreporter.section("roadmap coverage")
    for line in roadmap.coverage_report():
        terminalreporter.write_line(line)


def _build(config: str, folder, log, env: dict | None = None):
    """Start ``mkdocs build`` of this site with ``config`` into ``folder`` (a Popen; its log goes to ``log``)."""
    import os
    import subprocess
    import sys

    from tests.project import ROOT

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", config, "--site-dir",
                             str(folder)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _finish(build, log, what: str, timeout: float = 3000) -> None:
    try:
        code = build.wait(timeout)
    except BaseException:
        build.kill()
        build.wait()
        raise
    log.seek(0)
    if code != 0:
        pytest.fail(f"{what} failed (exit code {code}):\n{log.read().decode(errors='replace')[-6000:]}", pytrace=False)


class _Build:
    """A build of this site with ``config`` into a temporary folder of its own, started now (a Popen, its log
    in a temporary file); ``env`` adds variables."""

    def __init__(self, config: str, env: dict | None = None):
        import tempfile
        from pathlib import Path

        self.config = config
        self.folder = Path(tempfile.mkdtemp(prefix=f"built-{Path(config).stem}-"))
        self.log = tempfile.TemporaryFile()
        self.process = _build(config, self.folder, self.log, env)

    def wait(self, check: bool = True):
        if check:
            _finish(self.process, self.log, f"mkdocs build -f {self.config}")
        else:
            self.process.wait(3000)
        return self.folder

    def stop(self) -> None:
        import shutil

        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _offline_environment() -> dict:
    """The offline build's SNIPPETS_CACHE_DIR. Page, template and notebook-preview caches of its own, kept
    from run to run in offline/ beside the snippet cache (they sit beside the snippet cache a build is
    given): its pages are other pages (file links), and each build evicts the records it did not use, so
    the two builds must not share them. The snippets' results are the site's (offline/snippets links to them)."""
    import os
    from pathlib import Path

    results = site().cache_dir.resolve()
    results.mkdir(parents=True, exist_ok=True)
    link = results.parent / "offline" / "snippets"
    link.parent.mkdir(exist_ok=True)
    if not link.is_symlink() or Path(os.readlink(link)) != results:
        link.unlink(missing_ok=True)
        link.symlink_to(results)
    return {"SNIPPETS_CACHE_DIR": str(link)}


_builds: dict = {}  # "site" (mkdocs.yml, served), "offline" (mkdocs-offline.yml): started once per test run
# ("early": whether pytest_runtest_setup has started them)


def _wanted(items, fixture: str, existing: str) -> bool:
    """Whether a test of this run uses ``fixture`` and the variable ``existing`` names no site built already."""
    import os

    return not os.environ.get(existing) and any(fixture in getattr(item, "fixturenames", ()) for item in items)


def _start_builds(config, items) -> None:
    """Start the builds this run's tests use, once. The offline build starts beside the whole site's (each is
    one Python thread, and the machine has two cores or more) only if a build takes every snippet's result
    from the cache, as after this run's own run of the snippets: else both would run each of them."""
    if "site" not in _builds and _wanted(items, "served_site", "TEST_SITE_DIR"):
        _builds["site"] = _Build("mkdocs.yml")
        config.add_cleanup(_builds["site"].stop)
    if "offline" not in _builds and _wanted(items, "offline_site", "TEST_OFFLINE_SITE_DIR") \
            and ("site" not in _builds or _every_result_cached()):
        _start_offline(config)


def _start_offline(config) -> _Build:
    if "offline" not in _builds:
        _builds["offline"] = _Build("mkdocs-offline.yml", _offline_environment())
        config.add_cleanup(_builds["offline"].stop)
    return _builds["offline"]


def pytest_runtest_setup(item):
    """As soon as the snippets' run in the background (snippet_runner's pytest plugin) is done, start the
    builds of the sites the last tests use: they then run beside the tests that need no snippet, not after them."""
    plugin = item.config.pluginmanager.get_plugin("snippet-runner-site")
    background = getattr(plugin, "background", None)
    if background is not None and background.done() and "early" not in _builds:
        _builds["early"] = True
        _start_builds(item.config, item.session.items)


def _every_result_cached() -> bool:
    """Whether a build of the site now takes every snippet's result from the cache (as after this run's
    own run of the snippets), with the build's settings: SNIPPETS_DEVICE and SNIPPETS_FRESH as it reads them."""
    import os

    settings = site().settings
    fresh = os.environ["SNIPPETS_FRESH"].strip().lower() not in ("", "0", "false", "no", "off") \
        if "SNIPPETS_FRESH" in os.environ else settings.get("fresh")
    if fresh:
        return False
    session = site().session(device=os.environ.get("SNIPPETS_DEVICE") or settings.get("device") or "auto")
    try:
        return all(session.lookup(block).result is not None for block in site().blocks()
                   if block.snippet is not None and not session.not_run_reason(block))
    finally:
        session.close()


@pytest.fixture(scope="session")
def offline_site(request, snippet_outcomes):
    """The site built with mkdocs-offline.yml (TEST_OFFLINE_SITE_DIR: one built already), for reading from
    the file system: built once per test run, at the same time as the whole site where a test needs that too,
    after this run's own run of the snippets (``snippet_outcomes``: a build then takes them from the cache)."""
    import os
    from pathlib import Path

    if os.environ.get("TEST_OFFLINE_SITE_DIR"):
        return Path(os.environ["TEST_OFFLINE_SITE_DIR"])
    return _start_offline(request.config).wait()


@pytest.fixture(scope="session")
def served_site(request, snippet_outcomes):
    """The whole site, built once per test run (TEST_SITE_DIR: an existing build) and served on loopback;
    the browser tests and the Chinese search test share it. Where the test run also checks the offline
    site, its build runs at the same time (both are one Python thread). Both start after this run's own
    run of the snippets (``snippet_outcomes``), so neither runs a snippet that run is running."""
    import functools
    import http.server
    import os
    import sys
    import threading
    from pathlib import Path

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            """A browser that closed a connection mid-answer (a test's page closed while a file was still
            coming) is not an error of the site: socketserver printed a traceback for each into the test log."""
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    if os.environ.get("TEST_SITE_DIR"):
        folder = Path(os.environ["TEST_SITE_DIR"])
    else:
        _start_builds(request.config, request.session.items)  # if not started yet
        folder = _builds["site"].wait()
        if "offline" in _builds:
            _builds["offline"].wait(check=False)  # before the browser tests start (they would share the
            # cores); its test checks how it went
    server = Server(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()  # the listening socket too
