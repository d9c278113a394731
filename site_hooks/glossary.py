"""MkDocs hook: link the first use of each glossary term on a page to its entry in the glossary.

The terms come from the glossary's table (``docs/glossary.zh.md``: English term | 译法 | 说明 |
避免的译法). On an English page the English term is linked (plurals too), on a Chinese page the
Chinese rendering; each term once per page, at its first use in prose: never inside code, a
heading, a link, an admonition's title, a ``<summary>``, math or an HTML comment. One regex pass
per page: the pattern consumes those regions (and every tag) whole, so only text between them can
match a term. On the glossary page itself, each table row gets the term's id as its anchor.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

from snippet_runner.pagecache import PageCache, digest

GLOSSARY = "glossary"
# Words too common to link, or entries that are conventions rather than terms.
NOT_LINKED = {"copy", "citation", "homework", "snippet", "epoch"}

_SKIP = (r"<!--.*?-->"
         r"|<(?P<tag>pre|code|h[1-6]|a|summary|script|style|svg|kbd|textarea|button|select|title)\b[^>]*>.*?</(?P=tag)\s*>"
         r"|<p class=\"(?:admonition-title|snippet-[a-z-]+|verified-stamp)\"[^>]*>.*?</p>"  # titles, the runner's stamps
         r"|<(?P<math>span|div) class=\"arithmatex\">.*?</(?P=math)\s*>"
         r"|<[^>]*>")
ROW = re.compile(r"<tr>(\s*<td[^>]*>)(.*?)</td>", re.S)

_SOURCE = Path(__file__).read_bytes()  # how pages are linked: an edit to this hook links them again
_cache: dict = {}
_store: dict = {}  # "linked": the PageCache of linked pages, this build's (hooks reload on every build);
# "pages"/"seen": the pages this language's build has, and those it linked (a mkdocs serve rebuild can skip some)


def slug(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def parse_table(text: str) -> list[dict]:
    """The glossary's rows: {"en", "zh", "note", "avoid": [...]} (avoid: the code spans of the last cell)."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("|") or line.startswith("| ---"):
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) != 4 or cells[0] in ("English term", "英文术语"):
            continue
        avoid = [m.group(2).strip() for m in re.finditer(r"(`+)(.+?)\1", cells[3])]
        rows.append({"en": cells[0], "zh": cells[1], "note": cells[2], "avoid": avoid})
    return rows


def _is_ascii(s: str) -> bool:
    return all(ord(c) < 128 for c in s)


def _alternative(word: str, english: bool) -> str:
    if _is_ascii(word):
        plural = "(?:e?s)?" if english and word[-1:].isalpha() else ""
        return rf"(?<![A-Za-z0-9_-])(?i:{re.escape(word)}){plural}(?![A-Za-z0-9_-])"
    return re.escape(word)


def build_pattern(rows: list[dict], language: str) -> tuple[re.Pattern, dict[str, dict]]:
    """One pattern per language: the regions to skip first, then the terms (longest first)."""
    english = language == "en"
    terms = []
    for row in rows:
        word = row["en"] if english else row["zh"]
        if row["en"] in NOT_LINKED or not word or (not english and not _is_ascii(word) and len(word) < 2):
            continue
        terms.append((word, row))
    terms.sort(key=lambda t: -len(t[0]))
    groups = {f"t{i}": row for i, (_, row) in enumerate(terms)}
    alternatives = "|".join(f"(?P<t{i}>{_alternative(word, english)})" for i, (word, _) in enumerate(terms))
    return re.compile(f"(?P<skip>{_SKIP})|{alternatives}", re.S), groups


