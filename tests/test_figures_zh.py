"""Chinese figures on Chinese pages: the same run's figures, their text translated (snippet_runner/figures.py)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from snippet_runner import Block, Session, figures
from snippet_runner.cache import Cache
from snippet_runner.render import outcome_html
from tests.project import docs_dir, expander
from tests.test_runner import worker_of_its_own


def tables(**entries) -> figures.Tables:
    return figures.Tables(entries, keep={"ReLU", "nn.Linear", "ms", "s"})


# --- the translation -----------------------------------------------------------------------

def test_exact_keys_numbers_and_lines():
    t = tables(**{"test accuracy": "测试准确率", "test accuracy {}": "测试准确率 {}", "epoch {} of {}": "第 {} 轮，共 {} 轮",
                  "loss": "损失"})
    assert t.translate("test accuracy") == "测试准确率"
    assert t.translate("  test accuracy ") == "  测试准确率 "
    assert t.translate("test accuracy 0.93") == "测试准确率 0.93"  # the run's own number
    assert t.translate("test accuracy -1.5e-3") == "测试准确率 -1.5e-3"
    assert t.translate("epoch 3 of 10") == "第 3 轮，共 10 轮"
    assert t.translate("test accuracy high") is None  # {} is a number, nothing else
    assert t.translate("loss\ntest accuracy 0.5") == "损失\n测试准确率 0.5"  # line by line
    assert t.translate("loss\nvalidation") is None  # a line with no entry: missing


def test_missing_entries_and_words_that_may_stay():
    t = tables(loss="损失")
    assert t.translate("gradient norm") is None
    assert not t.needs_translation("ReLU")
    assert not t.needs_translation("12.5 ms")
    assert not t.needs_translation("nn.Linear")
    assert not t.needs_translation("$\\alpha = 0.1$")  # math: symbols, not words
    assert t.english_words("ReLU 之后 gradient") == ["gradient"]
    # numbers and code names are not words to translate
    assert t.english_words("最大值 3.39e+38，3x3 卷积核，f(x)") == []
    assert t.english_words("AddBackward0、OneCycleLR(max_lr=0.1)、T_max、china.jpg、MSE") == []
    assert t.english_words("Cutout(1, 64) 与 noise") == ["noise"]
    assert t.english_words("float32 与 bfloat16，int8") == []
    assert t.english_words("blocks.0 与 stem.0") == [] and t.english_words("the end.") == ["the", "end"]


def test_tables_merge_and_a_key_with_two_values_is_an_error(tmp_path):
    (tmp_path / "common.toml").write_text('"loss" = "损失"\n[keep]\nwords = ["ReLU"]\n', encoding="utf-8")
    (tmp_path / "stage1.toml").write_text('"loss" = "损失"\n"a {}" = "甲 {}"\n[keep]\nwords = ["ms"]\n', encoding="utf-8")
    merged = figures.read_tables(tmp_path)
    assert merged.translate("a 7") == "甲 7" and merged.keep == {"ReLU", "ms"}
    (tmp_path / "stage2.toml").write_text('"loss" = "代价"\n', encoding="utf-8")
    with pytest.raises(figures.TableError, match="'loss' is '损失' in common.toml but '代价' in stage2.toml"):
        figures.read_tables(tmp_path)
    (tmp_path / "stage2.toml").write_text('"b {}" = "乙"\n', encoding="utf-8")
    with pytest.raises(figures.TableError, match="b"):
        figures.read_tables(tmp_path)


def test_the_site_tables_are_valid():
    merged = figures.read_tables()
    assert merged.translate("test accuracy") == "测试准确率"
    assert {"ReLU", "GELU", "SGD", "Adam", "ONNX", "MB", "ms", "px"} <= merged.keep


# --- a real run ----------------------------------------------------------------------------

TINY = """
    # a figure with text in every place matplotlib puts it
    import matplotlib.pyplot as plt

    accuracy = 0.875
    fig, axes = plt.subplots(1, 2, figsize=(7, 3))
    axes[0].plot([1, 2, 3], [0.5, 0.7, accuracy], label="validation accuracy")
    axes[0].set_xticks([1, 2, 3], ["small", "medium", "large"])
    axes[0].set(title=f"test accuracy {accuracy}", xlabel="model size", ylabel="accuracy")
    axes[0].legend()
    axes[0].annotate("best", (3, accuracy))
    axes[1].table(cellText=[["ReLU", "12 ms"]], colLabels=["activation", "time"], loc="center")
    axes[1].axis("off")
    fig.suptitle("A tiny figure")
    plt.show()
