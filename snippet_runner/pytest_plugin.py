"""The pytest plugin (entry point ``pytest11``: loaded wherever this package is installed): every
code block of the MkDocs site in pytest's root folder becomes a test, run through the same
:class:`~snippet_runner.Session` as the build.

A test function that takes the argument ``snippet_block`` is parametrized over the site's blocks
that include a snippet file (ids ``page:line:include``; the page markers become pytest marks, so
``-m gpu`` selects the GPU blocks); the fixture ``snippet_outcomes`` runs every selected block once,
in parallel, and maps each block to its Outcome (every block that a selected test takes as a
parameter, whatever the parameter's name, so other tests about blocks share the one run). A page whose blocks cannot be collected (a bad
marker, a missing include) becomes one failing test naming page and line: the others still run.

Where the run also selects tests that need no outcome, that run starts in the background as soon as
collection ends, in a process of its own, and the tests that need outcomes (``snippet_outcomes``
among their fixtures, directly or not) run after the others: the snippets and the other tests share
the cores instead of taking turns. Where every selected test needs outcomes, the run happens in the
fixture, with a progress bar.

Options: ``--device auto|cpu|cuda``, ``--fresh``, ``--jobs N``, ``--shard I/N``; the site's own
settings (cache folder, course file) come from the snippet-outputs plugin's options in mkdocs.yml,
with SNIPPETS_CACHE_DIR as an override. Where neither pytest's root folder nor the folder it was
started in has a mkdocs.yml, the plugin does nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from . import shards

MARKERS = ("gpu(reason): the block runs only where a CUDA GPU is visible",
           "timeout(seconds): the block's time limit, instead of the default 120 s",
           "memory(GB): the block's memory ceiling, instead of the default 8 GB")


class CollectFailure(str):
    """A page whose blocks could not be collected: its message (page:line: what is wrong)."""


def site_root(config) -> Path | None:
    """The folder of the site's mkdocs.yml: pytest's root folder, else the folder pytest was started in."""
    for folder in (Path(config.rootpath), Path(config.invocation_params.dir)):
        if (folder / "mkdocs.yml").is_file():
            return folder
    return None


class SnippetsPlugin:
    def __init__(self, config: pytest.Config, root: Path) -> None:
        self.config = config
        self.root = root
        self._site = None
        self._blocks = None
        self.errors: list[str] = []
        self.background: BackgroundRun | None = None

    @property
    def site(self):
        if self._site is None:
            from .site import Site

            self._site = Site.load(self.root)
        return self._site

    def blocks(self) -> list:
        if self._blocks is None:
            self._blocks = [b for b in self.site.blocks(self.errors) if b.snippet is not None]
        return self._blocks

    def pytest_generate_tests(self, metafunc):
        if "snippet_block" not in metafunc.fixturenames:
            return
        params = [block_param(block) for block in self.blocks()]
        params += [pytest.param(CollectFailure(error), id=error.split(": ", 1)[0]) for error in self.errors]
        metafunc.parametrize("snippet_block", params)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        """With --shard, keep this shard's snippets (and, in shard 1, every test without a snippet)."""
        if not config.getoption("shard"):
            return
        number, count = shards.parse(config.getoption("shard"))
        session = self.site.session()
        mine = shards.blocks_in_shard(session, {b for item in items if (b := _block(item)) is not None}, number,
                                      count)
        session.close()
        keep = [item for item in items if (_block(item) in mine if _block(item) is not None else number == 1)]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session):
        """Start the snippets' run in the background when other tests can run meanwhile; those go first."""
        config = session.config
        if config.option.collectonly or not any(_needs_outcomes(item) for item in session.items) \
                or all(_needs_outcomes(item) for item in session.items):
            return
        blocks = [block for item in session.items if (block := _block(item)) is not None]
        if not blocks:
            return
        session.items.sort(key=_needs_outcomes)  # stable: the order within each group stays
        options = config.getoption
        self.background = BackgroundRun(self.root, blocks, device=options("device"), jobs=options("jobs"),
                                        fresh=options("fresh"))
        config.add_cleanup(self.background.stop)



def _site_plugin(request) -> SnippetsPlugin:
    plugin = request.config.pluginmanager.get_plugin("snippet-runner-site")
    if plugin is None:
        pytest.fail("no mkdocs.yml in pytest's root folder or in the folder it was started in: no site to run",
                    pytrace=False)
    return plugin


