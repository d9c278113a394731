"""MkDocs hooks: make mkdocs-static-i18n's language links and Material's language selector agree.

Two gaps between them, both visible to a reader:

- Material reads ``<link rel="alternate" hreflang>`` in a page's head as the root of each language
  and fetches ``sitemap.xml`` from there. mkdocs-static-i18n points those links at the *same
  page* in the other language (right for the selector menu, which uses the same list), so every
  page requested ``…/stage-1/tensors/sitemap.xml``: a 404 in the console on every page
  (mkdocs-material#6582). Here the head links point at the language roots (``./`` and ``zh/``,
  relative to the page), and each language root gets its ``sitemap.xml``.
- On a language's home page the plugin writes the selector's links as absolute paths from
  ``site_url`` (``/pytorch-zero-to-mastery/zh/``): wrong wherever the site is not served under
  that path (the offline archive opened from disk, a fork). Here they are made relative.

The selector's other links stay as the plugin makes them: the same page in the other language.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.utils import get_relative_url

HEAD_ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="(?P<lang>[\w-]+)">')
SELECTOR_LINK = re.compile(r'<a href="(?P<href>/[^"]*)" hreflang="(?P<lang>[\w-]+)" class="md-select__link">')


def _roots(config) -> dict[str, str]:
    """Each built language's folder from the site root: {"en": "", "zh": "zh/"}."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return {}
    return {lang.locale: lang.link.strip("/") + "/" if lang.link.strip("/") else ""
            for lang in i18n.config.languages if lang.build}


def on_post_page(output: str, page, config) -> str:
    roots = _roots(config)
    if not roots:
        return output
    base = urlsplit(config.site_url or "").path.rstrip("/")

    def head(match: re.Match) -> str:
        root = roots.get(match["lang"])
        if root is None:
            return match[0]
        return f'<link rel="alternate" href="{get_relative_url(root or ".", page.url)}" hreflang="{match["lang"]}">'

    def selector(match: re.Match) -> str:
        href = match["href"]
        if not href.startswith(base + "/"):
            return match[0]
        target = href[len(base) + 1:] or "."
        return (f'<a href="{get_relative_url(target, page.url)}" hreflang="{match["lang"]}" '
                f'class="md-select__link">')

    return SELECTOR_LINK.sub(selector, HEAD_ALTERNATE.sub(head, output))


def on_post_build(config) -> None:
    """A sitemap.xml at every language root (the site's one sitemap lists every language's pages)."""
    sitemap = Path(config.site_dir, "sitemap.xml")
    if not sitemap.exists():
        return
    for root in _roots(config).values():
        if root:
            Path(config.site_dir, root).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sitemap, Path(config.site_dir, root, "sitemap.xml"))
