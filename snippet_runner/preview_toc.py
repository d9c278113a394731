"""A notebook preview's headings with the lesson's ids, and its table of contents read from them.

mkdocs-jupyter builds a preview's table of contents from the notebook converted to Markdown, after
deleting every backtick span from that Markdown (``nbconvert2.nb2md``: so that a ``# comment`` in
code is not read as a heading). A heading with inline code loses it: "Views, strides and
`contiguous()`" became "Views, strides and", and its anchor, made from the shortened text, matched
no heading of the page: 128 of the 566 table-of-contents links of the previews pointed nowhere
(2026-12-04). The rendered preview has each heading with its text and its id, so the table is read
from there instead: the same entries, titles and ids the reader's page has.

The ids: nbconvert gives a heading the slug of its text, which keeps only ASCII, so a Chinese
heading got ``id=""`` (and 1. ★ 预测形状 and 2. ★★ 找 bug got "1" and "2-bug"). The lesson's own
ids (``## 广播规则 {#the-rules}``) reach the notebook as an anchor in the heading,
``## 广播规则 <a id="the-rules"></a>`` (notebook.py); :func:`heading_ids` makes that the heading's
id, so the preview's headings have the lesson page's ids, in both languages.
"""

from __future__ import annotations

import html
import re

from markdown.extensions.toc import nest_toc_tokens, slugify_unicode

_ANCHOR = re.compile(r'<a\b[^>]*\bclass="anchor-link"[^>]*>.*?</a>', re.DOTALL)
_ANCHOR_HREF = re.compile(r'(<a\b[^>]*\bclass="anchor-link"[^>]*\bhref=")#[^"]*(")')
_TAG = re.compile(r"<[^>]+>")
# A heading nbconvert rendered from a Markdown cell: <hN id="..."> text <a class="anchor-link">¶</a></hN>.
_INSIDE = r"(?:(?!</?h[1-6]\b).)*?"  # within one heading: never across its end or into another
_HEADING = re.compile(rf'<h([1-6])\b([^>]*?)\bid="([^"]*)"([^>]*)>({_INSIDE})</h\1>', re.DOTALL)
# The lesson's id, carried in the heading's text as an empty anchor (notebook.HEADING_ID).
_LESSON_ID = re.compile(r'\s*<a id="([^"]+)"></a>')


def _text(inner: str) -> str:
    """A heading's text, without its tags and its ¶ link."""
    return html.unescape(_TAG.sub("", _ANCHOR.sub("", inner)))


def heading_ids(page_html: str) -> str:
    """Each heading that holds ``<a id="X"></a>`` gets the id X (and its ¶ link points there); the
    empty anchor goes. A heading with an empty id gets the Unicode slug of its text."""
    taken = set(re.findall(r'\bid="([^"]+)"', page_html))

    def fix(match: re.Match) -> str:
        level, before, ident, after, inner = match.groups()
        lesson = _LESSON_ID.search(inner)
        if lesson:
            ident, inner = lesson[1], inner[:lesson.start()] + inner[lesson.end():]
        elif not ident:  # a heading the lesson gave no id (a Chinese title)
            ident = base = slugify_unicode(_text(inner), "-") or "section"
            number = 0
            while ident in taken:
                number += 1
                ident = f"{base}_{number}"
            taken.add(ident)
        else:
            return match[0]
        inner = _ANCHOR_HREF.sub(lambda a: f"{a[1]}#{ident}{a[2]}", inner)
        return f'<h{level}{before}id="{ident}"{after}>{inner}</h{level}>'

    return _HEADING.sub(fix, page_html)


def toc_tokens(page_html: str, depth: int = 6) -> list[dict]:
    """Python-Markdown's nested toc tokens (what ``mkdocs.structure.toc.get_toc`` takes) for the
    headings of ``page_html`` that have an id, down to level ``depth``, in page order."""
    flat = [{"level": int(level), "id": html.unescape(ident), "name": " ".join(_text(inner).split()),
             "html": _ANCHOR.sub("", inner).strip(), "data-toc-label": "", "children": []}
            for level, _, ident, _, inner in _HEADING.findall(page_html) if ident and int(level) <= depth]
    return nest_toc_tokens(flat)
