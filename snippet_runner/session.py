"""Decide, for every block of the site, whether to run it, take it from the cache, or leave it.

This is the one entry point the build hooks and the pytest plugin share, so both run snippets
the same way: same worker, same isolation, same cache.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache, packages_digest, snippet_key
from .collect import Block
from .execute import Result, Runner, Task


@dataclass
class Outcome:
    """What happened to one block."""

    status: str  # "ok" | "failed" | "not-run" | "inline"
    result: Result | None = None
    reason: str = ""  # for "not-run": why it was not executed here
    cached: bool = False


@dataclass
class Stats:
    executed: int = 0
    cached: int = 0
    not_run: int = 0
    failed: int = 0
    seconds: float = 0.0  # snippet run time of the executed ones


class Session:
    def __init__(self, cache_dir: Path, *, device: str = "auto", jobs: int | None = None,
                 read_cache: bool = True, progress: bool = False, display_root: Path | None = None) -> None:
        self.cache = Cache(cache_dir)
        self._packages = packages_digest()
        # Probing the environment needs the warm worker (seconds to start); remembering the answer
        # next to the cache means a build whose snippets are all cached never starts it.
        self.runner = Runner(device=device, jobs=jobs, remember_environment_in=self.cache.root,
                             fingerprint=self._packages)
        self.read_cache = read_cache
        self.progress = progress
        self.display_root = display_root
        self.stats = Stats()
        self._scratch = Path(tempfile.mkdtemp(prefix="snippet-results-"))

    @property
    def environment(self) -> dict:
        return self.runner.environment()

    def key(self, block: Block) -> str:
        return snippet_key(block.snippet.read_bytes(), self.environment, self._packages, block.timeout)

    def display_name(self, snippet: Path) -> str:
        if self.display_root:
            try:
                return snippet.relative_to(self.display_root).as_posix()
            except ValueError:
                pass
        return snippet.name

    def run(self, blocks: list[Block]) -> dict[tuple[str, int], Outcome]:
        """Outcomes for the given blocks, keyed by (page, line); misses run in parallel."""
        outcomes: dict[tuple[str, int], Outcome] = {}
        pending: dict[str, list[Block]] = {}  # cache key -> blocks showing that snippet
        for block in blocks:
            where = (block.page, block.line)
            if block.snippet is None:
                outcomes[where] = Outcome("inline")
            elif block.skip_reason:
                outcomes[where] = Outcome("not-run", reason=block.skip_reason)
            elif block.gpu_reason and self.environment["device"] != "cuda":
                outcomes[where] = Outcome("not-run", reason=f"{block.gpu_reason} (no CUDA GPU here)")
            else:
                key = self.key(block)
                cached = self.cache.get(key) if self.read_cache else None
                if cached is not None:
                    outcomes[where] = Outcome("ok", cached, cached=True)
                else:
                    pending.setdefault(key, []).append(block)

        keys = list(pending)
        tasks = [Task(pending[k][0].snippet, self.display_name(pending[k][0].snippet), pending[k][0].timeout)
                 for k in keys]
        folders = [self._scratch / k for k in keys]
        results = self.runner.run_many(tasks, folders, progress=self.progress)
        for key, task, result in zip(keys, tasks, results):
            if result.ok:
                result = self.cache.put(key, result, task.display_name)
            self.stats.seconds += result.duration
            for block in pending[key]:
                outcomes[(block.page, block.line)] = Outcome("ok" if result.ok else "failed", result)

        self.stats.executed += len(keys)
        self.stats.cached += sum(o.cached for o in outcomes.values())
        self.stats.not_run += sum(o.status == "not-run" for o in outcomes.values())
        self.stats.failed += sum(o.status == "failed" for o in outcomes.values())
        return outcomes

    def close(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)
