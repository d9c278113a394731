"""Compare two outputs of the same snippet, ignoring exactly the lines that are timings by design.

The convention (CONTRIBUTING.md): a line the snippet prints that contains the word ``measured`` is
a timing line, e.g. ``print(f"one epoch: {seconds:.2f} s (measured)")``. A snippet whose timing lines
cannot carry the word (a profiler's table) declares them in a comment of its own::

    # timing lines: ^\\s*(aten::|Self CPU)

(a Python regular expression searched in each output line). Everything else must be identical
from run to run.
"""

from __future__ import annotations

import difflib
import re

from .render import clean_output

MEASURED = re.compile(r"\bmeasured\b", re.IGNORECASE)
DIRECTIVE = re.compile(r"^#\s*timing lines:\s*(?P<pattern>.+?)\s*$", re.MULTILINE)


def timing_patterns(source: str) -> list[re.Pattern]:
    """The snippet's own timing-line patterns (``# timing lines: REGEX`` comments)."""
    return [re.compile(match["pattern"]) for match in DIRECTIVE.finditer(source)]


def is_timing_line(line: str, patterns: list[re.Pattern]) -> bool:
    return bool(MEASURED.search(line)) or any(p.search(line) for p in patterns)


def stable_lines(output: str, source: str) -> list[str]:
    """The output as a page shows it, without its timing lines."""
    patterns = timing_patterns(source)
    return [line for line in clean_output(output).split("\n") if not is_timing_line(line, patterns)]


def output_diff(before: str, after: str, source: str, context: int = 1) -> list[str]:
    """A short unified diff of two outputs' stable lines; [] when they agree."""
    a, b = stable_lines(before, source), stable_lines(after, source)
    if a == b:
        return []
    return list(difflib.unified_diff(a, b, "before", "after", n=context, lineterm=""))
