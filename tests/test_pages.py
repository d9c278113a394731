"""Every Python code block on every page runs, through the same runner the build uses.

A block that is not executed here (marked skip: needs network; marked gpu on a machine without
one) shows as a skip with the reason the session gives, the same words the page shows.
"""

from __future__ import annotations

import pytest

from snippet_runner import failure_message
from tests.project import blocks


def _param(block):
    """The block, labelled with its page markers (``-m gpu`` selects the GPU blocks)."""
    marks = [getattr(pytest.mark, m.name)(*m.args, **m.kwargs) for m in block.marks if m.name != "skip"]
    return pytest.param(block, marks=marks, id=f"{block.page}:{block.line}:{block.include}")


@pytest.mark.parametrize("block", [_param(b) for b in blocks() if b.snippet is not None])
def test_snippet_runs(block, outcomes):
    outcome = outcomes[block]
    if outcome.status == "not-run":
        pytest.skip(f"not executed here: {outcome.reason}")
    if outcome.status == "failed":
        pytest.fail(f"{failure_message(block, outcome)}\n\n{outcome.result.output[-4000:]}", pytrace=False)
    assert outcome.status == "ok"

