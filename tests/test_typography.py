"""Chinese typography: autocorrect (the CJK copywriting linter) and the site's own conventions.

autocorrect runs on every docs/**/*.zh.md page with the configuration in .autocorrectrc (each rule
turned off there says why). The conventions autocorrect does not check are checked here: ranges
with an en dash (第 1–2 周), percentages without a space in Chinese (95%), and full-width
parentheses around English in Chinese text (张量（Tensor）).
"""

from __future__ import annotations

import re

import pytest

from tests.project import ROOT, docs_dir

autocorrect = pytest.importorskip("autocorrect_py", reason="pip install autocorrect-py (in the test extras)")
CONFIG = ROOT / ".autocorrectrc"
CJK = "\u3400-\u4dbf\u4e00-\u9fff"


def chinese_pages():
    return sorted(docs_dir().rglob("*.zh.md"))


def _id(path):
    return str(path.relative_to(docs_dir()))


def autocorrect_findings(text: str, name: str) -> list[str]:
    autocorrect.load_config(CONFIG.read_text(encoding="utf-8"))
    result = autocorrect.lint_for(text, name)
    return [f"{line.line}: {line.old.strip()!r} -> {line.new.strip()!r}" for line in result.lines]


def _prose(text: str):
    """(line number, line) outside front matter and fences, with code, math, comments, URLs and attributes blanked."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0] == "---":
        start = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0) + 1
    fence = None
    for number, line in enumerate(lines[start:], start + 1):
        stripped = line.strip()
        if fence:
            fence = None if stripped.startswith(fence) else fence
            continue
        match = re.match(r"(`{3,}|~{3,})", stripped)
        if match:
            fence = match.group(1)
            continue
        for pattern in (r"(`+).*?\1", r"\$[^$]*\$", r"<!--.*?-->", r"\]\([^)]*\)", r"\{[:#.][^}]*\}", r"\{ [^}]*\}",
                        r"<[^>]+>", r"https?://\S+"):
            line = re.sub(pattern, lambda m: " " * len(m.group(0)), line)
        yield number, line


def convention_findings(text: str) -> list[str]:
    found = []
    for number, line in _prose(text):
        for m in re.finditer(r"(?<![\d.\-–])(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)(?![\d\-])", line):
            if not re.fullmatch(r"\d{4}-\d{2}", m.group(0)):  # a date (2026-11) is not a range
                found.append(f"{number}: range {m.group(0)!r}: write {m.group(1)}–{m.group(2)} (en dash)")
        for m in re.finditer(r"\d\s+%", line):
            found.append(f"{number}: percentage {m.group(0)!r}: no space in Chinese (95%)")
        for m in re.finditer(rf"[{CJK}]\s*\([^()]*[A-Za-z][^()]*\)|\([^()]*[A-Za-z][^()]*\)\s*[{CJK}]", line):
            found.append(f"{number}: {m.group(0)!r}: full-width parentheses around English in Chinese text （）")
    return found


@pytest.mark.parametrize("page", chinese_pages(), ids=_id)
def test_autocorrect_finds_nothing(page):
    findings = autocorrect_findings(page.read_text(encoding="utf-8"), page.name)
    assert not findings, f"autocorrect on docs/{_id(page)} (fix the page, or turn the rule off in .autocorrectrc " \
                         "with the reason):\n  " + "\n  ".join(f"docs/{_id(page)}:{f}" for f in findings)


@pytest.mark.parametrize("page", chinese_pages(), ids=_id)
def test_ranges_percentages_and_parentheses(page):
    findings = convention_findings(page.read_text(encoding="utf-8"))
    assert not findings, "\n  ".join([f"docs/{_id(page)}:"] + findings)


def test_the_checks_catch_what_they_are_for():
    text = "---\ntranslation_of: x\n---\n\n# 1.2 张量(Tensor)基础\n\n阶段5 中，第1-2周，95 %。\n\n```python\n# 第1-2周\n```\n" \
           "`1-2` 与 [链接](https://example.com/a-1-2) 与 2026-11-29 与 $1-2$。\n"
    auto = autocorrect_findings(text, "x.zh.md")
    assert any(f.startswith("5:") for f in auto) and any(f.startswith("7:") for f in auto)
    conventions = convention_findings(text)
    assert [f.split(":")[0] for f in conventions] == ["5", "7", "7"], conventions
    assert convention_findings("窗口取 (5 + 2 − 3) // 2 + 1 个位置，DCGAN 中 (4, 2, 1) 的层。") == []
    assert convention_findings("第 1–2 周，95%，张量（Tensor）。") == []


def test_every_rule_turned_off_says_why():
    lines = CONFIG.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"\s+([a-z-]+):\s*0\b", line)
        if match:
            assert i and lines[i - 1].strip().startswith("#") and len(lines[i - 1].strip()) > 10, \
                f".autocorrectrc: rule {match.group(1)} is off without a reason on the line above"