class BackgroundRun:
    """The site's Session running the given blocks in a process of its own, started now (``python -m
    snippet_runner.pytest_plugin``): it has the environment of this moment, before any test changes
    ``os.environ`` (a variable the runner reads, such as SNIPPETS_FIGURE_TEXT, set by a test while the
    run looks up or draws figures would go into the cache), and no test's switch of the shared warm
    worker can stop it. Its outcomes come back pickled, in the order of ``blocks``; the cache on disk
    is the one a build reads."""

    def __init__(self, root: Path, blocks: list, *, device: str, jobs: int | None, fresh: bool) -> None:
        import pickle
        import subprocess
        import tempfile

        self.blocks = blocks
        self.folder = Path(tempfile.mkdtemp(prefix="snippets-in-background-"))
        with open(self.folder / "request.pickle", "wb") as file:
            pickle.dump({"root": str(root), "blocks": blocks, "device": device, "jobs": jobs, "fresh": fresh}, file)
        self.log = open(self.folder / "log", "w+b")
        self.started = time.monotonic()
        self.process = subprocess.Popen([sys.executable, "-m", "snippet_runner.pytest_plugin", str(self.folder)],
                                        cwd=root, stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.stats = None
        self.seconds: float | None = None  # the run's own time, from its start to its end
        self._outcomes: dict | None = None

    def done(self) -> bool:
        return self.process.poll() is not None

    def outcomes(self) -> dict:
        """Wait for the run (Ctrl-C still interrupts the wait): block -> Outcome, or an error with its log."""
        import pickle

        if self._outcomes is None:
            code = self.process.wait()
            answer = self.folder / "outcomes.pickle"
            if code != 0 or not answer.exists():
                self.log.seek(0)
                raise RuntimeError(f"the snippets' run in the background failed (exit code {code}):\n"
                                   + self.log.read().decode(errors="replace")[-6000:])
            with open(answer, "rb") as file:
                answer = pickle.load(file)
            self.stats = answer["stats"]
            self.seconds = answer["seconds"]
            self._outcomes = dict(zip(self.blocks, answer["outcomes"]))
        return self._outcomes

    def stop(self) -> None:
        """End the run if it still runs (as Ctrl-C would: its snippets are killed), and remove its files."""
        import shutil
        import signal
        import subprocess

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)  # the run's failed figures (its scratch) included


def _run_in_background(folder: Path) -> None:
    """The process BackgroundRun starts: run the blocks, pickle their outcomes beside the request."""
    import pickle

    from .site import Site

    with open(folder / "request.pickle", "rb") as file:
        request = pickle.load(file)
    (folder / "scratch").mkdir()  # failed runs' figures: they stay until the test run ends (BackgroundRun.stop)
    session = Site.load(Path(request["root"])).session(device=request["device"], jobs=request["jobs"],
                                                      fresh=request["fresh"], scratch=folder / "scratch")
    started = time.monotonic()
    outcomes = session.run(request["blocks"])
    with open(folder / "outcomes.pickle.tmp", "wb") as file:
        pickle.dump({"outcomes": [outcomes[block] for block in request["blocks"]], "stats": session.stats,
                     "seconds": time.monotonic() - started}, file)
    (folder / "outcomes.pickle.tmp").replace(folder / "outcomes.pickle")


@pytest.fixture(scope="session")
def snippet_session(request):
    """The site's Session for this test run (the command line's --device, --jobs, --fresh). Where the
    run of the selected blocks happens in the background, that process has a Session of its own."""
    options = request.config.getoption
    session = _site_plugin(request).site.session(device=options("device"), jobs=options("jobs"),
                                                 fresh=options("fresh"), progress=True)
    yield session
    session.close()


@pytest.fixture(scope="session")
def snippet_outcomes(request, snippet_session):
    """Run every block the selected tests need, in parallel, once (with a progress bar), or wait for
    the run that started in the background when collection ended."""
    background = _site_plugin(request).background
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if background is not None:
        with capture.global_and_fixture_disabled():
            if not background.done():
                print(f"\n[snippets] waiting for the run of {len(background.blocks)} blocks that started in the "
                      f"background {time.monotonic() - background.started:.0f} s ago", file=sys.stderr, flush=True)
            outcomes = background.outcomes()
            stats = background.stats
            print(f"\n[snippets] the background run: {stats.executed} ran ({stats.seconds:.0f} s of snippet "
                  f"time), {stats.cached} from the cache, {stats.not_run} not run here, {stats.failed} failed; "
                  f"it took {background.seconds:.0f} s", file=sys.stderr, flush=True)
        return outcomes
    selected = [block for item in request.session.items if (block := _block(item)) is not None]
    with capture.global_and_fixture_disabled():
        return snippet_session.run(selected)


def _needs_outcomes(item) -> bool:
    return "snippet_outcomes" in getattr(item, "fixturenames", ())


def block_param(block):
    """A block as a pytest parameter: id page:line:include, its page markers as marks (-m gpu)."""
    marks = [getattr(pytest.mark, m.name)(*m.args, **m.kwargs) for m in block.marks if m.name != "skip"]
    return pytest.param(block, marks=marks, id=f"{block.page}:{block.line}:{block.include}")


def _block(item):
    """The site block a test item is about (any parameter that is a Block), or None."""
    from .collect import Block

    if not hasattr(item, "callspec"):
        return None
    return next((value for value in item.callspec.params.values() if isinstance(value, Block)), None)


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
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    root = site_root(config)
    if root is not None:
        config.pluginmanager.register(SnippetsPlugin(config, root), "snippet-runner-site")


if __name__ == "__main__":  # BackgroundRun's process
    _run_in_background(Path(sys.argv[1]))
