"""A notebook preview's links to the site's own pages, relative again.

A notebook links other pages by their full addresses (``notebook._page_links``: in Colab it has no
page files beside it). The site's preview of that notebook is a page of the site, so those links
are made relative to it: they then lead to the pages of the site the reader is on (a local
``mkdocs serve``, the offline archive) rather than to the published one.
"""

from __future__ import annotations

import html
import re

from mkdocs.utils import get_relative_url


def relative_site_links(page_html: str, site_url: str, page_url: str) -> str:
    """Each ``href`` that starts with ``site_url`` (the published site's address, ending in "/"),
    relative to the page at ``page_url`` (its URL path in the site: "notebooks/stage-1/tensors/")."""
    if not site_url:
        return page_html
    start = re.compile(r'\bhref="' + re.escape(html.escape(site_url, quote=True)) + r'([^"#]*)(#[^"]*)?"')

    def relative(match: re.Match) -> str:
        return f'href="{get_relative_url(match[1] or ".", page_url or ".")}{match[2] or ""}"'

    return start.sub(relative, page_html)
