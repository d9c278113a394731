"""Pages become notebooks that run top to bottom (nbclient, offline)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from snippet_runner import collect_page
from snippet_runner.notebook import page_notebook
from tests.project import docs_dir, expander

PAGE = "stage-1/tensors.md"


@pytest.fixture(scope="module")
def notebook():
    markdown = (docs_dir() / PAGE).read_text(encoding="utf-8")
    blocks = collect_page(markdown, PAGE, expander())
    return page_notebook(markdown, blocks, {}, "1.2 Tensors", "https://example.org/stage-1/tensors/"), blocks


def test_notebook_has_the_pages_prose_and_every_snippet(notebook):
    nb, blocks = notebook
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code == [b.code.rstrip("\n") for b in blocks]
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "> **Learning goals · Days 2–4**" in prose and "--8<--" not in prose and "!!!" not in prose


def test_generated_notebook_executes_top_to_bottom(notebook, tmp_path):
    nb, _ = notebook
    nb = nbformat.from_dict(nb)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "from a list:" in text and "all methods agree" in text
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the practice figure
