"""MkDocs hooks: run every snippet the pages include and show its output under its code block.

A thin adapter over ``snippet_runner``: all snippets of the site run once per build, before any
page is rendered (in parallel, cached on disk); each page then gets, under each code block, the
snippet's output and figures, a "not executed here" note, or the traceback of a failure. A
failure is logged as a warning naming the page, the snippet, the line and the exception, so
``mkdocs build --strict`` fails on it while ``mkdocs serve`` keeps serving and shows it in the page.

Environment: SNIPPETS_DEVICE=auto|cpu|cuda, SNIPPETS_CACHE_DIR (default .cache/snippets),
SNIPPETS_FRESH=1 to ignore cached results.

Each page with code also becomes a Jupyter notebook (its prose and its snippets, with the outputs
the build produced): offered for download, and rendered by mkdocs-jupyter as a "notebook preview"
page under ``notebooks/`` (out of the nav and the search index), which also proves at build time
that every generated notebook is valid.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from snippet_runner import CollectError, Site, failure_message, outcome_html, output_position, page_stamp_html
from snippet_runner.notebook import page_notebook

log = logging.getLogger("mkdocs.hooks.snippet_outputs")

OUTPUT_DIR = "_snippet_outputs"
NOTEBOOK_DIR = "notebooks"
TOKEN = "SNIPPETOUTPUT{:04d}X"
TOKEN_HTML = re.compile(r"(?:<p>)?SNIPPETOUTPUT(\d{4})X(?:</p>)?")

_state: dict = {}


def on_config(config):
    site = Site.from_config(config)
    _state.clear()
    if "mkdocs-jupyter" in config.plugins:  # its rendered-notebook cache next to ours
        config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(site.cache_dir.parent / "mkdocs-jupyter")
    _state.update(site=site, pages={}, outcomes={}, notebooks={}, previews={}, sources=tempfile.TemporaryDirectory(
        prefix="page-notebooks-"), session=site.session(
        device=os.environ.get("SNIPPETS_DEVICE", "auto"), fresh=os.environ.get("SNIPPETS_FRESH", "") not in ("", "0"),
        progress=sys.stderr.isatty()))
    return config


@event_priority(50)  # before mkdocs-jupyter's on_files, which turns the notebooks added here into pages
def on_files(files, config):
    """Collect every page's blocks once and run (or fetch) every snippet, before any page renders."""
    site: Site = _state["site"]
    every = []
    for file in files.documentation_pages():
        markdown, _ = get_data(file.content_string)  # what on_page_markdown will see: no front matter
        try:
            blocks = site.page_blocks(markdown, file.src_uri)
        except CollectError as error:
            log.error(str(error))
            blocks = []
        front = file.content_string[: max(file.content_string.find(markdown), 0)].count("\n")
        _state["pages"][file.src_uri] = (markdown, blocks, front)
        every.extend(blocks)
    outcomes = _state["session"].run(every)
    _state["outcomes"] = outcomes
    for block in every:
        outcome = outcomes[block]
        if outcome.status == "failed":
            docs = os.path.relpath(config.docs_dir, site.root)
            log.warning(failure_message(block, outcome, docs_prefix=f"{docs}/",
                                        line_offset=_state["pages"][block.page][2]))
        for figure in outcome.result.figures if outcome.result else []:
            uri = f"{OUTPUT_DIR}/{figure.parent.parent.name}/{figure.parent.name}/{figure.name}"
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(figure)))
    for file in files.documentation_pages():
        markdown, blocks, _ = _state["pages"][file.src_uri]
        if blocks:
            _add_notebook(file, markdown, blocks, files, config)
    stats = _state["session"].stats
    log.info(f"snippets: {stats.executed} executed ({stats.seconds:.1f} s of run time), {stats.cached} from the "
             f"cache, {stats.not_run} not executed here, {stats.failed} failed")
    return files


