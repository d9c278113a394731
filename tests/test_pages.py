"""Every Python code block on every page runs, through the same runner the build uses.

snippet_runner's pytest plugin parametrizes ``snippet_block`` over the site's blocks (ids
page:line:include, page markers as pytest marks) and runs them all once (``snippet_outcomes``). A
block that is not executed here (marked skip: needs network; marked gpu on a machine without one)
shows as a skip with the reason the session gives, the same words the page shows; a page whose
blocks cannot be collected is one failure naming page and line.
"""

from __future__ import annotations

import pytest

from snippet_runner import failure_message
from snippet_runner.pytest_plugin import block_param as _param  # noqa: F401 (other tests parametrize with it)


def test_snippet_runs(snippet_block, snippet_outcomes):
    if isinstance(snippet_block, str):  # a page that does not collect: its page:line and what is wrong
        pytest.fail(snippet_block, pytrace=False)
    outcome = snippet_outcomes[snippet_block]
    if outcome.status == "not-run":
        pytest.skip(f"not executed here: {outcome.reason}")
    if outcome.status == "failed":
        pytest.fail(f"{failure_message(snippet_block, outcome)}\n\n{outcome.result.output[-4000:]}", pytrace=False)
    assert outcome.status == "ok"
