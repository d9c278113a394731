"""MkDocs hooks: run every snippet the pages include and show its output under its code block.

A thin adapter over ``snippet_runner``: all snippets of the site run once per build, before any
page is rendered (in parallel, cached on disk); each page then gets, under each code block, the
snippet's output and figures, a "not executed here" note, or the traceback of a failure. A
failure is logged as a warning naming the page, the snippet, the line and the exception, so
``mkdocs build --strict`` fails on it while ``mkdocs serve`` keeps serving and shows it in the page.

Environment: SNIPPETS_DEVICE=auto|cpu|cuda, SNIPPETS_CACHE_DIR (default .cache/snippets),
SNIPPETS_FRESH=1 to ignore cached results.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

import nbformat

from snippet_runner import (CollectError, Session, SnippetExpander, collect_page, failure_message, outcome_html,
                            page_stamp_html)
from snippet_runner.notebook import page_notebook

log = logging.getLogger("mkdocs.hooks.snippet_outputs")

OUTPUT_DIR = "_snippet_outputs"
NOTEBOOK_DIR = "notebooks"
TOKEN = "SNIPPETOUTPUT{:04d}X"
TOKEN_HTML = re.compile(r"(?:<p>)?SNIPPETOUTPUT(\d{4})X(?:</p>)?")

_state: dict = {}


def on_config(config):
    root = Path(config.config_file_path).parent
    options = dict(config.mdx_configs.get("pymdownx.snippets", {}))
    bases = options.get("base_path", ["."])
    options["base_path"] = [str(root / b) for b in (bases if isinstance(bases, list) else [bases])]
    _state.clear()
    _state["root"] = root
    _state["expander"] = SnippetExpander(options)
    _state["session"] = Session(
        Path(os.environ.get("SNIPPETS_CACHE_DIR", root / ".cache" / "snippets")),
        device=os.environ.get("SNIPPETS_DEVICE", "auto"),
        read_cache=os.environ.get("SNIPPETS_FRESH", "") in ("", "0"),
        progress=sys.stderr.isatty(),
        display_root=root / "snippets",
    )
    return config


def _blocks(markdown: str, page: str):
    try:
        return collect_page(markdown, page, _state["expander"])
    except CollectError as error:
        log.error(str(error))
        return []


def on_files(files, config):
    """Run (or fetch from the cache) every snippet of every page, before any page renders."""
    session: Session = _state["session"]
    blocks, offsets = [], {}
    for file in files.documentation_pages():
        source = file.content_string
        markdown, _ = get_data(source)  # what on_page_markdown will see: no front matter
        offsets[file.src_uri] = source[: max(source.find(markdown), 0)].count("\n")
        blocks.extend(_blocks(markdown, file.src_uri))
    outcomes = session.run(blocks)
    for block in blocks:
        outcome = outcomes[(block.page, block.line)]
        if outcome.status == "failed":
            log.warning(failure_message(block, outcome, docs_prefix=f"{config.docs_dir}/"
                                        .removeprefix(f"{_state['root']}/"), line_offset=offsets[block.page]))
        if outcome.result:
            for figure in outcome.result.figures:
                uri = f"{OUTPUT_DIR}/{figure.parent.name}/{figure.name}"
                if files.get_file_from_path(uri) is None:
                    files.append(File.generated(config, uri, abs_src_path=str(figure)))
    _state["outcomes"] = outcomes
    stats = session.stats
    log.info(f"snippets: {stats.executed} executed ({stats.seconds:.1f} s of run time), {stats.cached} from the "
             f"cache, {stats.not_run} not executed here, {stats.failed} failed")
    return files


def on_page_markdown(markdown, page, config, files):
    """Put a placeholder under each code block; on_page_content swaps in the rendered output."""
    blocks = _blocks(markdown, page.file.src_uri)
    if blocks:
        title = next((line[2:].strip() for line in markdown.split("\n") if line.startswith("# ")), page.file.name)
        site_url = (config.site_url or "") + page.url
        _state.setdefault("notebooks", {})[page.file.src_uri] = page_notebook(
            markdown, blocks, _state.get("outcomes", {}), title, site_url)
    lines = markdown.split("\n")
    page_blocks = []
    for block in reversed(blocks):  # from the bottom, so earlier line numbers stay valid
        if (block.page, block.line) not in _state.get("outcomes", {}):
            continue
        page_blocks.append(block)
        token = TOKEN.format(len(page_blocks) - 1)
        at = _after_annotations(lines, block) if "(1)" in block.code else block.end_line
        lines[at:at] = ["", block.indent + token, ""]
    _state.setdefault("pages", {})[page.file.src_uri] = page_blocks
    return "\n".join(lines)


def _after_annotations(lines: list[str], block) -> int:
    """Where the output goes when Material code annotations follow the block.

    Annotations (``# (1)!`` in the code) are a numbered list right after the fence; the output box
    goes after that list so it stays attached to the code.
    """
    number = block.end_line  # lines[number] is the first line after the closing fence
    while number < len(lines) and not lines[number].strip():
        number += 1
    if number >= len(lines) or not re.match(rf"{block.indent}1\.\s", lines[number]):
        return block.end_line
    end = number
    while number < len(lines):
        line = lines[number]
        if re.match(rf"{block.indent}\d+\.\s", line) or line.startswith(block.indent + "    "):
            end = number + 1
        elif line.strip():
            break
        number += 1
    return end


def on_page_content(html, page, config, files):
    page_blocks = _state.get("pages", {}).get(page.file.src_uri, [])

    def figure_url(figure: Path) -> str:
        return get_relative_url(f"{OUTPUT_DIR}/{figure.parent.name}/{figure.name}", page.url)

    def render(match: re.Match) -> str:
        block = page_blocks[int(match.group(1))]
        return outcome_html(block, _state["outcomes"][(block.page, block.line)], figure_url)

    html = TOKEN_HTML.sub(render, html)
    # The page's "verified with" stamp goes right under its title.
    stamp = page_stamp_html([_state["outcomes"][(b.page, b.line)] for b in page_blocks])
    if page.file.src_uri in _state.get("notebooks", {}):
        stamp += _notebook_links(page, config)
    if stamp:
        html = html.replace("</h1>", "</h1>\n" + stamp, 1) if "</h1>" in html else stamp + html
    return html


def _notebook_uri(page) -> str:
    return f"{NOTEBOOK_DIR}/{page.file.src_uri.removesuffix('.md')}.ipynb"


def _notebook_links(page, config) -> str:
    download = get_relative_url(_notebook_uri(page), page.url)
    links = [f'<a class="md-button" href="{download}" download>Download as notebook</a>']
    match = re.match(r"https://github\.com/([^/]+/[^/]+?)/?$", config.repo_url or "")
    if match:  # notebooks are published with the site, on the gh-pages branch
        colab = f"https://colab.research.google.com/github/{match[1]}/blob/gh-pages/{_notebook_uri(page)}"
        links.append(f'<a class="md-button" href="{colab}" target="_blank" rel="noopener">Open in Colab</a>')
    return f'<p class="notebook-links">{" ".join(links)}</p>'


def on_post_build(config):
    for src_uri, notebook in _state.get("notebooks", {}).items():
        target = Path(config.site_dir, NOTEBOOK_DIR, src_uri.removesuffix(".md") + ".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)


def on_shutdown():
    session = _state.get("session")
    if session:
        session.close()
