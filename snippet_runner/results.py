"""The runner's data: a snippet to run (Task) and what running it produced (Result, Failure).

Kept apart from the code that runs snippets, so collecting, caching and rendering can use them
without importing the process machinery.
"""

from __future__ import annotations

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
    environment: dict = field(default_factory=dict)  # python, torch, torchvision, device, device_name
    finished: str = field(default_factory=lambda: time.strftime("%Y-%m-%d", time.gmtime()))  # UTC date
    peak_memory: int = 0  # bytes: the largest resident size of the snippet's processes together
    distributions: dict[str, str] = field(default_factory=dict)  # installed distributions it imported -> version
    figure_titles: list[str] = field(default_factory=list)  # one per figure ("" when untitled)
    splits: list[dict] = field(default_factory=list)  # train/test pairs it left behind (see splits.py)

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
