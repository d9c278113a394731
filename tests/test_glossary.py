"""The glossary: one Chinese rendering per term, used on every Chinese page, linked from first uses."""

from __future__ import annotations

import re
import unicodedata

import pytest

from site_hooks.glossary import anchor_rows, build_pattern, link_terms, parse_table, slug
from tests.project import SEED, docs_dir

CLAUSE_END = re.compile(r"[。；，：、！？（）()“”\"\n]")


def rows(language: str = "zh") -> list[dict]:
    name = "glossary.zh.md" if language == "zh" else "glossary.md"
    return parse_table((docs_dir() / name).read_text(encoding="utf-8"))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _roadmap() -> str:
    return _squash(SEED.read_text(encoding="utf-8"))


def prose_lines(text: str):
    """(line number, line, code spans as (start, end)) for each line outside front matter, fences and comments."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0] == "---":
        start = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0) + 1
    fence = None
    in_comment = False
    for number, line in enumerate(lines[start:], start + 1):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        match = re.match(r"(`{3,}|~{3,})", stripped)
        if match:
            fence = match.group(1)
            continue
        if in_comment:
            if "-->" in line:
                in_comment = False
                line = line.split("-->", 1)[1]
            else:
                continue
        line = re.sub(r"<!--.*?-->", lambda m: " " * len(m.group(0)), line)
        if "<!--" in line:
            in_comment = True
            line = line.split("<!--", 1)[0]
        line = line.replace("**", "").replace("*", "")
        spans = [(m.start(), m.end()) for m in re.finditer(r"(`+)(?!`).*?(?<!`)\1(?!`)", line)]
        yield number, line, spans


def _quotes_roadmap(line: str, start: int, end: int, roadmap: str) -> bool:
    """The hit lies in a clause that the roadmap has word for word (spaces and widths aside)."""
    left = max((m.end() for m in CLAUSE_END.finditer(line, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE_END.finditer(line, end)), len(line))
    clause = _squash(line[left:right])
    return len(clause) > len(_squash(line[start:end])) and clause in roadmap


def avoided_uses(text: str, glossary: list[dict], roadmap: str = "") -> list[tuple[int, str, str]]:
    """(line, avoided rendering, the one to use) for each avoided rendering in a page's prose."""
    found = []
    for number, line, spans in prose_lines(text):
        for row in glossary:
            for avoid in row["avoid"]:
                if avoid.isascii():
                    pattern = rf"(?<![A-Za-z]){re.escape(avoid)}(?![A-Za-z])"
                else:
                    pattern = re.escape(avoid)
                for m in re.finditer(pattern, line):
                    if any(a <= m.start() and m.end() <= b for a, b in spans):
                        continue
                    if roadmap and _quotes_roadmap(line, m.start(), m.end(), roadmap):
                        continue
                    found.append((number, avoid, row["zh"]))
    return found


def chinese_pages():
    return sorted(p for p in docs_dir().rglob("*.zh.md") if p.name != "glossary.zh.md")


def test_glossary_tables_list_the_same_terms_in_both_languages():
    zh, en = rows("zh"), rows("en")
    assert len(zh) >= 60
    assert [r["en"] for r in zh] == [r["en"] for r in en]
    assert [r["zh"] for r in zh] == [r["zh"] for r in en]
    assert [r["avoid"] for r in zh] == [r["avoid"] for r in en]
    assert len({r["en"] for r in zh}) == len(zh), "a term appears twice"
    assert len({slug(r["en"]) for r in zh}) == len(zh), "two terms have the same anchor"
    renderings = [r["zh"] for r in zh]
    for row in zh:
        clash = set(row["avoid"]) & set(renderings)
        assert not clash, f"{row['en']}: avoids {clash}, which is another term's rendering"


def test_the_fixed_choices():
    by_term = {r["en"]: r for r in rows()}
    for term, rendering, avoided in [
        ("vocabulary", "词表", "词汇表"), ("batch normalization", "批量归一化", "批归一化"),
        ("running mean", "滑动平均", "运行均值"), ("stride", "步幅", None), ("step size", "步长", None),
        ("quantization scale", "缩放因子", None), ("pinned memory", "锁页内存", "页锁定内存"),
        ("copy", "复制", "拷贝"), ("classification head", "分类头", "头部"), ("attention head", "注意力头", None),
    ]:
        assert by_term[term]["zh"] == rendering
        if avoided:
            assert avoided in by_term[term]["avoid"]


