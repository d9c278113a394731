"""Every Python block of the roadmap is carried by snippets (see tests/roadmap.py)."""

from __future__ import annotations

import pytest

from tests import roadmap


def test_seed_is_read_as_expected():
    counts = roadmap.seed_blocks()
    assert sum(counts.values()) == 42
    assert counts["1.2.4"] == 2 and counts["5.4"] == 1


@pytest.mark.parametrize("stage", ["1", "2", "3", "4", "5"])
def test_stage_is_fully_covered(stage):
    gaps = {section: f"{snippets}/{blocks} snippets" for section, (blocks, snippets) in roadmap.coverage().items()
            if section.split(".")[0] == stage and snippets < blocks}
    assert not gaps, f"roadmap sections whose code no snippet carries: {gaps}"
