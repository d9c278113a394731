"""Keep the Chinese pages in step with the English ones.

Every Chinese page ``docs/X.zh.md`` records, in its front matter, which version of its English page
``docs/X.md`` it was translated from: the git blob id of the English file's bytes (what
``git hash-object docs/X.md`` prints)::

    ---
    translation_of: 3b18e512dba79e4c8300dd08aeb37f8e728e8dad
    ---

A page is stale when its English page has changed since. Usage::

    python scripts/translations.py stale            # list stale pages, with a diff of the English change
    python scripts/translations.py accept PAGE...   # record the current English version (after review)
    python scripts/translations.py anchors PAGE     # the English headings with the ids a translation keeps

``stale`` exits 1 when any page is stale or a Chinese page is missing. The diff comes from git:
the recorded blob is looked up in the repository's history (``git cat-file``); where it is not
there, the page is still listed, without a diff.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LANGUAGE = "zh"
FIELD = "translation_of"
FRONT = re.compile(r"\A---\n(?P<body>.*?\n)---\n", re.S)
RECORD = re.compile(rf"^{FIELD}:\s*(?P<id>[0-9a-f]{{40}})[ \t]*$", re.M)


def blob_id(data: bytes) -> str:
    """The git blob id of these bytes (``git hash-object``), computed without git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def translation_path(english: Path) -> Path:
    return english.with_name(f"{english.stem}.{LANGUAGE}.md")


def english_path(translation: Path) -> Path:
    return translation.with_name(translation.name.removesuffix(f".{LANGUAGE}.md") + ".md")


def english_pages(docs: Path) -> list[Path]:
    return sorted(p for p in docs.rglob("*.md") if not p.name.endswith(f".{LANGUAGE}.md") and "assets" not in
                  p.relative_to(docs).parts)


def recorded(translation: Path) -> str | None:
    """The English version a Chinese page says it was translated from (None: it says nothing)."""
    front = FRONT.match(translation.read_text(encoding="utf-8"))
    match = RECORD.search(front["body"]) if front else None
    return match["id"] if match else None


def record(translation: Path, english_id: str) -> None:
    """Write ``translation_of: english_id`` into the page's front matter (creating it if needed)."""
    text = translation.read_text(encoding="utf-8")
    line = f"{FIELD}: {english_id}"
    front = FRONT.match(text)
    if front is None:
        text = f"---\n{line}\n---\n\n{text}"
    elif RECORD.search(front["body"]):
        body = RECORD.sub(line, front["body"])
        text = f"---\n{body}---\n" + text[front.end():]
    else:
        text = f"---\n{front['body']}{line}\n---\n" + text[front.end():]
    translation.write_text(text, encoding="utf-8")


@dataclass
class Stale:
    english: Path
    translation: Path
    was: str | None  # the recorded English version (None: missing page or no record)
    now: str

    def reason(self, root: Path) -> str:
        name = self.translation.relative_to(root).as_posix()
        if not self.translation.exists():
            return f"{name}: missing (no Chinese page for {self.english.relative_to(root).as_posix()})"
        if self.was is None:
            return f"{name}: records no '{FIELD}' in its front matter"
        return f"{name}: its English page changed ({self.was[:10]} -> {self.now[:10]})"


def stale_pages(docs: Path) -> list[Stale]:
    out = []
    for english in english_pages(docs):
        translation = translation_path(english)
        now = blob_id(english.read_bytes())
        was = recorded(translation) if translation.exists() else None
        if was != now:
            out.append(Stale(english, translation, was, now))
    return out


def english_diff(item: Stale, root: Path) -> str:
    """What changed in the English page since the recorded version (from git history)."""
    if item.was is None:
        return ""
    old = subprocess.run(["git", "-C", str(root), "cat-file", "-p", item.was], capture_output=True)
    if old.returncode != 0:
        return f"    (version {item.was[:10]} is not in this repository's history: no diff)\n"
    name = item.english.relative_to(root).as_posix()
    lines = difflib.unified_diff(old.stdout.decode("utf-8").splitlines(keepends=True),
                                 item.english.read_text(encoding="utf-8").splitlines(keepends=True),
                                 f"{name} ({item.was[:10]}, translated)", f"{name} (now)")
    return "".join("    " + line if line.endswith("\n") else "    " + line + "\n" for line in lines)


def heading_ids(text: str) -> list[tuple[int, str, str]]:
    """(level, id, title) of every ``##``/``###`` heading, as the site's Markdown renders them."""
    import markdown

    md = markdown.Markdown(extensions=["toc", "attr_list", "admonition", "md_in_html", "tables", "pymdownx.details",
                                       "pymdownx.superfences", "pymdownx.tabbed"])
    front = FRONT.match(text)
    md.convert(text[front.end():] if front else text)
    out = []

    def walk(tokens):
        for token in tokens:
            if token["level"] in (2, 3):
                out.append((token["level"], token["id"], token["name"]))
            walk(token["children"])

    walk(md.toc_tokens)
    return out


def cmd_anchors(root: Path, page: str) -> int:
    """Print the English page's headings with their ids: a translated heading keeps the id, ``{#id}``."""
    path = Path(page) if Path(page).is_absolute() else root / page
    english = english_path(path) if path.name.endswith(f".{LANGUAGE}.md") else path
    for level, anchor, title in heading_ids(english.read_text(encoding="utf-8")):
        print(f"{'#' * level} {title} {{#{anchor}}}")
    return 0


def cmd_stale(root: Path) -> int:
    docs = root / "docs"
    items = stale_pages(docs)
    for item in items:
        print(item.reason(root))
        sys.stdout.write(english_diff(item, root))
    total = len(english_pages(docs))
    print(f"{len(items)} of {total} Chinese pages stale" if items else f"all {total} Chinese pages are up to date")
    if items:
        print(f"After reviewing a page (and editing it where the change needs it): "
              f"python scripts/translations.py accept docs/PAGE.{LANGUAGE}.md")
    return 1 if items else 0


def cmd_accept(root: Path, pages: list[str]) -> int:
    for page in pages:
        path = Path(page) if Path(page).is_absolute() else root / page  # paths are from the project folder
        translation = path if path.name.endswith(f".{LANGUAGE}.md") else translation_path(path)
        english = english_path(translation)
        if not translation.exists() or not english.exists():
            print(f"{page}: needs both {english} and {translation}", file=sys.stderr)
            return 2
        record(translation, blob_id(english.read_bytes()))
        print(f"{translation.relative_to(root)}: translation_of {blob_id(english.read_bytes())[:10]}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/translations.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent), help="the project folder")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("stale", help="list the Chinese pages whose English page changed, with the English diff")
    accept = commands.add_parser("accept", help="record that these Chinese pages match their English page now")
    accept.add_argument("pages", nargs="+")
    anchors = commands.add_parser("anchors", help="print an English page's headings with the ids its translation keeps")
    anchors.add_argument("page")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if args.command == "anchors":
        return cmd_anchors(root, args.page)
    return cmd_stale(root) if args.command == "stale" else cmd_accept(root, args.pages)


if __name__ == "__main__":
    sys.exit(main())
