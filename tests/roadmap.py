"""The roadmap (seed/roadmap.zh.md) and how much of it the snippets carry.

Every Python block of the roadmap belongs to the numbered section it sits under (``1.2.4``). A
snippet that carries such a block says so on its first line: ``# roadmap 1.2.4``. A section is
covered when at least as many snippets carry it as it has Python blocks.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tests.project import SEED, snippet_files

HEADING = re.compile(r"^#{2,6}\s.*?(\d+(?:\.\d+)+)")
TAG = re.compile(r"^#\s*roadmap\s+(\d+(?:\.\d+)*)\b(.*)$")


def seed_blocks(seed: Path = SEED) -> Counter:
    """Number of Python code blocks in each numbered section of the roadmap."""
    counts, section, fence = Counter(), None, False
    for line in seed.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if not fence and line.strip() == "```python":
                counts[section] += 1
            fence = not fence
        elif not fence and (match := HEADING.match(line)):
            section = match.group(1)
    return counts


def seed_sections(seed: Path = SEED) -> set[str]:
    """Every numbered section of the roadmap (with or without code), e.g. "1.2" and "1.2.4"."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    return {m.group(1) for line in lines if (m := HEADING.match(line))}


def snippet_tags() -> dict[Path, str | None]:
    """The roadmap section each snippet names on its first line, or None."""
    tags = {}
    for path in snippet_files():
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        match = TAG.match(first)
        tags[path] = match.group(1) if match else None
    return tags


def coverage() -> dict[str, tuple[int, int]]:
    """section -> (Python blocks in the roadmap, snippets that name the section)."""
    carried = Counter(tag for tag in snippet_tags().values() if tag)
    return {section: (count, carried[section]) for section, count in sorted(seed_blocks().items(),
                                                                           key=lambda kv: _order(kv[0]))}


def _order(section: str) -> tuple[int, ...]:
    return tuple(int(part) for part in section.split("."))


def coverage_report() -> list[str]:
    by_stage: dict[str, list[str]] = {}
    missing: dict[str, list[str]] = {}
    for section, (blocks, snippets) in coverage().items():
        stage = section.split(".")[0]
        by_stage.setdefault(stage, []).append(section)
        if snippets < blocks:
            missing.setdefault(stage, []).append(f"{section} ({snippets}/{blocks})")
    lines = []
    for stage, sections in by_stage.items():
        gaps = missing.get(stage, [])
        status = "complete" if not gaps else "missing " + ", ".join(gaps)
        lines.append(f"stage {stage}: {len(sections) - len(gaps)}/{len(sections)} sections with code covered; {status}")
    total = sum(b for b, _ in coverage().values())
    lines.append(f"roadmap: {total} Python blocks in {len(coverage())} sections")
    return lines
