"""pytest adapter over snippet_runner: options, and one parallel run of every selected snippet."""

from __future__ import annotations

import pytest

from snippet_runner import shards
from tests import roadmap
from tests.project import site


def pytest_addoption(parser):
    group = parser.getgroup("snippets", "running the site's snippets")
    group.addoption("--device", choices=["auto", "cpu", "cuda"], default="auto",
                    help="where snippets run: auto (CUDA when visible), cpu (GPUs hidden), cuda (required)")
    group.addoption("--fresh", action="store_true",
                    help="run every snippet even when a cached result for the same bytes and environment exists")
    group.addoption("--jobs", type=int, default=None, help="snippets run in parallel (default: one per core)")
    group.addoption("--shard", default=None, metavar="I/N",
                    help="run only shard I of N of the snippets (balanced by their recorded run time); "
                         "the other tests run in shard 1")


def pytest_configure(config):
    for marker in ("browser: drives the built site in headless Chromium",
                   "slow: takes more than a few seconds (a real build, a worker of its own); "
                   "pytest -m 'not slow' leaves these out",
                   "gpu(reason): the block runs only where a CUDA GPU is visible",
                   "timeout(seconds): the block's time limit, instead of the default 120 s",
                   "memory(GB): the block's memory ceiling, instead of the default 8 GB"):
        config.addinivalue_line("markers", marker)


def _block(item):
    """The site block a test item is about, or None."""
    return item.callspec.params.get("block") if hasattr(item, "callspec") else None


def pytest_collection_modifyitems(config, items):
    """Browser tests build the whole site: run them last, when the other tests have filled the cache.
    With --shard, keep this shard's snippets (and, in shard 1, every test without a snippet)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if config.getoption("shard"):
        number, count = shards.parse(config.getoption("shard"))
        session = site().session()
        mine = shards.blocks_in_shard(session, {b for item in items if (b := _block(item))}, number, count)
        session.close()
        keep = [item for item in items if (_block(item) in mine if _block(item) else number == 1)]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep


@pytest.fixture(scope="session")
def snippet_session(request):
    options = request.config.getoption
    session = site().session(device=options("device"), jobs=options("jobs"), fresh=options("fresh"), progress=True)
    yield session
    session.close()


@pytest.fixture(scope="session")
def outcomes(request, snippet_session):
    """Run every block the selected tests need, in parallel, once (with a progress bar)."""
    selected = [block for item in request.session.items if (block := _block(item))]
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        return snippet_session.run(selected)


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
