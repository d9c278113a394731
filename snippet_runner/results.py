"""The runner's data: a snippet to run (Task) and what running it produced (Result, Failure).

Kept apart from the code that runs snippets, so collecting, caching and rendering can use them
without importing the process machinery.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

DEFAULT_TIMEOUT = 120.0  # seconds; a page marker <!--pytest.mark.timeout(240)--> raises it
DEFAULT_MEMORY_GB = 8.0  # per snippet, all its processes together; <!--pytest.mark.memory(12)--> raises it


@dataclass
class Task:
    """One snippet to run."""

    snippet: Path
    display_name: str = ""
    timeout: float = DEFAULT_TIMEOUT
    memory_gb: float = DEFAULT_MEMORY_GB

    def __post_init__(self) -> None:
        self.snippet = Path(self.snippet).resolve()
        self.display_name = self.display_name or self.snippet.name


@dataclass
class Failure:
    """Why a snippet did not succeed."""

    kind: str  # "exception" | "exit" | "timeout" | "memory" | "crash" | "interrupted"
    message: str  # "ZeroDivisionError: division by zero"
    line: int | None = None  # line in the snippet where it happened, when known


@dataclass
class Result:
    """What one run of a snippet produced."""

    ok: bool
    output: str
    duration: float
    figures: list[Path] = field(default_factory=list)
    failure: Failure | None = None
    # python, device, device_name; "versions": the stamped distributions' versions; "course": Policy.digest
    environment: dict = field(default_factory=dict)
    finished: str = field(default_factory=lambda: time.strftime("%Y-%m-%d", time.gmtime()))  # UTC date
    peak_memory: int = 0  # bytes: the largest resident size of the snippet's processes together
    distributions: dict[str, str] = field(default_factory=dict)  # installed distributions it imported -> version
    figure_titles: list[str] = field(default_factory=list)  # one per figure ("" when untitled)
    checks: dict = field(default_factory=dict)  # check name -> what the course's check found (see Policy)

    def to_json(self) -> dict:
        data = asdict(self)
        data["figures"] = [p.name for p in self.figures]
        return data

    @classmethod
    def from_json(cls, data: dict, folder: Path) -> Result:
        data = dict(data)
        failure = Failure(**data.pop("failure")) if data.get("failure") else data.pop("failure", None)
        figures = [folder / name for name in data.pop("figures")]
        known = {f for f in cls.__dataclass_fields__}
        return cls(figures=figures, failure=failure, **{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Policy:
    """What a site's course adds to every run (its course file says what; the library carries it out).

    ``checks``: (name, Python source) pairs. Each source defines ``check(namespace)``: after a snippet
    ran without error, it is called in the snippet's own process with the names the snippet left at
    module level, and what it returns (anything JSON holds) is kept as ``Result.checks[name]``.
    ``stamp``: distributions whose installed versions every result records
    (``environment["versions"]``: what a page's stamp and a notebook's setup cell name).
    Both change what a result holds, so a cached result is valid only for the same :attr:`digest`.
    """

    checks: tuple[tuple[str, str], ...] = ()
    stamp: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        """A short digest of the checks' names and sources and of the stamp ("" for no policy)."""
        if not self.checks and not self.stamp:
            return ""
        material = json.dumps([[list(c) for c in self.checks], list(self.stamp)]).encode()
        return hashlib.sha256(material).hexdigest()[:16]


@dataclass
class Outcome:
    """What happened to one block."""

    status: str  # "ok" | "failed" | "not-run" | "inline"
    result: Result | None = None
    reason: str = ""  # for "not-run": why it was not executed here
    cached: bool = False


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