@pytest.mark.parametrize("page", chinese_pages(), ids=lambda p: str(p.relative_to(docs_dir())))
def test_chinese_pages_use_the_glossary_rendering(page):
    found = avoided_uses(page.read_text(encoding="utf-8"), rows(), _roadmap())
    rel = page.relative_to(docs_dir())
    assert not found, "avoided renderings (use the glossary's):\n" + "\n".join(
        f"  docs/{rel}:{line}: {avoid} -> {use}" for line, avoid, use in found)


def test_the_check_skips_code_comments_and_roadmap_quotes():
    glossary = [{"en": "vocabulary", "zh": "词表", "note": "", "avoid": ["词汇表"]},
                {"en": "batch normalization", "zh": "批量归一化", "note": "", "avoid": ["BatchNorm", "批归一化"]}]
    text = ("---\ntranslation_of: x\n---\n\n构建词汇表。\n\n```python\n# 词汇表\n```\n\n`BatchNorm2d` 与 `nn.BatchNorm` 都是代码。\n"
            "BatchNorm 在这里是正文。<!-- 批归一化 -->\n*出自路线图。* 创建一个文本数据集类，实现词汇表构建和序列填充。\n")
    found = avoided_uses(text, glossary, _squash("1. 创建一个文本数据集类，实现词汇表构建和序列填充"))
    assert found == [(5, "词汇表", "词表"), (12, "BatchNorm", "批量归一化")]


def test_hook_links_first_use_in_prose_only():
    glossary = [{"en": "tensor", "zh": "张量", "note": "", "avoid": []},
                {"en": "attention", "zh": "注意力", "note": "", "avoid": []},
                {"en": "self-attention", "zh": "自注意力", "note": "", "avoid": []},
                {"en": "epoch", "zh": "轮", "note": "", "avoid": []}]
    html = ('<h2 id="x">张量</h2><p class="admonition-title">张量</p><pre><code>张量</code></pre>'
            '<p class="verified-stamp" title="t">张量</p><p class="snippet-versions">张量</p>'
            '<p>一个<code>张量</code>，<a href="y">张量</a>，<img alt="张量">'
            '张量与自注意力；张量和注意力。<span class="arithmatex">\\(张量\\)</span></p><!-- 张量 -->')
    pattern, groups = build_pattern(glossary, "zh")
    out = link_terms(html, pattern, groups, "../glossary/")
    assert out.count('class="glossary-term"') == 3
    assert '<a class="glossary-term" href="../glossary/#tensor" title="tensor: 张量">张量</a>与' in out
    assert 'href="../glossary/#self-attention" title="self-attention: 自注意力">自注意力</a>' in out
    assert 'href="../glossary/#attention"' in out and out.index("#attention") > out.index("#self-attention")
    assert out.startswith('<h2 id="x">张量</h2><p class="admonition-title">张量</p><pre><code>张量</code></pre>'
                          '<p class="verified-stamp" title="t">张量</p><p class="snippet-versions">张量</p>')
    pattern, groups = build_pattern(glossary, "en")
    out = link_terms("<p>Two Tensors: a <em>tensor</em> and an epoch.</p>", pattern, groups, "glossary/")
    assert out == ('<p>Two <a class="glossary-term" href="glossary/#tensor" title="tensor: 张量">Tensors</a>: '
                   'a <em>tensor</em> and an epoch.</p>')


def test_glossary_rows_get_anchors():
    out = anchor_rows("<tr>\n<td>batch normalization</td>\n<td>批量归一化</td></tr>")
    assert out.startswith('<tr id="batch-normalization">\n<td>batch normalization</td>')


def test_every_chinese_page_links_nothing_twice_and_runs_fast():
    import time

    pattern, groups = build_pattern(rows(), "zh")
    page = "<p>" + ("张量、梯度与反向传播，批量归一化。" * 2000) + "</p>"
    start = time.perf_counter()
    out = link_terms(page, pattern, groups, "../glossary/")
    assert time.perf_counter() - start < 1.0
    assert out.count('href="../glossary/#tensor"') == 1


