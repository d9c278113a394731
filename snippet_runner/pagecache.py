"""Reuse what a MkDocs build made for a page while everything it was made from is unchanged.

A build spends most of its time on work that an edit does not change: Markdown and pygments on
pages nobody touched, Material's search plugin on their HTML, the theme's templates around them.
This module keeps each of those results under a SHA-256 of everything it was made from, in
memory and in a folder on disk (one JSON file per record, written atomically), so a second build,
a ``mkdocs serve`` rebuild or a new ``mkdocs serve`` reuses them:

- ``render``: a page's Markdown as HTML, with its table of contents, title, anchors and the
  messages its rendering logged (replayed on reuse, so ``--strict`` still fails on a broken
  link). Keyed on the Markdown as MkDocs renders it (after every plugin's ``on_page_markdown``),
  the bytes of every file it includes (pymdownx.snippets, nested includes too), the page's URL, the
  site's map of files to URLs, the Markdown configuration and the versions of the packages that
  render.
- ``page``: a page's HTML as the theme's templates made it, and the search entries Material's
  search plugin made from it. Keyed on the page's final content, its table of contents, title,
  metadata and URL, the whole navigation (every title and URL), the site's files, the config file's
  bytes, the theme's template files and the same versions.

Records are grouped per language; after a language's build, the records it did not use are removed
(:meth:`PageCache.evict`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from importlib import metadata
from pathlib import Path

SCHEMA = 1
PACKAGES = ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "mkdocs-jupyter", "markdown", "pymdown-extensions",
            "pygments", "jinja2", "jieba")
SNIPPET_LINE = re.compile(r"""^[ \t]*-{1,}8<-{1,}[ \t]+(["'])(?P<target>.+?)\1[ \t]*$""")
SNIPPET_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*$")


def digest(*parts) -> str:
    """SHA-256 of a stable rendering of ``parts`` (dicts sorted, functions by their name; strings and
    bytes as they are, a page's HTML is megabytes)."""
    sha = hashlib.sha256()
    for part in parts:
        if isinstance(part, str):
            data = b"s" + part.encode("utf-8", errors="surrogatepass")
        elif isinstance(part, bytes):
            data = b"b" + part
        else:
            data = b"j" + json.dumps(part, default=_stable, sort_keys=True, ensure_ascii=False).encode()
        sha.update(len(data).to_bytes(8, "big") + data)
    return sha.hexdigest()


def _stable(value) -> object:
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    text = repr(value)
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = ""
    return found


def included_bytes(markdown: str, bases: list[Path], depth: int = 0) -> list | None:
    """(target, bytes) of every file a page includes with pymdownx.snippets, nested includes too;
    None when one cannot be read here (a URL, a missing file): such a page is never reused."""
    found, block = [], False
    for line in markdown.split("\n"):
        if SNIPPET_BLOCK.match(line):
            block = not block
            continue
        match = SNIPPET_LINE.match(line)
        target = match["target"] if match else (line.strip() if block and line.strip() else None)
        if target is None:
            continue
        if target.startswith(";"):  # pymdownx.snippets' escape: not an include
            continue
        if "://" in target or depth > 4:
            return None
        name = re.sub(r"(:-?\d*){1,2}$|:[\w-]+$", "", target)
        path = next((b / name for b in bases if (b / name).is_file()), None)
        if path is None:
            return None
        data = path.read_bytes()
        nested = included_bytes(data.decode("utf-8", errors="replace"), bases, depth + 1) if b"8<" in data else []
        if nested is None:
            return None
        found.append((target, data, nested))
    return found


class Capture(logging.Handler):
    """The messages MkDocs logs (INFO and up) while one page renders: replayed when it is reused."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))

    def __enter__(self) -> Capture:
        logging.getLogger("mkdocs").addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger("mkdocs").removeHandler(self)


def replay(records) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, message)


def toc_tokens(toc) -> list[dict]:
    """A page's table of contents as the tokens ``mkdocs.structure.toc.get_toc`` reads."""
    return [{"level": item.level, "id": item.id, "name": item.title, "children": toc_tokens(item.children)}
            for item in toc]


def nav_tokens(items) -> list:
    """The navigation as data: every section, page and link with its title and URL, in order."""
    return [[type(item).__name__, item.title, getattr(item, "url", None), nav_tokens(getattr(item, "children", None) or [])]
            for item in items]


def theme_digest(folders) -> str:
    """The theme's files (name, size, time of change): an edited template makes every page again. A
    theme installed as a package (Material) counts by its version (:func:`versions`)."""
    import sysconfig

    installed = [Path(sysconfig.get_paths()[k]).resolve() for k in ("purelib", "platlib")]
    found = []
    for folder in folders:
        if any(Path(folder).resolve().is_relative_to(p) for p in installed):
            found.append((str(folder), -1, -1))
            continue
        for path, _, names in os.walk(folder):
            for name in names:
                stat = os.stat(os.path.join(path, name))
                found.append((os.path.join(path, name), stat.st_size, stat.st_mtime_ns))
    return digest(sorted(found))


def code_digest(plugins) -> str:
    """The source of every plugin and hook of the site (their templates' context can depend on it)."""
    import sys
    import types

    found = []
    for plugin in plugins:
        module = plugin if isinstance(plugin, types.ModuleType) else sys.modules.get(type(plugin).__module__)
        path = getattr(module, "__file__", None)
        if path:
            stat = os.stat(path)
            found.append((path, stat.st_size, stat.st_mtime_ns))
    return digest(sorted(found))


class PageCache:
    """Records in memory and, when ``folder`` is given, on disk: ``folder/<group>/<key>.json``."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.memory: dict[tuple[str, str], dict] = {}
        self.used: dict[str, set[str]] = {}
        self.hits = self.misses = 0

    def get(self, group: str, key: str) -> dict | None:
        self.used.setdefault(group, set()).add(key)
        record = self.memory.get((group, key))
        if record is None and self.folder is not None:
            try:
                record = json.loads((self.folder / group / f"{key}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                record = None
            if record is not None and record.get("schema") == SCHEMA:
                self.memory[(group, key)] = record
            else:
                record = None
        if record is None:
            self.misses += 1
        else:
            self.hits += 1
        return record

    def put(self, group: str, key: str, record: dict) -> None:
        record = {**record, "schema": SCHEMA}
        self.used.setdefault(group, set()).add(key)
        self.memory[(group, key)] = record
        if self.folder is None:
            return
        folder = self.folder / group
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False) as out:
                json.dump(record, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(out.name, folder / f"{key}.json")
        except OSError:  # a cache that cannot be written is only slower
            pass

    def evict(self, group: str) -> None:
        """Forget the records of ``group`` that this build did not use (in memory and on disk)."""
        used = self.used.pop(group, set())
        for key in [k for k in self.memory if k[0] == group and k[1] not in used]:
            del self.memory[key]
        if self.folder is None or not (self.folder / group).is_dir():
            return
        for path in (self.folder / group).iterdir():
            if path.suffix in (".json", ".tmp") and path.stem not in used:
                path.unlink(missing_ok=True)
