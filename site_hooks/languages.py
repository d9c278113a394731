"""MkDocs hooks: mkdocs-static-i18n's language links, Material's language selector and search, per language.

- No ``<link rel="alternate" hreflang>`` in a page's head. mkdocs-static-i18n writes them with
  relative URLs (invalid hreflang values: search engines and Lighthouse want absolute ones), and
  Material fetches ``sitemap.xml`` under each of them to map the selector's clicks. Absolute URLs
  would send every page served anywhere else (``mkdocs serve``, the tests, the offline archive) to
  the published site. The selector's links already lead to the same page in the other language,
  and the site's ``sitemap.xml`` lists every page's languages with absolute ``hreflang`` links.
- On a language's home page the plugin writes the selector's links as absolute paths from
  ``site_url`` (``/pytorch-zero-to-mastery/zh/``): wrong wherever the site is not served under
  that path (the offline archive opened from disk, a fork). Here they are made relative.
- One search index per language: the search plugin writes one index for both languages; after
  the build it is split by language root (``search/search_index.json`` for English,
  ``zh/search/search_index.json`` for Chinese), so a reader's search downloads its own language's
  pages only, and written as UTF-8 instead of ``\\uXXXX`` escapes (a Chinese character takes 3 bytes,
  not 6). A page in another language than the default names its index in
  ``<meta name="site:search-index">`` (read by overrides/main.html). The offline archive keeps the
  one index its plugin turns into ``search_index.js``.

The selector's other links stay as the plugin makes them: the same page in the other language.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="(?P<lang>[\w-]+)">')
SELECTOR_LINK = re.compile(r'<a href="(?P<href>/[^"]*)" hreflang="(?P<lang>[\w-]+)" class="md-select__link">')


def _roots(config) -> dict[str, str]:
    """Each built language's folder from the site root: {"en": "", "zh": "zh/"}."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return {}
    return {lang.locale: lang.link.strip("/") + "/" if lang.link.strip("/") else ""
            for lang in i18n.config.languages if lang.build}


def _split_search(config) -> bool:
    """Whether the search index is written per language (two languages built, not the offline archive)."""
    offline = "material/offline" in config.plugins or "offline" in config.plugins
    return "material/search" in config.plugins and not offline and len(_roots(config)) > 1


def on_post_page(output: str, page, config) -> str:
    roots = _roots(config)
    if not roots:
        return output
    base = urlsplit(config.site_url or "").path.rstrip("/")

    def selector(match: re.Match) -> str:
        href = match["href"]
        if not href.startswith(base + "/"):
            return match[0]
        target = href[len(base) + 1:] or "."
        return (f'<a href="{get_relative_url(target, page.url)}" hreflang="{match["lang"]}" '
                f'class="md-select__link">')

    # Both live in the page's head and header, before its main part: the regexes never scan the content
    # (a notebook preview is megabytes).
    end = output.find('<main class="md-main"')
    end = len(output) if end < 0 else end
    output = SELECTOR_LINK.sub(selector, HEAD_ALTERNATE.sub("", output[:end])) + output[end:]
    root = roots.get(config.plugins["i18n"].current_language, "")
    if root and _split_search(config):
        index = get_relative_url(root + "search/search_index.json", page.url)
        output = output.replace("</head>", f'<meta name="site:search-index" content="{index}">\n</head>', 1)
    return output


@event_priority(-200)  # after mkdocs-static-i18n (-100) has written the index of every language
def on_post_build(config) -> None:
    """The search index as UTF-8, split by language root when two languages are built."""
    path = Path(config.site_dir, "search", "search_index.json")
    if not path.exists() or "material/offline" in config.plugins or "offline" in config.plugins:
        return
    if getattr(config.plugins.get("i18n"), "building", False):
        return  # a language built inside the default language's build: the index is whole at the end of that
    index = json.loads(path.read_text(encoding="utf-8"))
    parts = {"": []}
    roots = sorted((r for r in _roots(config).values() if r), key=len, reverse=True) if _split_search(config) else []
    for entry in index["docs"]:
        root = next((r for r in roots if entry["location"].startswith(r)), "")
        parts.setdefault(root, []).append(entry)
    for root, docs in parts.items():
        target = Path(config.site_dir, root, "search", "search_index.json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"config": index["config"], "docs": docs}, separators=(",", ":"),
                                     ensure_ascii=False), encoding="utf-8")
