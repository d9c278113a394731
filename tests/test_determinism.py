"""Two fresh runs give the same output, except the lines that are timings by design.

A sample of the site's own snippets, run twice from scratch with snippets in parallel (the
runner's thread pool): a training loop, a DataLoader with worker processes, and a snippet that
serves a model from a thread. Where the test session itself ran one of them (not from the cache, on
the CPU), that run is the first of the two: only the second is run here. Timing lines are exactly
those the snippet marks (the word ``measured`` or its ``# timing lines:`` pattern; see CONTRIBUTING.md).
"""

from __future__ import annotations

import hashlib

import pytest

from snippet_runner import Session
from snippet_runner.compare import is_timing_line, output_diff, stable_lines, timing_patterns
from tests.project import ROOT, blocks
from tests.test_pages import _param

SAMPLE = [
    "stage2/optimizers_training_loop.py",  # trains a model
    "stage2/data_custom_dataset.py",  # a DataLoader with num_workers > 0
    "stage5/nlp_textcls_api.py",  # trains, then serves it from a thread
]


def test_timing_lines_are_exactly_the_marked_ones():
    source = "# prints a table\n# timing lines: ^\\s*(forward|backward)\\s+\\d\nprint('x')\n"
    patterns = timing_patterns(source)
    assert is_timing_line("one epoch: 1.25 s (measured)", []) and is_timing_line("Measured: 3 ms", [])
    assert not is_timing_line("unmeasured quantities stay", [])
    assert is_timing_line("  forward   12.3 ms", patterns) and not is_timing_line("forward pass done", patterns)
    before = "loss 0.51\none epoch: 1.25 s (measured)\n  forward   12.3 ms\n"
    after = "loss 0.51\none epoch: 0.98 s (measured)\n  forward   9.9 ms\n"
    assert stable_lines(before, source) == ["loss 0.51"] and output_diff(before, after, source) == []
    assert output_diff(before, after.replace("0.51", "0.52"), source)[-2:] == ["-loss 0.51", "+loss 0.52"]


def _sample():
    chosen = {}
    for block in blocks():
        if block.include in SAMPLE and block.include not in chosen:
            chosen[block.include] = block
    assert sorted(chosen) == sorted(SAMPLE), f"sample snippets not on any page: {set(SAMPLE) - set(chosen)}"
    return [chosen[include] for include in SAMPLE]


@pytest.fixture(scope="module")
def two_fresh_runs(tmp_path_factory, outcomes, snippet_session):
    """Block -> two outcomes of runs made in this test session, each from scratch: the session's own
    run where it ran the block itself on the CPU (not from the cache), and one or two more here, with
    as many jobs as the session's (so as many threads per snippet)."""
    runs = {}
    for block in _sample():
        outcome = outcomes[block]  # the session's one run of every selected block (the pytest plugin)
        fresh = not outcome.cached and outcome.result is not None and outcome.result.environment.get("device") == "cpu"
        runs[block] = [outcome] if fresh else []
    for number in range(2):
        needed = [block for block, made in runs.items() if len(made) < 2]
        if needed:
            session = Session(tmp_path_factory.mktemp(f"fresh-{number}"), device="cpu",
                              jobs=snippet_session.runner.jobs, read_cache=False)
            ran = session.run(needed)
            session.close()
            for block in needed:
                runs[block].append(ran[block])
    return runs


@pytest.mark.slow
@pytest.mark.parametrize("block", [_param(block) for block in _sample()])
def test_two_fresh_runs_agree(two_fresh_runs, block):
    first, second = two_fresh_runs[block]
    a, b = first.result, second.result
    assert first.status == second.status == "ok", (a.output[-2000:], b.output[-2000:])
    source = block.snippet.read_text(encoding="utf-8")
    assert output_diff(a.output, b.output, source) == []
    digests = [[hashlib.sha256(f.read_bytes()).hexdigest() for f in r.figures] for r in (a, b)]
    assert digests[0] == digests[1], "figures differ between two fresh runs"
