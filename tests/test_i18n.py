"""The Chinese edition keeps step with the English one: every page in both languages, the same
shape (the same snippets in the same order with the same markers, the same sections, diagrams and
admonitions), and a record of which English version each Chinese page was translated from.

These tests read files only (no build, no snippet runs): seconds.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from snippet_runner.collect import INCLUDE, Mark
from tests.project import ROOT, docs_dir

sys.path.insert(0, str(ROOT / "scripts"))
import translations  # noqa: E402

ENGLISH = translations.english_pages(docs_dir())
IDS = [p.relative_to(docs_dir()).as_posix() for p in ENGLISH]
FENCE = re.compile(r"^(?P<indent>\s*)(?P<ticks>```+)\s*(?P<info>[^\n`]*)$")
MARKER = re.compile(r"^\s*<!--\s*pytest\.mark\.(?P<mark>.+?)\s*-->\s*$")
ADMONITION = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _without_front_matter(text: str) -> str:
    front = translations.FRONT.match(text)
    return text[front.end():] if front else text


def shape(text: str) -> dict[str, list]:
    """What must be the same on a page and its translation.

    Prose is free; the structure is not: the code blocks (their includes, or their language for
    non-Python blocks, and the runner markers above them, reasons aside), the headings of each
    level, the diagrams and the admonitions, and the table rows.
    """
    lines = _without_front_matter(text).split("\n")
    blocks, headings, admonitions, tables = [], {2: 0, 3: 0, 4: 0}, 0, 0
    marks: list[str] = []
    inside = None
    for number, line in enumerate(lines):
        fence = FENCE.match(line)
        if inside is not None:
            if fence and fence["ticks"] == inside and not fence["info"].strip():
                inside = None
            continue
        if fence:
            inside = fence["ticks"]
            body = lines[number + 1].strip() if number + 1 < len(lines) else ""
            include = INCLUDE.match(body)
            language = (fence["info"].split() or ["text"])[0].strip("{}.")
            blocks.append((language, include["target"] if include else None, tuple(marks)))
            marks = []
            continue
        marker = MARKER.match(line)
        if marker:
            mark = Mark.parse(f"pytest.mark.{marker['mark']}")
            marks.append(f"{mark.name}{mark.args if mark.name in ('timeout', 'memory') else ''}")
            continue
        if line.strip():
            marks = [] if not line.lstrip().startswith("<!--") else marks
        heading = re.match(r"^(#{2,4}) ", line)
        if heading:
            headings[len(heading[1])] += 1
        admonitions += bool(ADMONITION.match(line))
        tables += line.lstrip().startswith("|")
    return {"code blocks (language, include, markers)": blocks,
            "heading ids (a translated heading keeps the English id: {#id})":
                [anchor for _, anchor, _ in translations.heading_ids(text)],
            "headings (##, ###, ####)": [headings[2], headings[3], headings[4]],
            "admonitions and collapsed blocks": [admonitions], "table rows": [tables]}


def shape_problems(english: str, chinese: str) -> list[str]:
    """How a translation's structure differs from its English page (an empty list: it does not)."""
    want, got = shape(english), shape(chinese)
    problems = []
    for what in want:
        if want[what] != got[what]:
            if what.startswith("code"):
                missing = [b for b in want[what] if b not in got[what]]
                extra = [b for b in got[what] if b not in want[what]]
                detail = f"missing {missing}, not in English {extra}" if missing or extra else "in another order"
                problems.append(f"{what}: {detail}")
            else:
                problems.append(f"{what}: English {want[what]}, Chinese {got[what]}")
    prose = HAN.findall(_without_front_matter(chinese))
    if len(prose) < 50:
        problems.append(f"only {len(prose)} Chinese characters: not translated")
    return problems


def test_every_english_page_has_a_chinese_page_and_back():
    missing = [p for p in IDS if not translations.translation_path(docs_dir() / p).exists()]
    orphans = [p.relative_to(docs_dir()).as_posix() for p in docs_dir().rglob(f"*.{translations.LANGUAGE}.md")
               if not translations.english_path(p).exists()]
    assert not missing, f"English pages without a Chinese page: {missing}"
    assert not orphans, f"Chinese pages without an English page: {orphans}"


