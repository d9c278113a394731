"""The pytest plugin (entry point ``pytest11``: loaded wherever this package is installed): every
code block of the MkDocs site in pytest's root folder becomes a test, run through the same
:class:`~snippet_runner.Session` as the build.

A test function that takes the argument ``snippet_block`` is parametrized over the site's blocks
that include a snippet file (ids ``page:line:include``; the page markers become pytest marks, so
``-m gpu`` selects the GPU blocks); the fixture ``snippet_outcomes`` runs every selected block once,
in parallel, and maps each block to its Outcome (every block that a selected test takes as a
parameter, whatever the parameter's name, so other tests about blocks share the one run). A page whose blocks cannot be collected (a bad
marker, a missing include) becomes one failing test naming page and line: the others still run.

Options: ``--device auto|cpu|cuda``, ``--fresh``, ``--jobs N``, ``--shard I/N``; the site's own
settings (cache folder, course file) come from the snippet-outputs plugin's options in mkdocs.yml,
with SNIPPETS_CACHE_DIR as an override. Where neither pytest's root folder nor the folder it was
started in has a mkdocs.yml, the plugin does nothing.
"""

from __future__ import annotations

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



def _site_plugin(request) -> SnippetsPlugin:
    plugin = request.config.pluginmanager.get_plugin("snippet-runner-site")
    if plugin is None:
        pytest.fail("no mkdocs.yml in pytest's root folder or in the folder it was started in: no site to run",
                    pytrace=False)
    return plugin


@pytest.fixture(scope="session")
def snippet_session(request):
    """The site's Session for this test run (the command line's --device, --jobs, --fresh)."""
    options = request.config.getoption
    session = _site_plugin(request).site.session(device=options("device"), jobs=options("jobs"),
                                                 fresh=options("fresh"), progress=True)
    yield session
    session.close()


@pytest.fixture(scope="session")
def snippet_outcomes(request, snippet_session):
    """Run every block the selected tests need, in parallel, once (with a progress bar)."""
    selected = [block for item in request.session.items if (block := _block(item)) is not None]
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        return snippet_session.run(selected)


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
