"""The claims rule (CONTRIBUTING.md, "Claims"): every result a page states is backed.

A sentence of a page's prose that states a result (a percentage, a ratio, a decimal, a time or a
size, or a comparison of results such as "faster" or "优于") must, inside the same sentence, be

- tied to the assert that checks it: ``<!-- assert stage3/cnn_lenet5.py: test_acc >= 0.95 -->``
  (the text after the colon occurs in one ``assert`` statement of that snippet, and where the
  sentence has numbers, one of them equals a number of that assert: ``95 %`` matches ``0.95``);
- labelled as measured: ``measured, not asserted`` / ``实测值，未做断言``;
- sourced: a Markdown link to an ``http(s)://`` page where the number comes from;
- or declared not to be a result: ``<!-- not a result -->`` (a setting, a definition).

This module is pure text processing: ``problems(text, read_snippet)`` returns the findings of one
page, so the rule is tested on planted pages without a site.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

MEASURED = ("measured, not asserted", "实测值，未做断言")
NOT_A_RESULT = re.compile(r"<!--\s*not a result\b.*?-->", re.S)
TIE = re.compile(r"<!--\s*assert\s+(?P<file>[\w./-]+\.py)\s*:\s*(?P<text>.*?)\s*-->", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
SOURCE_LINK = re.compile(r"\]\(\s*https?://[^)\s]+")

# What makes a sentence a statement of a result.
_NUMBER = r"(?<![\w.])\d[\d,]*(?:\.\d+)?"
RESULT_PATTERNS = {
    "a percentage": re.compile(rf"{_NUMBER}\s*%|百分点|百分之|percentage points?", re.I),
    "a ratio": re.compile(rf"{_NUMBER}\s?(?:×|x\b)(?!\s?\d)|\d\s*倍|[一两二三四五六七八九十几数半]倍", re.I),
    # Not metric names (mAP@0.5) or arguments written as calls (LeakyReLU(0.2)).
    "a decimal": re.compile(r"(?<![\w.@])(?<!\w\()(?:0\.\d+|\d+\.\d{2,})(?!\d|\.\d)|(?<![\w.])\d+(?:\.\d+)?e-?\d+\b"),
    "a time or size": re.compile(rf"{_NUMBER}\s*(?:ms|s|seconds?|minutes?|KB|MB|GB|kB|毫秒|秒|分钟)(?![\w])"),
    "a comparison": re.compile(
        r"\b(?:better|worse|faster(?![\s-]*R-?CNN)|slower|beats?|beating|outperforms?|catch(?:es)? up|"
        r"more accurate|less accurate|speed-?ups?|(?:higher|lower|smaller|larger) than)\b"
        r"|更好|更差|更快|更慢|优于|胜过|超过|高于|低于|追上|赶上|加速", re.I),
}

SENTENCE_END = re.compile(r"(?:[.!?](?=[\"'”’)\]*_]*(?:[\s\0]|$))|[。！？；])[\"'”’)\]）*_]*")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")


@dataclass
class Sentence:
    line: int  # 1-based line of the page where the sentence starts
    text: str  # as written, comments included


@dataclass
class Finding:
    line: int
    sentence: str
    why: str

    def __str__(self) -> str:
        excerpt = re.sub(r"\s+", " ", self.sentence).strip()
        return f"line {self.line}: {self.why}: {excerpt[:220]}"


# -- reading a page's prose --------------------------------------------------------------------

def _units(text: str) -> Iterator[tuple[int, str, bool]]:
    """Paragraphs, list items and table rows of the prose, with their first line and whether the
    unit is a table row whose table is labelled measured. Code, math, headings, front matter and
    admonition titles are left out; so are learning goals (intents, not results)."""
    lines = text.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), 0)
        i = end + 1
    fence: Optional[str] = None
    in_math = False
    skip_indent: Optional[int] = None  # inside a learning-goals box
    table_measured = False
    current: list[str] = []
    start = 0

    def flush():
        nonlocal current
        if current:
            yield_unit = (start, "\n".join(current))
            current = []
            return yield_unit
        return None

    while i < len(lines):
        line = lines[i]
        number = i + 1
        i += 1
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        if m := FENCE.match(line):
            if (u := flush()):
                yield (*u, False)
            fence = m.group(1)
            continue
        if stripped.startswith("$$"):
            if (u := flush()):
                yield (*u, False)
            if not (stripped.endswith("$$") and len(stripped) > 2):
                in_math = not in_math
            continue
        if in_math:
            continue
        if skip_indent is not None:
            if stripped and indent <= skip_indent:
                skip_indent = None
            else:
                continue
        if not stripped:
            if (u := flush()):
                yield (*u, False)
            table_measured = False
            continue
        if re.match(r"^(?:!!!|\?\?\?\+?)\s*abstract\b", stripped):
            if (u := flush()):
                yield (*u, False)
            skip_indent = indent
            continue
        if stripped.startswith("#") or re.match(r"^(?:!!!|\?\?\?\+?)", stripped) or stripped.startswith("--8<--"):
            if (u := flush()):
                yield (*u, False)
            continue
        if stripped.startswith("|"):
            if (u := flush()):
                yield (*u, False)
            if re.fullmatch(r"\|?[\s:|-]+\|?", stripped):
                continue
            if not table_measured and any(label in stripped.lower() for label in MEASURED):
                table_measured = True
            yield number, stripped, table_measured
            continue
        if LIST_ITEM.match(line) and current:
            if (u := flush()):
                yield (*u, False)
        if not current:
            start = number
        current.append(stripped)
    if (u := flush()):
        yield (*u, False)


def _mask(text: str) -> str:
    """The sentence as prose: inline code, inline math and link targets blanked, comments removed."""
    text = COMMENT.sub(" ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"(?<!\\)\$[^$]+\$", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\{[#.][^}]*\}", " ", text)  # attribute lists
    return text


def sentences(text: str) -> Iterator[tuple[Sentence, bool]]:
    """Every sentence of the prose (comments that follow a sentence's end belong to it)."""
    for line, unit, measured_table in _units(text):
        if unit.startswith("|"):
            yield Sentence(line, unit), measured_table
            continue
        # Split at sentence ends outside comments, code spans and link targets.
        protected = re.sub(r"<!--.*?-->|`[^`]*`|\]\([^)]*\)|(?<!\\)\$[^$]+\$",
                           lambda m: "\0" * len(m.group()), unit, flags=re.S)
        begin = 0
        for m in SENTENCE_END.finditer(protected):
            end = m.end()
            # A comment right after the end punctuation belongs to this sentence.
            while (c := re.compile(r"\s*<!--.*?-->", re.S).match(unit, end)):
                end = c.end()
            piece = unit[begin:end]
            if piece.strip():
                yield Sentence(line + unit[:begin].count("\n"), piece.strip()), False
            begin = end
        if unit[begin:].strip():
            yield Sentence(line + unit[:begin].count("\n"), unit[begin:].strip()), False


# -- the rule ---------------------------------------------------------------------------------

def result_kinds(sentence: str) -> list[str]:
    prose = _mask(sentence)
    return [kind for kind, pattern in RESULT_PATTERNS.items() if pattern.search(prose)]


def _numbers(text: str) -> set[float]:
    found = set()
    for m in re.finditer(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?(?:e-?\d+)?)", text):
        try:
            found.add(float(m.group(1).replace(",", "")))
        except ValueError:
            pass
    return found


def _assert_numbers(node: ast.AST) -> set[float]:
    values = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, (int, float)) and not isinstance(sub.value, bool):
            values.add(float(sub.value))
        if isinstance(sub, ast.UnaryOp) and isinstance(sub.op, ast.USub) and isinstance(sub.operand, ast.Constant) \
                and isinstance(sub.operand.value, (int, float)):
            values.add(-float(sub.operand.value))
    return values


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def numbers_match(sentence_numbers: set[float], assert_numbers: set[float]) -> bool:
    for n in sentence_numbers:
        for a in assert_numbers:
            if _close(n, a) or _close(n / 100, a) or _close(n, a * 100):
                return True
    return False


