"""Turn a page into a Jupyter notebook: its prose as Markdown cells, its snippets as code cells,
with the outputs (text and figures) the build produced.

MkDocs-only syntax is translated: admonitions become block quotes with a bold title, the
``--8<--`` includes become the snippet's code. A snippet that refers to its own file
(``__file__``, e.g. to relaunch itself under torchrun) is written to disk with ``%%writefile`` and
run with ``!python``, since a notebook cell has no file of its own.

The first code cell sets the notebook up in Colab (or any fresh environment): it installs the
packages the page's snippets import that Colab does not ship, at the versions the outputs were
produced with, and prints the version of each distribution the site's course stamps (torch, here)
next to the one the page's outputs were produced with.
"""

from __future__ import annotations

import base64
import posixpath
import re
import sys
from urllib.parse import urljoin

import nbformat
from mkdocs.utils import get_relative_url
from nbformat import v4

from .collect import Block
from .figures import figure_for
from .labels import labels, not_run_reason
from . import cache
from .render import clean_output, imported_names
from .results import Outcome

ADMONITION = re.compile(r'^(?P<indent>\s*)(?:!!!|\?\?\?\+?)\s*(?P<kind>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*$')
MARKER = re.compile(r"^\s*<!--\s*pytest(?:\.mark\.|-codeblocks:).*-->\s*$")
# "## 1.2.1 创建张量 {#121-creating-tensors}": the page's explicit id, kept as an anchor in the heading
# (Jupyter's Markdown has no {#id}); the preview moves it onto the heading (preview_toc.heading_ids).
HEADING_ID = re.compile(r"^(#{1,6} .*?)\s*\{#([^}\s]*)\}\s*$")

# A Markdown link to another page of the site, relative to the page's file: "](../stage-2/data.md#x)".
PAGE_LINK = re.compile(r"\]\((?![a-zA-Z][\w+.-]*:|[#/])([^()\s]+?\.md)(#[^()\s]*)?\)")


def _page_path(source: str, language: str) -> str:
    """The URL path MkDocs gives a page file (directory URLs), less the language's folder:
    "stage-2/data.zh.md" -> "stage-2/data/", "stage-5/index.md" -> "stage-5/", "index.md" -> ""."""
    stem = source[:-len(".md")]
    if stem.endswith("." + language):
        stem = stem[:-len(language) - 1]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-len("index")]
    return stem + "/"


def _page_links(text: str, source: str, page_url: str, language: str) -> str:
    """Links to other pages of the site as their full addresses: a notebook (in Colab, or the site's
    preview of it) has no page files beside it, so "](resources.md)" led nowhere. Resolved against
    the page's file as MkDocs resolves them, in the page's language (``page_url`` is its address)."""
    if not (source and page_url):
        return text
    here, own = posixpath.dirname(source), _page_path(source, language)

    def address(match: re.Match) -> str:
        target = _page_path(posixpath.normpath(posixpath.join(here, match[1])), language)
        return f"]({urljoin(page_url, get_relative_url(target or '.', own or '.'))}{match[2] or ''})"

    return PAGE_LINK.sub(address, text)


def _prose(lines: list[str], titles: dict[str, str] | None = None) -> str:
    """MkDocs Markdown to plain Jupyter Markdown. ``titles``: untitled admonitions' titles by kind."""
    out, quoted_indent = [], None
    for line in lines:
        if MARKER.match(line):
            continue
        line = HEADING_ID.sub(r'\1 <a id="\2"></a>', line)
        match = ADMONITION.match(line)
        if match:
            title = match["title"] if match["title"] is not None else (titles or {}).get(
                match["kind"], match["kind"].capitalize())
            quoted_indent = len(match["indent"]) + 4
            out.append(f"> **{title}**" if title else ">")
            out.append(">")
            continue
        if quoted_indent is not None:
            if line.strip() == "":
                out.append(">")
                continue
            if line.startswith(" " * quoted_indent):
                out.append("> " + line[quoted_indent:])
                continue
            quoted_indent = None
            if out and out[-1] == ">":
                out[-1] = ""  # a blank line ends the quote
        out.append(line)
    return "\n".join(out).strip("\n>").strip()


def _outputs(outcome: Outcome | None, language: str = "en") -> list:
    if outcome is None or outcome.result is None:
        return []
    outputs = []
    text = clean_output(outcome.result.output)
    if text:
        outputs.append(v4.new_output("stream", name="stdout", text=text + "\n"))
    for figure in outcome.result.figures:  # in the page's language: figure-N.zh.png where there is one
        data = base64.b64encode(figure_for(figure, language).read_bytes()).decode()
        outputs.append(v4.new_output("display_data", data={"image/png": data, "text/plain": "<Figure>"}))
    return outputs