def test_a_linked_page_is_reused_until_its_html_changes(tmp_path, monkeypatch):
    """The hook keeps each page's linked HTML in <site>/.cache/glossary: a rebuild that did not change
    a page does not run the regex pass over it again, and an edited page is linked afresh."""
    from types import SimpleNamespace

    import site_hooks.glossary as hook

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "glossary.zh.md").write_text(
        "| English term | 译法 | 说明 | 避免的译法 |\n| --- | --- | --- | --- |\n| tensor | 张量 | n | |\n", encoding="utf-8")

    class Config(dict):
        config_file_path = str(tmp_path / "mkdocs.yml")

    config = Config(docs_dir=str(tmp_path / "docs"))
    glossary = SimpleNamespace(src_uri="glossary.md", url="glossary/", is_documentation_page=lambda: True)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="lesson.md"), url="lesson/")
    monkeypatch.setattr(hook, "_store", {})
    monkeypatch.setattr(hook, "_cache", {})

    first = hook.on_page_content("<p>A tensor.</p>", page, config, [glossary])
    assert first == '<p>A <a class="glossary-term" href="../glossary/#tensor" title="tensor: 张量">tensor</a>.</p>'
    hook.on_post_build(config)
    assert len(list((tmp_path / ".cache" / "glossary" / "en").glob("*.json"))) == 1

    monkeypatch.setattr(hook, "_store", {})  # the next build: MkDocs loads the hook again
    linked = []
    real = hook.link_terms
    monkeypatch.setattr(hook, "link_terms", lambda *a: linked.append(a[0]) or real(*a))
    assert hook.on_page_content("<p>A tensor.</p>", page, config, [glossary]) == first
    assert linked == []  # reused, not linked again
    edited = hook.on_page_content("<p>Two tensors.</p>", page, config, [glossary])
    assert linked == ["<p>Two tensors.</p>"] and 'href="../glossary/#tensor"' in edited
    hook.on_post_build(config)  # both records were used by this build: both are kept
    assert len(list((tmp_path / ".cache" / "glossary" / "en").glob("*.json"))) == 2
    monkeypatch.setattr(hook, "_store", {})
    hook.on_page_content("<p>Two tensors.</p>", page, config, [glossary])
    hook.on_post_build(config)  # the old version of the page is gone
    assert len(list((tmp_path / ".cache" / "glossary" / "en").glob("*.json"))) == 1


def test_a_build_that_skipped_pages_keeps_their_linked_html(tmp_path, monkeypatch):
    """A mkdocs serve rebuild makes only the pages that changed (snippet_runner/partial.py): the records
    of the pages it skipped stay (evicting them would make the next full build link every page again);
    a build that linked every page evicts what it did not use."""
    from types import SimpleNamespace

    import site_hooks.glossary as hook

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "glossary.zh.md").write_text(
        "| English term | 译法 | 说明 | 避免的译法 |\n| --- | --- | --- | --- |\n| tensor | 张量 | n | |\n", encoding="utf-8")

    class Config(dict):
        config_file_path = str(tmp_path / "mkdocs.yml")

    def doc(uri):
        return SimpleNamespace(src_uri=uri, url=uri.removesuffix(".md") + "/", is_documentation_page=lambda: True)

    class Files(list):
        def documentation_pages(self):
            return list(self)

    config = Config(docs_dir=str(tmp_path / "docs"))
    files = Files([doc("glossary.md"), doc("a.md"), doc("b.md")])
    a, b = (SimpleNamespace(file=SimpleNamespace(src_uri=f"{n}.md"), url=f"{n}/") for n in "ab")
    records = tmp_path / ".cache" / "glossary" / "en"
    monkeypatch.setattr(hook, "_cache", {})

    def build(*pages_and_html):
        monkeypatch.setattr(hook, "_store", {})  # MkDocs loads the hook again for each build
        hook.on_files(files, config)
        for page, text in pages_and_html:
            hook.on_page_content(text, page, config, files)
        hook.on_page_content("<table></table>", SimpleNamespace(file=doc("glossary.md"), url="glossary/"),
                             config, files)
        hook.on_post_build(config)
        return len(list(records.glob("*.json")))

    assert build((a, "<p>A tensor.</p>"), (b, "<p>B tensor.</p>")) == 2
    assert build((a, "<p>A tensor, edited.</p>")) == 3  # b skipped: its record stays (and a's old one)
    assert build((a, "<p>A tensor, edited.</p>"), (b, "<p>B tensor.</p>")) == 2  # every page: the unused goes