def asserts_of(source: str) -> list[tuple[str, set[float]]]:
    """(whitespace-normalized source text, numbers) of every assert statement in a snippet."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            segment = ast.get_source_segment(source, node) or ""
            found.append((re.sub(r"\s+", " ", segment), _assert_numbers(node)))
    return found


def check_tie(file: str, text: str, sentence: str, read_snippet: Callable[[str], Optional[str]]) -> Optional[str]:
    """Why the tie does not hold, or None."""
    source = read_snippet(file)
    if source is None:
        return f"the tie names {file}, which is not a snippet"
    wanted = re.sub(r"\s+", " ", text).strip()
    if not wanted:
        return f"the tie to {file} quotes no assert text"
    matches = [(seg, nums) for seg, nums in asserts_of(source) if wanted in seg]
    if not matches:
        return f"the tie points at no assert of {file} containing {wanted!r}"
    prose_numbers = _numbers(_mask(sentence).replace("\u00a0", " ")) | _numbers(" ".join(re.findall(r"`([^`]*)`", sentence)))
    if prose_numbers and not any(numbers_match(prose_numbers, nums) for _, nums in matches):
        bounds = sorted({n for _, nums in matches for n in nums})
        return (f"the sentence's numbers {sorted(prose_numbers)} match no bound of the assert it is tied to "
                f"({matches[0][0][:80]!r}: {bounds})")
    return None


def problems(text: str, read_snippet: Callable[[str], Optional[str]]) -> list[Finding]:
    findings = []
    for sentence, measured_table in sentences(text):
        ties = list(TIE.finditer(sentence.text))
        for tie in ties:
            why = check_tie(tie["file"], tie["text"], sentence.text, read_snippet)
            if why:
                findings.append(Finding(sentence.line, sentence.text, why))
        kinds = result_kinds(sentence.text)
        if re.search(r"[?？]\W*$", COMMENT.sub("", sentence.text).strip()):
            continue  # a question states no result
        if not kinds or ties or measured_table:
            continue
        lowered = sentence.text.lower()
        if any(label in lowered for label in MEASURED) or NOT_A_RESULT.search(sentence.text) \
                or SOURCE_LINK.search(sentence.text):
            continue
        findings.append(Finding(sentence.line, sentence.text,
                                f"states {' and '.join(kinds)} with no tie to an assert, no 'measured' label and no source"))
    return findings
