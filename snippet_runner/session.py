"""Decide, for every block of the site, whether to run it, take it from the cache, or leave it.

This is the one entry point the build hook and the pytest plugin share, so both run snippets
the same way: same worker, same isolation, same cache, and one definition of "not executed here".
"""

from __future__ import annotations

import platform
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache, Lookup, packages_digest, snippet_key
from .collect import Block
from .results import Outcome, Policy, Result, Task
from .runner import Runner


@dataclass
class Stats:
    executed: int = 0
    cached: int = 0
    not_run: int = 0
    failed: int = 0
    seconds: float = 0.0  # snippet run time of the executed ones


class Session:
    def __init__(self, cache_dir: Path, *, device: str = "auto", jobs: int | None = None,
                 read_cache: bool = True, progress: bool = False, display_root: Path | None = None,
                 policy: Policy = Policy(), scratch: Path | None = None) -> None:
        self.cache = Cache(cache_dir)
        self.policy = policy  # the site's course: its checks and stamp (Site.session passes the course file's)
        # Probing the environment needs the warm worker (seconds to start); remembering the answer
        # next to the cache means a build whose snippets are all cached never starts it.
        self.runner = Runner(device=device, jobs=jobs, remember_environment_in=self.cache.root,
                             fingerprint=packages_digest(), policy=policy)
        self.read_cache = read_cache
        self.progress = progress
        self.display_root = display_root
        self.stats = Stats()
        self._ran: dict[str, Result] = {}  # cache key -> result this session executed (what a fresh session reuses)
        # Where failed runs' figures stay (a passing run's move into the cache): a new temporary folder, or
        # ``scratch`` (an existing folder), removed by close() either way.
        self._scratch = Path(scratch) if scratch is not None else Path(tempfile.mkdtemp(prefix="snippet-results-"))

    @property
    def environment(self) -> dict:
        return self.runner.environment()

    def _lookup_environment(self) -> dict:
        return {"python": platform.python_version(), "device": self.environment["device"], "course": self.policy.digest}

    def not_run_reason(self, block: Block) -> str | None:
        """Why this block is not executed here (needs network, no GPU here), or None: the one rule."""
        if block.skip_reason:
            return block.skip_reason
        if block.gpu_reason and self.environment["device"] != "cuda":
            return f"{block.gpu_reason} (no CUDA GPU here)"
        return None

    def key(self, block: Block, source: bytes | None = None) -> str:
        """The block's cache key: the exact bytes (``source``, read once by the caller, or now), the
        file's name, its time limit and the runner's own source."""
        source = block.snippet.read_bytes() if source is None else source
        return snippet_key(source, block.timeout, self.display_name(block.snippet))

    def lookup(self, block: Block, source: bytes | None = None) -> Lookup:
        """A valid cached result for this block here, or why there is none (nothing is run)."""
        return self.cache.lookup(self.key(block, source), self._lookup_environment())

    def display_name(self, snippet: Path) -> str:
        if self.display_root:
            try:
                return snippet.relative_to(self.display_root).as_posix()
            except ValueError:
                pass
        return snippet.name

    def run(self, blocks: list[Block]) -> dict[Block, Outcome]:
        """Outcomes for the given blocks (keyed by the block itself); misses run in parallel.

        A snippet runs at most once per session: another block showing it later (the same page in
        another language) gets the result this session produced, even when the session ignores
        the cache (``fresh``)."""
        self.runner.allow_start()  # a new run: a worker may start again after an earlier Ctrl-C
        outcomes: dict[Block, Outcome] = {}
        pending: dict[str, list[Block]] = {}  # cache key -> blocks showing that snippet
        sources: dict[str, bytes] = {}  # cache key -> the bytes it was computed from: the bytes that run
        for block in blocks:
            if block.snippet is None:
                outcomes[block] = Outcome("inline")
            elif reason := self.not_run_reason(block):
                outcomes[block] = Outcome("not-run", reason=reason)
            else:
                source = block.snippet.read_bytes()  # once: an edit from now on is the next run's business
                key = self.key(block, source)
                # The cache on disk, validated; a fresh session (which ignores it) still reuses what it ran itself.
                cached = (self.cache.lookup(key, self._lookup_environment()).result if self.read_cache
                          else self._ran.get(key))
                if cached is not None:
                    outcomes[block] = Outcome("ok", cached, cached=True)
                else:
                    if not pending:  # the first miss: the worker starts while the other lookups go on
                        self.runner.warm_up()
                    pending.setdefault(key, []).append(block)
                    sources[key] = source

        keys = list(pending)
        tasks = [Task(pending[k][0].snippet, self.display_name(pending[k][0].snippet), pending[k][0].timeout,
                      max(b.memory_gb for b in pending[k])) for k in keys]
        folders = [self._scratch / k for k in keys]
        results = self.runner.run_many(tasks, folders, progress=self.progress, sources=[sources[k] for k in keys])
        for key, task, result in zip(keys, tasks, results):
            if result.ok:
                result = self.cache.put(key, result, task.display_name)
                self._ran[key] = result
            self.stats.seconds += result.duration
            for block in pending[key]:
                outcomes[block] = Outcome("ok" if result.ok else "failed", result)

        self.stats.executed += len(keys)
        self.stats.cached += sum(o.cached for o in outcomes.values())
        self.stats.not_run += sum(o.status == "not-run" for o in outcomes.values())
        self.stats.failed += sum(o.status == "failed" for o in outcomes.values())
        return outcomes

    def figure_uri(self, figure: Path) -> str:
        """Where a result's figure is, relative to the cache (a failed run's: under ``unsaved/``)."""
        try:
            return self.cache.figure_uri(figure)
        except ValueError:
            return f"unsaved/{Path(figure).relative_to(self._scratch).as_posix()}"

    def close(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)
