"""Links from a page to another page of the site: full addresses in its notebook (snippet_runner/notebook.py),
relative again in the site's preview of it (snippet_runner/preview_links.py)."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

from snippet_runner.notebook import _page_links, _page_path
from snippet_runner.preview_links import relative_site_links
from tests.test_preview_toc import built_previews

SITE = "https://example.org/site/"


def test_a_pages_file_gives_its_url_path_in_its_language():
    assert _page_path("stage-2/data.md", "en") == "stage-2/data/"
    assert _page_path("stage-2/data.zh.md", "zh") == "stage-2/data/"
    assert _page_path("stage-5/index.md", "en") == "stage-5/"
    assert _page_path("index.zh.md", "zh") == ""


def test_links_to_pages_become_the_sites_addresses_in_the_pages_language():
    text = ("[a](../stage-4/transformers.md) [b](gan.md#training) [c](index.md) [d](https://e.org/x.md) "
            "[e](#local) [f](../assets/x.png)")
    assert _page_links(text, "stage-5/gpt.zh.md", SITE + "zh/stage-5/gpt/", "zh") == (
        f"[a]({SITE}zh/stage-4/transformers/) [b]({SITE}zh/stage-5/gan/#training) [c]({SITE}zh/stage-5/) "
        "[d](https://e.org/x.md) [e](#local) [f](../assets/x.png)")
    assert _page_links("[r](resources.md) [s](stage-5/index.md)", "study-tips.md", SITE + "study-tips/", "en") == (
        f"[r]({SITE}resources/) [s]({SITE}stage-5/)")
    # without the page's file or address (a notebook made outside a build), the text is left alone
    assert _page_links("[r](resources.md)", "", SITE, "en") == "[r](resources.md)"


def test_the_preview_links_the_sites_pages_relatively():
    page = (f'<a href="{SITE}zh/stage-4/transformers/">a</a> <a href="{SITE}stage-2/data/#g">b</a> '
            '<a href="https://other.org/">c</a> <a href="#x">d</a>')
    assert relative_site_links(page, SITE, "zh/notebooks/stage-5/gpt/") == (
        '<a href="../../../stage-4/transformers/">a</a> <a href="../../../../stage-2/data/#g">b</a> '
        '<a href="https://other.org/">c</a> <a href="#x">d</a>')


def test_every_relative_link_of_every_preview_leads_somewhere(served_site):
    """On the built site, both languages: before, 72 links of 32 previews named a page's .md file."""
    folder, _ = served_site
    links = 0
    for preview, page in built_previews(folder):
        for href in re.findall(r'\bhref="([^"]+)"', page):
            if re.match(r"[a-z]+:|#", href):
                continue
            url = urlparse(href)
            target = preview.parent / unquote(url.path)
            target = target / "index.html" if target.is_dir() else target
            assert target.is_file(), (preview, href)
            if url.fragment and target.suffix == ".html":
                assert f'id="{url.fragment}"' in target.read_text(encoding="utf-8"), (preview, href)
            links += 1
    assert links > 1000
    gpt = (folder / "zh/notebooks/stage-5/gpt/index.html").read_text(encoding="utf-8")
    assert 'href="../../../stage-4/transformers/"' in gpt and "transformers.md" not in gpt
