"""This project's test setup. The snippets' part is snippet_runner's pytest plugin (the pytest11
entry point): options (--device, --fresh, --jobs, --shard), the site's blocks as tests, one
parallel run of every selected snippet. Here: the course's warm worker, test order, the roadmap
summary, the served site."""

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
    """Browser tests build the whole site: run them last, when the other tests have filled the cache."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def outcomes(snippet_outcomes):
    """Every selected test's block, run once (snippet_runner's pytest plugin: options, sharding, the run)."""
    return snippet_outcomes


def pytest_terminal_summary(terminalreporter):
    terminalreporter.section("roadmap coverage")
    for line in roadmap.coverage_report():
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def served_site(tmp_path_factory):
    """The whole site, built once per test run (TEST_SITE_DIR: an existing build) and served on loopback;
    the browser tests and the Chinese search test share it."""
    import functools
    import http.server
    import os
    import subprocess
    import sys
    import threading
    from pathlib import Path

    from tests.project import ROOT

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    if os.environ.get("TEST_SITE_DIR"):
        folder = Path(os.environ["TEST_SITE_DIR"])
    else:
        folder = tmp_path_factory.mktemp("built-site")
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(folder)], cwd=ROOT,
                       env=env, check=True, timeout=3000)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
