"""Pages become notebooks that run top to bottom (nbclient, offline)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

import functools

from snippet_runner import Outcome, Result, collect_page
from snippet_runner.notebook import page_notebook
from tests.project import blocks as all_blocks
from tests.project import docs_dir, expander, site

COLAB_HAS = site().course["COLAB_HAS"]  # site_hooks/course.py, through mkdocs.yml

PAGE = "stage-1/tensors.md"


def produced_with(versions: dict) -> Outcome:
    """An outcome whose run recorded these versions of the course's stamped distributions (STAMP)."""
    return Outcome("ok", Result(True, "", 0.1, environment={"python": "3", "device": "cpu", "versions": versions}))


@functools.cache
def providers() -> dict:
    """Top-level module -> distributions, as installed (read once: it walks every installed package)."""
    from importlib import metadata

    return metadata.packages_distributions()


@pytest.fixture(scope="module")
def notebook():
    from importlib import metadata

    markdown = (docs_dir() / PAGE).read_text(encoding="utf-8")
    blocks = collect_page(markdown, PAGE, expander())
    verified = {blocks[0]: produced_with({"torch": metadata.version("torch").split("+")[0]})}
    return page_notebook(markdown, blocks, verified, "1.2 Tensors", "https://example.org/stage-1/tensors/"), blocks


def test_notebook_has_the_pages_prose_and_every_snippet(notebook):
    nb, blocks = notebook
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0].startswith("# Setup:") and code[1:] == [b.code.rstrip("\n") for b in blocks]
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "> **Learning goals · Days 2–4**" in prose and "--8<--" not in prose and "!!!" not in prose


@pytest.mark.slow
def test_generated_notebook_executes_top_to_bottom(notebook, tmp_path):
    nb, _ = notebook
    nb = nbformat.from_dict(nb)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "from a list:" in text and "all methods agree" in text
    assert "the page was verified with torch" in text and "another torch version" not in text  # the setup cell
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the practice figure


def _page_blocks():
    by_page = {}
    for block in all_blocks():
        by_page.setdefault(block.page, []).append(block)
    return by_page


@pytest.mark.parametrize("page", sorted(_page_blocks()))
def test_setup_cell_installs_what_the_snippets_import_and_colab_lacks(page):
    """Derived from the snippets' own import statements and the packages they locate with find_spec("name")
    (to read data files shipped inside them), independently of how the notebook does it."""
    import ast
    import sys

    blocks = _page_blocks()[page]
    nb = page_notebook((docs_dir() / page).read_text(encoding="utf-8"), blocks, {}, page, colab_has=COLAB_HAS)
    setup = nb.cells[1].source if nb.cells[0].cell_type == "markdown" else nb.cells[0].source
    assert setup.startswith("# Setup:")
    line = next((line for line in setup.split("\n") if line.startswith("%pip install")), "%pip install -q")
    installed = {spec.split("==")[0] for spec in line.split()[3:]}
    expected = set()
    for block in blocks:
        for node in ast.walk(ast.parse(block.code)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else \
                [node.args[0].value] if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("find_spec") \
                and node.args and isinstance(node.args[0], ast.Constant) else []
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names:
                    expected.update(d.lower().replace("_", "-") for d in providers().get(top, [top]))
    expected -= COLAB_HAS
    assert installed == expected, f"{page}: installs {sorted(installed)}, its snippets import {sorted(expected)}"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_setup_cell_compares_the_stamped_versions_with_the_readers(language, capsys):
    """The versions the page's results recorded (the course's STAMP), compared with what the notebook's
    runtime has; no comparison where nothing ran."""
    from importlib import metadata

    markdown = (docs_dir() / PAGE).read_text(encoding="utf-8")
    blocks = collect_page(markdown, PAGE, expander())
    here = metadata.version("torch").split("+")[0]

    def setup(outcomes) -> str:
        nb = page_notebook(markdown, blocks, outcomes, "1.2", language=language)
        return next(c.source for c in nb.cells if c.cell_type == "code")

    assert "VERIFIED_WITH" not in setup({})
    for verified, other in ((here, False), ("0.0.1", True)):
        code = setup({blocks[0]: produced_with({"torch": verified}), blocks[1]: produced_with({"torch": "0.0.0"})})
        assert f"VERIFIED_WITH = {{'torch': '{verified}'}}" in code  # the newest the page's outputs came from
        exec("\n".join(line for line in code.split("\n") if not line.startswith("%pip")), {})
        printed = capsys.readouterr().out
        assert here in printed and verified in printed
        assert (("another torch version" in printed) if language == "en" else ("torch 版本不同" in printed)) == other


def test_a_chinese_notebook_embeds_the_chinese_figures(tmp_path):
    """zh/notebooks/*.ipynb showed the English figure-N.png; the page itself shows figure-N.zh.png."""
    import base64

    from snippet_runner import Outcome, Result

    (tmp_path / "figure-1.png").write_bytes(b"\x89PNG english")
    (tmp_path / "figure-1.zh.png").write_bytes(b"\x89PNG chinese")
    (tmp_path / "figure-2.png").write_bytes(b"\x89PNG english only")  # no twin: the English one
    markdown = (docs_dir() / PAGE).read_text(encoding="utf-8")
    blocks = collect_page(markdown, PAGE, expander())
    result = Result(True, "", 0.1, figures=[tmp_path / "figure-1.png", tmp_path / "figure-2.png"])
    outcomes = {blocks[0]: Outcome("ok", result)}

    def images(language):
        nb = page_notebook(markdown, blocks, outcomes, "1.2", language=language)
        return [base64.b64decode(o["data"]["image/png"]) for c in nb.cells if c.cell_type == "code"
                for o in c.outputs if "image/png" in o.get("data", {})]

    assert images("zh") == [b"\x89PNG chinese", b"\x89PNG english only"]
    assert images("en") == [b"\x89PNG english", b"\x89PNG english only"]
