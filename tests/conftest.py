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


class _OfflineBuild:
    """The offline site's build (mkdocs-offline.yml): started beside the whole site's build when a test run
    needs both, since each is one Python thread and the machine has two cores or more."""

    def __init__(self, tmp_path_factory):
        import os
        import tempfile
        from pathlib import Path

        self.folder = tmp_path_factory.mktemp("offline-site")
        # Page, template and notebook-preview caches of its own, kept from run to run in offline/ beside
        # the snippet cache (they sit beside the snippet cache a build is given): its pages are other
        # pages (file links), and each build evicts the records it did not use, so the two builds must
        # not share them. The snippets' results are the site's (offline/snippets links to them).
        results = site().cache_dir.resolve()
        results.mkdir(parents=True, exist_ok=True)
        link = results.parent / "offline" / "snippets"
        link.parent.mkdir(exist_ok=True)
        if not link.is_symlink() or Path(os.readlink(link)) != results:
            link.unlink(missing_ok=True)
            link.symlink_to(results)
        self.log = tempfile.TemporaryFile()
        self.process = _build("mkdocs-offline.yml", self.folder, self.log,
                              {"SNIPPETS_CACHE_DIR": str(link)})

    def wait(self, check: bool = True):
        if check:
            _finish(self.process, self.log, "mkdocs build -f mkdocs-offline.yml")
        else:
            self.process.wait(3000)
        return self.folder

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


_offline: dict = {}


def _offline_build(request, tmp_path_factory, beside_another: bool = False) -> _OfflineBuild | None:
    """The offline site's build, started now if a test of this run uses it and none started yet; None if
    none does, if TEST_OFFLINE_SITE_DIR names one built already, or if ``beside_another`` build and a
    build would run snippets (two builds would run each of them twice)."""
    import os

    if os.environ.get("TEST_OFFLINE_SITE_DIR"):
        return None
    if "build" not in _offline and any("offline_site" in getattr(item, "fixturenames", ())
                                       for item in request.session.items):
        if beside_another and not _every_result_cached():
            return None
        _offline["build"] = _OfflineBuild(tmp_path_factory)
        request.config.add_cleanup(_offline["build"].stop)
    return _offline.get("build")


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
def offline_site(request, tmp_path_factory, snippet_outcomes):
    """The site built with mkdocs-offline.yml (TEST_OFFLINE_SITE_DIR: one built already), for reading from
    the file system: built once per test run, at the same time as the whole site where a test needs that too,
    after this run's own run of the snippets (``snippet_outcomes``: a build then takes them from the cache)."""
    import os
    from pathlib import Path

    if os.environ.get("TEST_OFFLINE_SITE_DIR"):
        return Path(os.environ["TEST_OFFLINE_SITE_DIR"])
    return _offline_build(request, tmp_path_factory).wait()


@pytest.fixture(scope="session")
def served_site(request, tmp_path_factory, snippet_outcomes):
    """The whole site, built once per test run (TEST_SITE_DIR: an existing build) and served on loopback;
    the browser tests and the Chinese search test share it. Where the test run also checks the offline
    site, its build runs at the same time (both are one Python thread). Both start after this run's own
    run of the snippets (``snippet_outcomes``), so neither runs a snippet that run is running."""
    import functools
    import http.server
    import os
    import tempfile
    import threading
    from pathlib import Path

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    if os.environ.get("TEST_SITE_DIR"):
        folder = Path(os.environ["TEST_SITE_DIR"])
    else:
        folder = tmp_path_factory.mktemp("built-site")
        offline = _offline_build(request, tmp_path_factory, beside_another=True)
        with tempfile.TemporaryFile() as log:
            _finish(_build("mkdocs.yml", folder, log), log, "mkdocs build")
        if offline is not None:
            offline.wait(check=False)  # before the browser tests start (they would share the cores); its
            # test checks how it went
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()  # the listening socket too
