"""Run the code blocks of a documentation site as real programs.

collect (find blocks and their snippet files) -> execute (warm worker, one forked process per
snippet) -> cache (results on disk, keyed by content and environment) -> render (HTML under the
block). The MkDocs hooks in ``site_hooks/`` and the pytest plugin in ``tests/`` are thin
adapters over :class:`Session`, so the build and the tests run snippets the same way.
"""

from .cache import Cache
from .collect import Block, CollectError, Mark, SnippetExpander, collect_page, collect_site
from .execute import DEFAULT_TIMEOUT, Failure, Result, Runner, Task
from .render import clean_output, failure_message, outcome_html, page_stamp_html
from .session import Outcome, Session

__all__ = [
    "Block", "Cache", "CollectError", "DEFAULT_TIMEOUT", "Failure", "Mark", "Outcome", "Result", "Runner",
    "Session", "SnippetExpander", "Task", "clean_output", "collect_page", "collect_site", "failure_message",
    "outcome_html", "page_stamp_html",
]
