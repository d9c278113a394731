"""Run the code blocks of a documentation site as real programs.

site (where the pages and the cache are) -> collect (find blocks and their snippet files) ->
session (cached or not, run or not) -> runner + worker + child (a warm process, in a bubblewrap
sandbox, that forks one child per snippet) -> cache (results on disk, written by the parent, keyed
on the bytes that ran and on what each snippet used) -> render (HTML under the block). The MkDocs
plugin (``mkdocs_plugin``) and the pytest plugin (``pytest_plugin``), both registered by entry
points, are thin adapters over :class:`Site` and :class:`Session`, so the build and the tests run
snippets the same way. What is specific to one site (its course policy) comes from the site's
course file, named in mkdocs.yml.
"""

from .cache import Cache
from .collect import Block, CollectError, Mark, SnippetExpander, collect_page, collect_site
from .render import clean_output, failure_message, outcome_html, output_position, page_stamp_html
from .results import DEFAULT_MEMORY_GB, DEFAULT_TIMEOUT, Failure, Result, Task
from .runner import Runner
from .session import Outcome, Session
from .site import Site

__all__ = [
    "Block", "Cache", "CollectError", "DEFAULT_MEMORY_GB", "DEFAULT_TIMEOUT", "Failure", "Mark", "Outcome",
    "Result", "Runner", "Session", "Site", "SnippetExpander", "Task", "clean_output", "collect_page",
    "collect_site", "failure_message", "outcome_html", "output_position", "page_stamp_html",
]
