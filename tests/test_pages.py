"""Every Python code block on every page runs, through the same runner the build uses.

Blocks are collected with pytest-codeblocks' extraction (and its ``<!--pytest.mark...-->``
markers) after pymdownx.snippets has expanded the includes. A block marked skip (needs network)
shows here as a skip with its reason; a block marked gpu is skipped, with its reason, where no
CUDA GPU is visible.
"""

from __future__ import annotations

import pytest

from snippet_runner import failure_message
from tests.project import blocks


def _param(block):
    marks = []
    if block.skip_reason:
        marks.append(pytest.mark.skip(reason=f"not executed here: {block.skip_reason}"))
    for mark in block.marks:
        if mark.name != "skip":
            marks.append(getattr(pytest.mark, mark.name)(*mark.args, **mark.kwargs))
    return pytest.param(block, marks=marks, id=f"{block.page}:{block.line}:{block.include}")


@pytest.mark.parametrize("block", [_param(b) for b in blocks() if b.snippet is not None])
def test_snippet_runs(block, outcomes):
    outcome = outcomes[(block.page, block.line)]
    if outcome.status == "not-run":
        pytest.skip(f"not executed here: {outcome.reason}")
    if outcome.status == "failed":
        pytest.fail(f"{failure_message(block, outcome)}\n\n{outcome.result.output[-4000:]}", pytrace=False)
    assert outcome.status == "ok"