def link_terms(content: str, pattern: re.Pattern, groups: dict[str, dict], href: str) -> str:
    """Link each term's first use in the page's prose to ``href#<its id>``."""
    seen: set[str] = set()

    def replace(match: re.Match) -> str:
        if match.group("skip") is not None:
            return match.group(0)
        row = groups[match.lastgroup]
        if row["en"] in seen:
            return match.group(0)
        seen.add(row["en"])
        title = html.escape(f'{row["en"]}: {row["zh"]}', quote=True)
        return f'<a class="glossary-term" href="{href}#{slug(row["en"])}" title="{title}">{match.group(0)}</a>'

    return pattern.sub(replace, content)


def anchor_rows(content: str) -> str:
    """The glossary page: each row gets its English term's id."""
    def row(match: re.Match) -> str:
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
        return f'<tr id="{slug(text)}">{match.group(1)}{match.group(2)}</td>'
    return ROW.sub(row, content)


def _rows(docs_dir: str) -> list[dict]:
    path = Path(docs_dir) / f"{GLOSSARY}.zh.md"
    mtime = path.stat().st_mtime_ns if path.exists() else None
    if _cache.get("key") != (path, mtime):
        rows = parse_table(path.read_text(encoding="utf-8")) if mtime else []
        _cache.clear()
        _cache.update(key=(path, mtime), rows=rows)
    return _cache["rows"]


def _language(page) -> str:
    return "zh" if page.file.src_uri.endswith(".zh.md") or page.url.startswith("zh/") else "en"


@event_priority(-200)  # after the snippet outputs are in the page
def on_page_content(content: str, page, config, files):
    if page.file.src_uri.startswith("notebooks/") or not page.file.src_uri.endswith(".md"):
        return content
    _store.setdefault("seen", set()).add(page.file.src_uri)
    stem = page.file.src_uri.rsplit(".", 2)[0] if page.file.src_uri.endswith(".zh.md") else page.file.src_uri[:-3]
    if stem == GLOSSARY:
        return anchor_rows(content)
    glossary = next((f for f in files if f.is_documentation_page() and f.src_uri in (f"{GLOSSARY}.md", f"{GLOSSARY}.zh.md")
                     and f.url.startswith("zh/") == page.url.startswith("zh/")), None)
    rows = _rows(config["docs_dir"])
    if glossary is None or not rows:
        return content
    language = _language(page)
    key = ("pattern", language)
    if _cache.get(key) is None:
        _cache[key] = build_pattern(rows, language)
    pattern, groups = _cache[key]
    href = get_relative_url(glossary.url, page.url)
    store = _linked_store(config)
    record_key = digest(_SOURCE, rows, language, href, content)
    record = store.get(language, record_key)
    if record is not None:
        return record["html"]
    linked = link_terms(content, pattern, groups, href)
    store.put(language, record_key, {"html": linked})
    return linked


def _linked_store(config) -> PageCache:
    """The linked pages' records, beside the snippet-outputs plugin's caches (``<cache>/../glossary``,
    as its page cache is ``<cache>/../pages``): a build given caches of its own (the offline build in
    the tests) keeps its records there, so the two builds do not evict each other's."""
    if "linked" not in _store:
        site = getattr((config.get("plugins") or {}).get("snippet-outputs"), "site", None)
        folder = site.cache_dir.parent if site is not None else Path(config.config_file_path).parent / ".cache"
        _store["linked"] = PageCache(folder / "glossary")
    return _store["linked"]


@event_priority(-200)  # after mkdocs-static-i18n's (-100): this language's pages
def on_files(files, config):
    _store["pages"] = {f.src_uri for f in files.documentation_pages()
                       if f.src_uri.endswith(".md") and not f.src_uri.startswith("notebooks/")}
    _store["seen"] = set()


def on_post_build(config):
    """Forget the linked pages of the languages just built that this build did not use (an edited
    page leaves its old record behind otherwise), after a build that linked every page: a mkdocs serve
    rebuild makes only the pages that changed, and the others' records stay in use."""
    store = _store.get("linked")
    whole = _store.get("pages", set()) <= _store.get("seen", set())
    if store is not None:
        for language in list(store.used):
            if whole:
                store.evict(language)
            else:
                store.used.pop(language, None)
