"""A notebook preview's table of contents comes from the headings it shows (snippet_runner/preview_toc.py):
inline code stays in the titles, and every link leads to a heading of the page."""

from __future__ import annotations

import re

from mkdocs.structure.toc import get_toc

from snippet_runner.notebook import _prose
from snippet_runner.preview_toc import heading_ids, toc_tokens

# As nbconvert renders a Markdown cell's headings (with its ¶ anchor link).
PREVIEW = """
<h1 id="12-tensors">1.2 Tensors<a class="anchor-link" href="#12-tensors">¶</a></h1>
<h2 id="123-indexing">1.2.3 Indexing<a class="anchor-link" href="#123-indexing">¶</a></h2>
<h3 id="views-strides-and-contiguous-added-by-this-site">Views, strides and <code>contiguous()</code>
  (added by this site)<a class="anchor-link" href="#views-strides-and-contiguous-added-by-this-site">¶</a></h3>
<p>text</p>
<h3 id="einsum">`x` &amp; <code>einsum</code><a class="anchor-link" href="#einsum">¶</a></h3>
<h2 id="exercises">Exercises<a class="anchor-link" href="#exercises">¶</a></h2>
<h4 id="deep">Too deep for depth 3</h4>
<h3 id="no-id-below">A heading with an id</h3>
<h3>A heading without one is not linked</h3>
"""


def _flat(items, depth=0):
    for item in items:
        yield depth, item.title, item.id
        yield from _flat(item.children, depth + 1)


def test_titles_keep_inline_code_and_ids_are_the_headings():
    toc = get_toc(toc_tokens(PREVIEW))
    assert list(_flat(toc.items)) == [
        (0, "1.2 Tensors", "12-tensors"),
        (1, "1.2.3 Indexing", "123-indexing"),
        (2, "Views, strides and contiguous() (added by this site)", "views-strides-and-contiguous-added-by-this-site"),
        (2, "`x` & einsum", "einsum"),
        (1, "Exercises", "exercises"),
        (2, "Too deep for depth 3", "deep"),
        (2, "A heading with an id", "no-id-below"),
    ]


def test_depth_leaves_out_deeper_headings():
    titles = [title for _, title, _ in _flat(get_toc(toc_tokens(PREVIEW, depth=3)).items)]
    assert "Too deep for depth 3" not in titles and "A heading with an id" in titles


def test_the_lessons_ids_reach_the_notebook_and_the_previews_headings():
    assert _prose(["## 广播规则 {#the-rules}", "", "text"]) .startswith('## 广播规则 <a id="the-rules"></a>')
    # nbconvert's rendering of that cell: the slug of the Chinese text is empty
    rendered = ('<h3 id="a">Plain<a class="anchor-link" href="#a">¶</a></h3><p>x</p>'
                '<h2 id="">广播规则 <a id="the-rules"></a><a class="anchor-link" href="#">¶</a></h2>'
                '<h1 id="">学习建议<a class="anchor-link" href="#">¶</a></h1><h2 id="">学习建议</h2>')
    assert heading_ids(rendered) == (
        '<h3 id="a">Plain<a class="anchor-link" href="#a">¶</a></h3><p>x</p>'
        '<h2 id="the-rules">广播规则<a class="anchor-link" href="#the-rules">¶</a></h2>'
        '<h1 id="学习建议">学习建议<a class="anchor-link" href="#学习建议">¶</a></h1><h2 id="学习建议_1">学习建议</h2>')
    assert [(t["id"], t["name"]) for t in toc_tokens(heading_ids(rendered))] == [
        ("a", "Plain"), ("the-rules", "广播规则"), ("学习建议", "学习建议")]


def built_previews(folder):
    """Each notebook preview of a built two-language site, with its HTML."""
    previews = sorted(folder.glob("**/notebooks/**/index.html"))
    assert len(previews) >= 40
    return [(preview, preview.read_text(encoding="utf-8")) for preview in previews]


def test_every_preview_toc_link_leads_to_a_heading_of_its_page(served_site):
    """On the built site, both languages: before, 128 of the previews' 566 links led nowhere, and 99
    Chinese headings had an empty id."""
    folder, _ = served_site
    links = 0
    for preview, page in built_previews(folder):
        hrefs = re.findall(r'<a href="#([^"]+)" class="md-nav__link">', page)
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        assert hrefs, preview
        assert [h for h in hrefs if h not in ids] == [], preview
        assert 'id=""' not in page, preview
        links += len(hrefs)
    assert links > 500
    tensors = (folder / "notebooks/stage-1/tensors/index.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="md-ellipsis">\s*Views, strides and contiguous\(\) \(added by this site\)\s*</span>', tensors)
    # a Chinese preview's headings have the lesson's ids (nbconvert's slug of Chinese text is empty)
    chinese = (folder / "zh/notebooks/stage-1/broadcasting/index.html").read_text(encoding="utf-8")
    assert '<h2 id="the-rules">广播规则' in chinese and 'href="#the-rules" class="md-nav__link"' in chinese
