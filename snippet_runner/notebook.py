"""Turn a page into a Jupyter notebook: its prose as Markdown cells, its snippets as code cells,
with the outputs (text and figures) the build produced.

MkDocs-only syntax is translated: admonitions become block quotes with a bold title, the
``--8<--`` includes become the snippet's code. A snippet that refers to its own file
(``__file__``, e.g. to relaunch itself under torchrun) is written to disk with ``%%writefile`` and
run with ``!python``, since a notebook cell has no file of its own.

The first code cell sets the notebook up in Colab (or any fresh environment): it installs the
packages the page's snippets import that Colab does not ship, at the versions the outputs were
produced with, and prints the torch version it runs next to the one the page was verified with.
"""

from __future__ import annotations

import ast
import base64
import functools
import re
import sys

import nbformat
from nbformat import v4

from .collect import Block
from .render import clean_output
from .session import Outcome

ADMONITION = re.compile(r'^(?P<indent>\s*)(?:!!!|\?\?\?\+?)\s*(?P<kind>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*$')
# What a Colab runtime already has (the rest is installed by the setup cell).
COLAB_HAS = {"torch", "torchvision", "numpy", "matplotlib", "scikit-learn", "pillow", "pandas", "scipy", "tqdm",
             "requests"}
MARKER = re.compile(r"^\s*<!--\s*pytest(?:\.mark\.|-codeblocks:).*-->\s*$")


def _prose(lines: list[str]) -> str:
    """MkDocs Markdown to plain Jupyter Markdown."""
    out, quoted_indent = [], None
    for line in lines:
        if MARKER.match(line):
            continue
        match = ADMONITION.match(line)
        if match:
            title = match["title"] if match["title"] is not None else match["kind"].capitalize()
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


def _outputs(outcome: Outcome | None) -> list:
    if outcome is None or outcome.result is None:
        return []
    outputs = []
    text = clean_output(outcome.result.output)
    if text:
        outputs.append(v4.new_output("stream", name="stdout", text=text + "\n"))
    for figure in outcome.result.figures:
        data = base64.b64encode(figure.read_bytes()).decode()
        outputs.append(v4.new_output("display_data", data={"image/png": data, "text/plain": "<Figure>"}))
    return outputs


def imported_modules(code: str) -> set[str]:
    """Top-level names a snippet imports (not the standard library, not relative imports)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module.split(".")[0] for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    return {name for name in names if name not in sys.stdlib_module_names}


@functools.cache
def _distributions() -> dict[str, list[str]]:
    from importlib import metadata

    return {top: sorted({re.sub(r"[-_.]+", "-", d).lower() for d in dists})
            for top, dists in metadata.packages_distributions().items()}


def packages_to_install(blocks: list[Block]) -> list[str]:
    """``name==version`` for each distribution the page's snippets import that Colab lacks."""
    from importlib import metadata

    wanted = set()
    for block in blocks:
        for name in imported_modules(block.code):
            wanted.update(d for d in _distributions().get(name, [name]) if d not in COLAB_HAS)
    pinned = []
    for name in sorted(wanted):
        try:
            pinned.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pinned.append(name)
    return pinned


def setup_cell(blocks: list[Block], outcomes: dict) -> nbformat.NotebookNode:
    versions = sorted({o.result.environment.get("torch") for b in blocks if (o := outcomes.get(b)) and o.result
                       and o.result.environment.get("torch")})
    verified = versions[-1] if versions else None
    lines = ["# Setup: what this page needs beyond Colab's own packages, at the versions its outputs came from"]
    packages = packages_to_install(blocks)
    if packages:
        lines.append(f"%pip install -q {' '.join(packages)}")
    lines += ["import torch", "", f"VERIFIED_WITH = {verified!r}  # the torch version this page's outputs came from",
              'print(f"torch here: {torch.__version__}; the page was verified with torch {VERIFIED_WITH}")',
              "if VERIFIED_WITH and torch.__version__.split('+')[0] != VERIFIED_WITH:",
              '    print("Note: another torch version: numbers can differ a little from the page.")']
    return v4.new_code_cell("\n".join(lines))


def page_notebook(markdown: str, blocks: list[Block], outcomes: dict, title: str, page_url: str = "") -> nbformat.NotebookNode:
    """A notebook of one page. ``outcomes`` maps each block to its Outcome (may be empty)."""
    lines = markdown.split("\n")
    cells = []
    if page_url:
        cells.append(v4.new_markdown_cell(f"*From the lesson [{title}]({page_url}) of PyTorch from Zero to Mastery. "
                                          "Every code cell is a whole program: run them in any order.*"))
    cells.append(setup_cell(blocks, outcomes))
    position = 0
    for block in sorted(blocks, key=lambda b: b.line):
        text = _prose(lines[position: block.line - 1])
        if text:
            cells.append(v4.new_markdown_cell(text))
        position = block.end_line
        outcome = outcomes.get(block)
        code = block.code.rstrip("\n")
        if block.skip_reason:
            cells.append(v4.new_markdown_cell(f"Not executed when the site was built: {block.skip_reason}."))
            cells.append(v4.new_code_cell(code))
        elif "__file__" in code:
            name = block.include.rsplit("/", 1)[-1]
            cells.append(v4.new_code_cell(f"%%writefile {name}\n{code}"))
            cells.append(v4.new_code_cell(f"!python {name}", outputs=_outputs(outcome)))
        else:
            cells.append(v4.new_code_cell(code, outputs=_outputs(outcome)))
    text = _prose(lines[position:])
    if text:
        cells.append(v4.new_markdown_cell(text))
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.validate(notebook)
    return notebook