@pytest.mark.parametrize("english", ENGLISH, ids=IDS)
def test_translation_has_the_shape_of_its_english_page(english):
    chinese = translations.translation_path(english)
    if not chinese.exists():
        pytest.fail(f"no {chinese.relative_to(ROOT)}")
    problems = shape_problems(english.read_text(encoding="utf-8"), chinese.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_the_shape_check_sees_a_missing_block_a_section_and_an_untranslated_page():
    english = ('# T\n\n## A\n\ntext\n\n<!--pytest.mark.skip(reason="needs network")-->\n```python\n'
               '--8<-- "a.py"\n```\n\n## B\n\n```mermaid\nflowchart LR\n```\n')
    chinese = (english.replace("text", "中文" * 30).replace('"needs network"', '"需要网络"')
               .replace("## A", "## 甲 {#a}").replace("## B", "## 乙 {#b}"))
    assert shape_problems(english, chinese) == []
    assert any("missing [('python', 'a.py'" in p for p in shape_problems(english, chinese.replace('"a.py"', '"b.py"')))
    assert any("headings" in p for p in shape_problems(english, chinese.replace("## 乙 {#b}", "乙")))
    assert any("heading ids" in p for p in shape_problems(english, chinese.replace("{#b}", "")))
    assert any("not translated" in p for p in shape_problems(english, english))
    unmarked = chinese.replace('<!--pytest.mark.skip(reason="需要网络")-->\n', "")
    assert any("missing" in p for p in shape_problems(english, unmarked))


CJK = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"


def broken_lines(text: str) -> list[int]:
    """Lines of prose that end with a Chinese character while the next line goes on with one.

    Browsers (Chrome) show such a line break as a space in the middle of a sentence; a Chinese
    paragraph is written on one line."""
    lines, out, inside = text.split("\n"), [], False
    for number, (line, following) in enumerate(zip(lines, lines[1:] + [""]), 1):
        if FENCE.match(line):
            inside = not inside
            continue
        next_text = following.strip()
        if (not inside and re.search(CJK + "$", line) and re.match(CJK, next_text)
                and not re.match(r"^([-*+]|\d+\.)\s|^[#|<>]|^!!!|^\?\?\?", next_text)):
            out.append(number)
    return out


@pytest.mark.parametrize("english", ENGLISH, ids=IDS)
def test_chinese_paragraphs_are_not_broken_between_two_characters(english):
    chinese = translations.translation_path(english)
    if not chinese.exists():
        pytest.fail(f"no {chinese.relative_to(ROOT)}")
    lines = broken_lines(chinese.read_text(encoding="utf-8"))
    assert not lines, f"{chinese.relative_to(ROOT)}: a line break between two Chinese characters at lines {lines}"


def test_the_line_break_check():
    assert broken_lines("张量是\n多维数组。\n") == [1]
    assert broken_lines("张量是多维数组。\n- 列表\n\n```text\n代码\n注释\n```\n") == []
    assert broken_lines("使用\n`torch.cat`。\n") == []


# -- which English version each Chinese page was translated from -----------------------------------

def test_every_chinese_page_is_up_to_date_with_its_english_page():
    stale = translations.stale_pages(docs_dir())
    assert not stale, ("Chinese pages behind their English page (see `python scripts/translations.py stale` "
                       "for what changed; after review, `... accept PAGE`):\n"
                       + "\n".join(s.reason(ROOT) for s in stale))


def test_blob_id_is_gits():
    sample = ROOT / "README.md"
    if shutil.which("git") is None:
        pytest.skip("git is not installed here")
    expected = subprocess.run(["git", "hash-object", str(sample)], capture_output=True, text=True, check=True).stdout
    assert translations.blob_id(sample.read_bytes()) == expected.strip()


def test_stale_command_names_the_changed_page_and_shows_the_english_diff(tmp_path):
    """In a temp copy with its own git history: change an English page, and the test and the command see it."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed here")
    docs = tmp_path / "docs"
    (docs / "stage-1").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nHello.\n", encoding="utf-8")
    (docs / "index.zh.md").write_text("# 首页\n\n你好。\n", encoding="utf-8")
    (docs / "stage-1" / "tensors.md").write_text("# Tensors\n\nA tensor is an array.\n", encoding="utf-8")
    (docs / "stage-1" / "tensors.zh.md").write_text("# 张量\n\n张量是数组。\n", encoding="utf-8")
    script = [sys.executable, str(ROOT / "scripts" / "translations.py"), "--root", str(tmp_path)]
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    accepted = subprocess.run([*script, "accept", "docs/index.zh.md", "docs/stage-1/tensors.zh.md"], cwd=tmp_path,
                              capture_output=True, text=True)
    assert accepted.returncode == 0, accepted.stderr
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "translated"], check=True)
    clean = subprocess.run([*script, "stale"], capture_output=True, text=True)
    assert clean.returncode == 0 and "all 2 Chinese pages are up to date" in clean.stdout, clean.stdout

    (docs / "stage-1" / "tensors.md").write_text("# Tensors\n\nA tensor is an n-dimensional array.\n", encoding="utf-8")
    assert [s.translation.name for s in translations.stale_pages(docs)] == ["tensors.zh.md"]
    report = subprocess.run([*script, "stale"], capture_output=True, text=True)
    assert report.returncode == 1
    assert "docs/stage-1/tensors.zh.md: its English page changed" in report.stdout
    assert "-A tensor is an array." in report.stdout and "+A tensor is an n-dimensional array." in report.stdout
    assert "index.zh.md" not in report.stdout and "1 of 2 Chinese pages stale" in report.stdout

    subprocess.run([*script, "accept", "docs/stage-1/tensors.zh.md"], check=True, capture_output=True)
    assert translations.stale_pages(docs) == []
    assert "# 张量" in (docs / "stage-1" / "tensors.zh.md").read_text(encoding="utf-8")  # the page itself kept

    (docs / "stage-1" / "tensors.zh.md").unlink()
    missing = subprocess.run([*script, "stale"], capture_output=True, text=True)
    assert missing.returncode == 1 and "tensors.zh.md: missing" in missing.stdout


# -- the site configuration: mkdocs-static-i18n and its known pitfalls ------------------------------

def _i18n_options():
    from tests.project import config

    plugin = config().plugins["i18n"]
    return config(), {lang.locale: lang for lang in plugin.config.languages}


def _nav_labels(items):
    for item in items:
        if isinstance(item, dict):
            for label, value in item.items():
                yield label
                if isinstance(value, list):
                    yield from _nav_labels(value)
        elif isinstance(item, list):
            yield from _nav_labels(item)


def test_every_nav_label_has_a_chinese_label():
    config, languages = _i18n_options()
    labels = set(_nav_labels(config.nav))
    translations_ = languages["zh"].nav_translations or {}
    assert not labels - set(translations_), f"nav labels without a Chinese label: {sorted(labels - set(translations_))}"
    assert not set(translations_) - labels, f"Chinese labels for no nav entry: {sorted(set(translations_) - labels)}"
    assert all(HAN.search(text) or re.fullmatch(r"[\w. ]+", text) for text in translations_.values())


def test_english_is_the_default_at_the_root_and_chinese_under_zh():
    _, languages = _i18n_options()
    assert languages["en"].default and languages["en"].link == "/"
    assert languages["zh"].link == "/zh/" and languages["zh"].build


def test_no_instant_navigation_with_the_language_switcher():
    """mkdocs-static-i18n: Material's navigation.instant does not work with its language switcher (the
    plugin warns, so the strict build would fail): the site does without it."""
    config, _ = _i18n_options()
    assert "navigation.instant" not in config.theme["features"]


def test_the_hook_sees_one_language_at_a_time_and_places_outputs_before_admonitions_are_translated():
    """The hook's on_files runs after the i18n plugin's (which picks this language's files), and its
    on_page_markdown before the plugin's (which rewrites untitled admonitions, moving nothing but
    changing the text the hook collected)."""
    from mkdocs_static_i18n.plugin import I18n

    from snippet_runner.mkdocs_plugin import SnippetOutputsPlugin as hook  # the snippet-outputs plugin

    assert hook.on_files.mkdocs_priority < I18n.on_files.mkdocs_priority
    assert hook.on_page_markdown.mkdocs_priority > I18n.on_page_markdown.mkdocs_priority


def test_both_languages_include_snippets_from_the_same_base_path():
    """pymdownx.snippets resolves includes against its base_path (from the project root), not the page:
    a Chinese page's includes are the English page's files."""
    from tests.project import blocks

    by_page = {}
    for block in blocks():
        if block.snippet is not None:
            by_page.setdefault(block.page, []).append(block.snippet)
    for page, snippets in by_page.items():
        if not page.endswith(".zh.md"):
            assert by_page.get(page.replace(".md", ".zh.md")) == snippets, page
