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
_TAG = re.compile(r"<[^>]+>")
# A heading nbconvert rendered from a Markdown cell: <hN id="..."> text <a class="anchor-link">¶</a></hN>;
# the same heading whose text carries the lesson's id as an empty anchor (notebook.HEADING_ID).
_INSIDE = r"(?:(?!</?h[1-6]\b).)*?"  # within one heading: never across its end or into another
_WITH_ID = re.compile(rf'<h([1-6])\b([^>]*?)\bid="[^"]*"([^>]*)>({_INSIDE})\s*<a id="([^"]+)"></a>({_INSIDE})</h\1>',
                      re.DOTALL)
_HEADING = re.compile(rf'<h([1-6])\b[^>]*?\bid="([^"]+)"[^>]*>({_INSIDE})</h\1>', re.DOTALL)
_EMPTY_ID = re.compile(rf'<h([1-6])\b([^>]*?)\bid=""([^>]*)>({_INSIDE})</h\1>', re.DOTALL)
_ANCHOR_HREF = re.compile(r'(<a\b[^>]*\bclass="anchor-link"[^>]*\bhref=")#[^"]*(")')


def heading_ids(page_html: str) -> str:
    """Each heading that holds ``<a id="X"></a>`` gets the id X (and its ¶ link points there); the
    empty anchor goes. A heading left with an empty id gets the Unicode slug of its text."""
    def move(match: re.Match) -> str:
        level, before, after, text, ident, rest = match.groups()
        rest = _ANCHOR_HREF.sub(lambda a: f"{a[1]}#{ident}{a[2]}", rest)
        return f'<h{level}{before}id="{ident}"{after}>{text}{rest}</h{level}>'

    page_html = _WITH_ID.sub(move, page_html)
    taken = set(re.findall(r'\bid="([^"]+)"', page_html))

    def name(match: re.Match) -> str:  # a heading the lesson gave no id (a Chinese title): its Unicode slug
        level, before, after, inner = match.groups()
        ident = base = slugify_unicode(html.unescape(_TAG.sub("", _ANCHOR.sub("", inner))), "-") or "section"
        number = 0
        while ident in taken:
            number += 1
            ident = f"{base}_{number}"
        taken.add(ident)
        inner = _ANCHOR_HREF.sub(lambda a: f"{a[1]}#{ident}{a[2]}", inner)
        return f'<h{level}{before}id="{ident}"{after}>{inner}</h{level}>'

    return _EMPTY_ID.sub(name, page_html)


def toc_tokens(page_html: str, depth: int = 6) -> list[dict]:
    """Python-Markdown's nested toc tokens (what ``mkdocs.structure.toc.get_toc`` takes) for the
    headings of ``page_html`` down to level ``depth``, in page order."""
    flat = []
    for level, ident, inner in _HEADING.findall(page_html):
        if int(level) > depth:
            continue
        text = html.unescape(_TAG.sub("", _ANCHOR.sub("", inner)))
        flat.append({"level": int(level), "id": html.unescape(ident), "name": " ".join(text.split()),
                     "html": _ANCHOR.sub("", inner).strip(), "data-toc-label": "", "children": []})
    return nest_toc_tokens(flat)