def _add_notebook(file, markdown: str, blocks, files, config) -> None:
    title = next((line[2:].strip() for line in markdown.split("\n") if line.startswith("# ")), file.name)
    notebook = page_notebook(markdown, blocks, _state["outcomes"], title, (config.site_url or "") + file.url)
    _state["notebooks"][file.src_uri] = notebook
    source = Path(_state["sources"].name, _notebook_uri(file.src_uri))
    source.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, source)
    # A file with a real source folder (not File.generated): mkdocs-jupyter reads it from there.
    preview = File(_notebook_uri(file.src_uri), src_dir=_state["sources"].name, dest_dir=config.site_dir,
                   use_directory_urls=config.use_directory_urls)
    files.append(preview)
    # mkdocs-jupyter gives a notebook the URL a Markdown page of the same name would have.
    as_page = File(_notebook_uri(file.src_uri).removesuffix(".ipynb") + ".md", src_dir=None, dest_dir=config.site_dir,
                   use_directory_urls=config.use_directory_urls)
    _state["previews"][file.src_uri] = as_page.url


def on_page_markdown(markdown, page, config, files):
    """Put a placeholder under each code block; on_page_content swaps in the rendered output."""
    if page.file.src_uri.startswith(f"{NOTEBOOK_DIR}/"):  # a notebook preview: the lesson is what search finds
        page.meta["search"] = {"exclude": True}
        return markdown
    collected, blocks, _ = _state["pages"].get(page.file.src_uri, (None, [], 0))
    if markdown != collected:  # another plugin changed the page since on_files: its lines moved
        log.error(f"{page.file.src_uri}: the page changed between on_files and on_page_markdown; "
                  "its outputs cannot be placed")
        return markdown
    lines = markdown.split("\n")
    for number, block in reversed(list(enumerate(blocks))):  # from the bottom: earlier lines stay put
        at = output_position(lines, block)
        lines[at:at] = ["", block.indent + TOKEN.format(number), ""]
    return "\n".join(lines)


def on_page_content(html, page, config, files):
    _, blocks, _ = _state["pages"].get(page.file.src_uri, (None, [], 0))
    outcomes = _state["outcomes"]

    def figure_url(figure: Path) -> str:
        return get_relative_url(f"{OUTPUT_DIR}/{figure.parent.parent.name}/{figure.parent.name}/{figure.name}",
                                page.url)

    html = TOKEN_HTML.sub(lambda m: outcome_html(blocks[int(m[1])], outcomes[blocks[int(m[1])]], figure_url), html)
    # The page's "verified with" stamp goes right under its title, with the notebook buttons.
    stamp = page_stamp_html([(b, outcomes[b]) for b in blocks])
    if page.file.src_uri in _state["notebooks"]:
        stamp += _notebook_links(page, config)
    if stamp:
        html = html.replace("</h1>", "</h1>\n" + stamp, 1) if "</h1>" in html else stamp + html
    return html


def _notebook_uri(src_uri: str) -> str:
    return f"{NOTEBOOK_DIR}/{src_uri.removesuffix('.md')}.ipynb"


def _notebook_links(page, config) -> str:
    uri = _notebook_uri(page.file.src_uri)
    preview = get_relative_url(_state["previews"][page.file.src_uri], page.url)
    links = [f'<a class="md-button" href="{get_relative_url(uri, page.url)}" download>Download as notebook</a>',
             f'<a class="md-button" href="{preview}">Preview the notebook</a>']
    match = re.match(r"https://github\.com/([^/]+/[^/]+?)/?$", config.repo_url or "")
    if match:  # notebooks are published with the site, on the gh-pages branch
        colab = f"https://colab.research.google.com/github/{match[1]}/blob/gh-pages/{uri}"
        links.append(f'<a class="md-button" href="{colab}" target="_blank" rel="noopener">Open in Colab</a>')
    return f'<p class="notebook-links">{" ".join(links)}</p>'


def on_post_build(config):
    for src_uri, notebook in _state["notebooks"].items():  # the downloads, beside the preview pages
        target = Path(config.site_dir, _notebook_uri(src_uri))
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)


def on_shutdown():
    if _state.get("session"):
        _state["session"].close()
        _state["sources"].cleanup()