def imported_modules(code: str) -> set[str]:
    """Top-level names a snippet imports (not the standard library, not relative imports)."""
    return {name for name in imported_names(code) if name not in sys.stdlib_module_names}


def packages_to_install(blocks: list[Block], colab_has=()) -> list[str]:
    """``name==version`` for each distribution the page's snippets import that the notebook's runtime
    lacks (``colab_has``: what it ships; the site's course file says)."""
    from importlib import metadata

    wanted = set()
    for block in blocks:
        for name in imported_modules(block.code):
            wanted.update(d for d in cache.module_distributions().get(name, [name]) if d not in colab_has)
    pinned = []
    for name in sorted(wanted):
        try:
            pinned.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pinned.append(name)
    return pinned


def verified_versions(blocks: list[Block], outcomes: dict) -> dict[str, str]:
    """The stamped distributions' versions the page's outputs came from (each result records them:
    results.Policy), the newest where they differ."""
    found: dict[str, set[str]] = {}
    for block in blocks:
        outcome = outcomes.get(block)
        if outcome is not None and outcome.result is not None:
            for name, version in outcome.result.environment.get("versions", {}).items():
                if version:
                    found.setdefault(name, set()).add(version)
    return {name: sorted(versions)[-1] for name, versions in found.items()}


def setup_cell(blocks: list[Block], outcomes: dict, language: str = "en", colab_has=()) -> nbformat.NotebookNode:
    words = labels(language)
    lines = [words["nb_setup"]]
    packages = packages_to_install(blocks, colab_has)
    if packages:
        lines.append(f"%pip install -q {' '.join(packages)}")
    verified = verified_versions(blocks, outcomes)
    if verified:
        # the labels may name the distribution ({name}) or, written for one, say it
        here = words["nb_torch_here"].format(here="{here}", verified="{verified}", name="{name}")
        other = words["nb_other_torch"]
        other = f'f"{other}"' if "{name}" in other else f'"{other}"'
        lines += ["from importlib.metadata import version", "",
                  f"VERIFIED_WITH = {verified!r}  {words['nb_verified']}",
                  "for name, verified in VERIFIED_WITH.items():",
                  "    here = version(name).split('+')[0]",
                  f'    print(f"{here}")',
                  "    if here != verified:",
                  f"        print({other})"]
    return v4.new_code_cell("\n".join(lines))


def page_notebook(markdown: str, blocks: list[Block], outcomes: dict, title: str, page_url: str = "",
                  language: str = "en", admonition_titles: dict[str, str] | None = None, colab_has=(),
                  site_name: str = "the site", source: str = "") -> nbformat.NotebookNode:
    """A notebook of one page. ``outcomes`` maps each block to its Outcome (may be empty).
    ``source``: the page's file in the docs folder ("stage-1/tensors.md"), for its links to other pages.

    ``language``: the page's language (its prose is the page's; the notebook's own words follow it).
    """
    words = labels(language)
    lines = markdown.split("\n")
    cells = []
    if page_url:
        cells.append(v4.new_markdown_cell(words["nb_from"].format(title=title, url=page_url, site=site_name)))
    cells.append(setup_cell(blocks, outcomes, language, colab_has))
    position = 0
    for block in sorted(blocks, key=lambda b: b.line):
        text = _page_links(_prose(lines[position: block.line - 1], admonition_titles), source, page_url, language)
        if text:
            cells.append(v4.new_markdown_cell(text))
        position = block.end_line
        outcome = outcomes.get(block)
        code = block.code.rstrip("\n")
        if block.skip_reason:
            cells.append(v4.new_markdown_cell(words["nb_not_run"].format(
                reason=not_run_reason(block.skip_reason, language))))
            cells.append(v4.new_code_cell(code))
        elif "__file__" in code:
            name = block.include.rsplit("/", 1)[-1]
            cells.append(v4.new_code_cell(f"%%writefile {name}\n{code}"))
            cells.append(v4.new_code_cell(f"!python {name}", outputs=_outputs(outcome, language)))
        else:
            cells.append(v4.new_code_cell(code, outputs=_outputs(outcome, language)))
    text = _page_links(_prose(lines[position:], admonition_titles), source, page_url, language)
    if text:
        cells.append(v4.new_markdown_cell(text))
    for number, cell in enumerate(cells):  # stable ids (nbformat's are random): the same page, the same file
        cell["id"] = f"cell-{number}"
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.validate(notebook)
    return notebook
