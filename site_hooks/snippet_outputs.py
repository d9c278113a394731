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

Languages (mkdocs-static-i18n): the plugin builds the default language, then calls MkDocs' build
again, with the same config, for each other language. The hook keeps its session across those
builds, so a snippet runs at most once whatever the number of languages; it sees each language's
own pages (its ``on_files`` runs after the plugin's), and writes that language's words under the
blocks and its notebooks under ``<language>/notebooks/``.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from snippet_runner import CollectError, Site, failure_message, outcome_html, output_position, page_stamp_html
from snippet_runner.figures import figure_for
from snippet_runner.labels import labels
from snippet_runner.notebook import page_notebook

log = logging.getLogger("mkdocs.hooks.snippet_outputs")

OUTPUT_DIR = "_snippet_outputs"
NOTEBOOK_DIR = "notebooks"
TOKEN = "SNIPPETOUTPUT{:04d}X"
TOKEN_HTML = re.compile(r"SNIPPETOUTPUT(\d{4})X")  # literal first: a quick scan of long pages

_state: dict = {}


def on_config(config):
    if _state.get("config") is config:  # mkdocs-static-i18n building the next language: keep the session
        return config
    on_shutdown()
    site = Site.from_config(config)
    _state.clear()
    _state.update(config=config, site=site, pages={}, outcomes={}, notebooks={}, previews={}, sources=tempfile.TemporaryDirectory(
        prefix="page-notebooks-"), session=site.session(
        device=os.environ.get("SNIPPETS_DEVICE", "auto"), fresh=os.environ.get("SNIPPETS_FRESH", "") not in ("", "0"),
        progress=sys.stderr.isatty()))
    return config


def _language(config) -> tuple[str, str]:
    """(the language being built, its folder in the site: "" for the default language, "zh/")."""
    i18n = config.plugins.get("i18n")
    if i18n is None or i18n.current_language is None:
        return config.theme.get("language") or "en", ""
    return i18n.current_language, "" if i18n.is_default_language_build else f"{i18n.current_language}/"


@event_priority(-110)  # after mkdocs-static-i18n's on_files (-100): this language's pages only
def on_files(files, config):
    """Collect every page's blocks once and run (or fetch) every snippet, before any page renders."""
    site: Site = _state["site"]
    _state.update(pages={}, notebooks={}, previews={}, outcomes={}, language=_language(config))
    if "mkdocs-jupyter" in config.plugins:  # its rendered-notebook cache next to ours, one folder per language:
        # it evicts, after each build, what that build did not use; the languages must not evict each other's
        config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(site.cache_dir.parent / "mkdocs-jupyter" /
                                                                   _state["language"][0])
    before = dataclasses.replace(_state["session"].stats)
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
        shown = outcome.result.figures if outcome.result else []
        if _state["language"][0] == "zh":  # the figures' Chinese twins (snippet_runner/figures.py)
            shown = [figure_for(f, "zh") for f in shown]
        for figure in shown:
            uri = f"{OUTPUT_DIR}/{figure.parent.parent.name}/{figure.parent.name}/{figure.name}"
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(figure)))
    for file in files.documentation_pages():
        markdown, blocks, _ = _state["pages"][file.src_uri]
        if blocks:
            _add_notebook(file, markdown, blocks, files, config)
    now = _state["session"].stats
    stats = {f.name: getattr(now, f.name) - getattr(before, f.name) for f in dataclasses.fields(now)}
    log.info(f"snippets ({_state['language'][0]}): {stats['executed']} executed ({stats['seconds']:.1f} s of run "
             f"time), {stats['cached']} from the cache, {stats['not_run']} not executed here, {stats['failed']} failed")
    return files


def _add_notebook(file, markdown: str, blocks, files, config) -> None:
    title = next((line[2:].strip() for line in markdown.split("\n") if line.startswith("# ")), file.name)
    language = _state["language"][0]
    i18n = config.plugins.get("i18n")
    admonitions = (i18n.current_language_config.admonition_translations or {}) if i18n else {}
    notebook = page_notebook(markdown, blocks, _state["outcomes"], title, (config.site_url or "") + file.url,
                             language=language, admonition_titles=admonitions)
    uri = _notebook_uri(file)
    _state["notebooks"][file.src_uri] = (uri, notebook)  # the download is a copy of the preview's source
    source = Path(_state["sources"].name, uri)
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(nbformat.v4.writes(notebook), encoding="utf-8")  # page_notebook validated it
    # A file with a real source folder (not File.generated): mkdocs-jupyter reads it from there. Its
    # own on_files has run already (before the i18n plugin's, before this one): it wraps this file now.
    preview = File(uri, src_dir=_state["sources"].name, dest_dir=config.site_dir,
                   use_directory_urls=config.use_directory_urls)
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:
        preview = list(jupyter.on_files(Files([preview]), config=config))[0]
    files.append(preview)
    _state["previews"][file.src_uri] = preview.url


@event_priority(60)  # before mkdocs-static-i18n's (50), which rewrites untitled admonitions in the text
def on_page_markdown(markdown, page, config, files):
    """Put a placeholder under each code block; on_page_content swaps in the rendered output."""
    if page.url in _state["previews"].values():  # a notebook preview: the lesson is what search finds
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

    language = _state["language"][0]
    html = re.sub(r"<p>(SNIPPETOUTPUT\d{4}X)</p>", r"\1", html) if "<p>SNIPPETOUTPUT" in html else html
    html = TOKEN_HTML.sub(lambda m: outcome_html(blocks[int(m[1])], outcomes[blocks[int(m[1])]], figure_url,
                                                 language), html)
    # The page's "verified with" stamp goes right under its title, with the notebook buttons.
    stamp = page_stamp_html([(b, outcomes[b]) for b in blocks], language)
    if page.file.src_uri in _state["notebooks"]:
        stamp += _notebook_links(page, config)
    if stamp:
        html = html.replace("</h1>", "</h1>\n" + stamp, 1) if "</h1>" in html else stamp + html
    return html


def _notebook_uri(file) -> str:
    """notebooks/stage-1/tensors.ipynb; zh/notebooks/stage-1/tensors.ipynb for the page's Chinese version."""
    page = getattr(file, "norm_src_uri", file.src_uri)  # mkdocs-static-i18n: the src_uri without ".zh"
    return f"{_state['language'][1]}{NOTEBOOK_DIR}/{page.removesuffix('.md')}.ipynb"


def _notebook_links(page, config) -> str:
    uri, _ = _state["notebooks"][page.file.src_uri]
    words = labels(_state["language"][0])
    preview = get_relative_url(_state["previews"][page.file.src_uri], page.url)
    links = [f'<a class="md-button" href="{get_relative_url(uri, page.url)}" download>{words["download"]}</a>',
             f'<a class="md-button" href="{preview}">{words["preview"]}</a>']
    match = re.match(r"https://github\.com/([^/]+/[^/]+?)/?$", config.repo_url or "")
    if match:  # notebooks are published with the site, on the gh-pages branch
        colab = f"https://colab.research.google.com/github/{match[1]}/blob/gh-pages/{uri}"
        links.append(f'<a class="md-button" href="{colab}" target="_blank" rel="noopener">{words["colab"]}</a>')
    return f'<p class="notebook-links">{" ".join(links)}</p>'


def on_post_build(config):
    for uri, _ in _state["notebooks"].values():  # the downloads, beside the preview pages
        target = Path(config.site_dir, uri)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(_state["sources"].name, uri), target)


def on_shutdown():
    if _state.get("session"):
        _state["session"].close()
        _state["sources"].cleanup()
    _state.clear()