"""


TEST_TABLES = """
    "validation accuracy" = "验证准确率"
    "small" = "小"
    "medium" = "中"
    "large" = "大"
    "test accuracy {}" = "测试准确率 {}"
    "model size" = "模型大小"
    "accuracy" = "准确率"
    "best" = "最佳"
    "activation" = "激活函数"
    "time" = "时间"
    "A tiny figure" = "一张小图"
    [keep]
    words = ["ReLU", "ms"]
"""


def _write_tables(folder: Path) -> Path:
    folder.mkdir()
    (folder / "common.toml").write_text(textwrap.dedent(TEST_TABLES), encoding="utf-8")
    return folder


@pytest.fixture
def table_dir(tmp_path, monkeypatch):
    """The test tables, as this process sees them (cache lookups, figures drawn here); no snippet runs with them."""
    folder = _write_tables(tmp_path / "figure_text")
    monkeypatch.setenv("SNIPPETS_FIGURE_TEXT", str(folder))
    return folder


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """One real run of TINY through the runner, with the test tables, shared by the tests below (each one that
    changes the cache or the tables works on its own copy): one run on one worker of its own."""
    folder = tmp_path_factory.mktemp("tiny-figure")
    tables = _write_tables(folder / "figure_text")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SNIPPETS_FIGURE_TEXT", str(tables))  # the runner's children read it too...
        # ...but they fork from a warm worker, which keeps the environment it started with: a worker
        # started now, with these tables, for this run alone (the tests' shared one never sees them).
        with worker_of_its_own(("torch", "matplotlib", "matplotlib.pyplot")):
            session, block, outcome = _run(folder, TINY)
    return folder / "cache", session, block, outcome


def _cache_copy(tiny_run, into: Path):
    """A copy of the shared run's cache, and where the run's cache entry sits in the copy."""
    import shutil

    cache, _, _, outcome = tiny_run
    shutil.copytree(cache, into)
    return into, into / outcome.result.figures[0].parent.relative_to(cache)


def _run(tmp_path, code: str):
    snippets = tmp_path / "snippets"
    snippets.mkdir(exist_ok=True)
    path = snippets / "tiny_figure.py"
    path.write_text(textwrap.dedent(code).lstrip(), encoding="utf-8")
    session = Session(tmp_path / "cache", device="cpu", display_root=snippets)
    block = Block(page="lesson.md", line=1, end_line=3, indent="", code=path.read_text(), include=path.name,
                  snippet=path, marks=[])
    try:
        return session, block, session.run([block])[block]
    finally:
        session.close()


def test_a_real_run_saves_a_chinese_twin_with_chinese_text_and_no_tofu(tiny_run, table_dir):
    from matplotlib.image import imread

    _, _, block, outcome = tiny_run
    assert outcome.status == "ok", outcome.result.output
    (english,) = outcome.result.figures
    chinese = figures.chinese_path(english)
    assert chinese.is_file() and english.is_file()
    (record,) = figures.read_record([english])
    assert record["font"], "no CJK font found: apt-get install fonts-noto-cjk"
    assert record["tofu"] == []  # every character of the translated text has a glyph in its font chain
    assert record["texts"]["test accuracy 0.875"] == "测试准确率 0.875"  # the run's own number
    assert record["texts"]["small"] == "小" and record["texts"]["A tiny figure"] == "一张小图"
    assert record["texts"]["activation"] == "激活函数" and "ReLU" not in record["texts"]
    assert figures.leftover_english([english]) == []
    # Same run, same numbers: same size of canvas, different pixels (the words changed).
    a, b = imread(english), imread(chinese)
    assert a.shape[2] == b.shape[2] and abs(a.shape[1] - b.shape[1]) < 0.1 * a.shape[1]
    assert (a.shape != b.shape) or (a != b).any()
    # The Chinese page shows the twin, with the translated title as alt text; the English page is unchanged.
    zh = outcome_html(block, outcome, lambda p: p.name, "zh")
    en = outcome_html(block, outcome, lambda p: p.name, "en")
    assert 'src="figure-1.zh.png"' in zh and 'alt="一张小图（tiny_figure.py 生成的图 1）"' in zh
    assert 'src="figure-1.png"' in en and 'alt="A tiny figure (figure 1 made by tiny_figure.py)"' in en


def test_the_cache_keeps_the_twin_and_reruns_when_a_translation_changes(tiny_run, tmp_path, table_dir):
    _, session, block, outcome = tiny_run
    assert outcome.status == "ok"
    cache = Cache(_cache_copy(tiny_run, tmp_path / "cache")[0])
    key = session.key(block)
    environment = session._lookup_environment()
    found = cache.lookup(key, environment)
    assert found.result is not None and figures.chinese_path(found.result.figures[0]).is_file()
    common = table_dir / "common.toml"
    common.write_text(common.read_text(encoding="utf-8").replace('"best" = "最佳"', '"best" = "最好"'), encoding="utf-8")
    found = cache.lookup(key, environment)
    assert found.result is None and "'best': '最佳' -> '最好'" in found.reason
    common.write_text(common.read_text(encoding="utf-8") + '"unused" = "无关"\n', encoding="utf-8")
    common.write_text(common.read_text(encoding="utf-8").replace('"best" = "最好"', '"best" = "最佳"'), encoding="utf-8")
    assert cache.lookup(key, environment).result is not None  # an entry no figure uses changes nothing


def test_an_entry_without_chinese_figures_is_a_miss(tiny_run, tmp_path, table_dir):
    _, session, block, outcome = tiny_run
    cache, variant = _cache_copy(tiny_run, tmp_path / "cache")
    entry = json.loads((variant / "entry.json").read_text())
    (variant / figures.RECORD).unlink()
    del entry["figure_sha256"][figures.RECORD]
    (variant / "entry.json").write_text(json.dumps(entry))
    found = Cache(cache).lookup(session.key(block), session._lookup_environment())
    assert found.result is None and found.reason == "no Chinese figures recorded"


# --- the site: no English left in a figure on a Chinese page ---------------------------------

def _figure_blocks():
    from snippet_runner import collect_page

    seen, found, every = set(), [], []
    for path in sorted(docs_dir().rglob("*.zh.md")):  # page by page: a page being edited (test_pages names it)
        page = path.relative_to(docs_dir()).as_posix()  # does not hide the figures of the others
        try:
            every.extend(collect_page(path.read_text(encoding="utf-8"), page, expander()))
        except Exception as error:  # noqa: BLE001
            found.append(pytest.param(None, id=page, marks=pytest.mark.skip(reason=f"{page} does not collect: {error}")))
    for block in every:
        if block.snippet is None or block.include in seen or not block.page.endswith(".zh.md"):
            continue
        code = Path(block.snippet).read_text(encoding="utf-8")
        if "matplotlib" in code:
            seen.add(block.include)
            found.append(pytest.param(block, id=block.include))
    return found


@pytest.mark.parametrize("block", _figure_blocks())
def test_figures_on_chinese_pages_carry_no_english(block, outcomes):
    outcome = outcomes[block]
    if outcome.status != "ok":
        pytest.skip(f"{block.include}: {outcome.status}")
    problems = figures.leftover_english(outcome.result.figures)
    assert not problems, (f"snippets/{block.include} (on {block.page}): add these to figure_text/zh/*.toml "
                          "(or, for a code name or unit, to [keep] words):\n  " + "\n  ".join(problems))


def test_the_alt_text_of_a_suptitle_with_a_semicolon_is_translated_whole():
    record = {"texts": {"a; b": "甲；乙", "a": "甲", "b": "乙"}}
    assert figures.chinese_title("a; b", record) == "甲；乙"
    assert figures.chinese_title("a; c", {"texts": {"a": "甲"}}) == "甲；c"  # axes' titles, one by one


def test_tick_labels_that_are_not_strings_are_translated_as_text(tmp_path, table_dir):
    """ConfusionMatrixDisplay's FixedFormatter hands back numpy integers (a buffer, to `re`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots()
    ax.imshow(np.eye(3))
    ax.set_xticks(range(3), labels=list(np.arange(3)))
    ax.set_title("validation accuracy")
    record = figures.save_chinese(fig, tmp_path / "f.zh.png", tables=figures.read_tables(table_dir))
    plt.close(fig)
    assert "error" not in record, record
    assert record["texts"]["validation accuracy"] == "验证准确率"
