"""The site as the tests see it: its config, pages, snippets and code blocks."""

from __future__ import annotations

import functools
from pathlib import Path

from snippet_runner import Site

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
SEED = ROOT / "seed" / "roadmap.zh.md"


@functools.cache
def site() -> Site:
    """The site, loaded by MkDocs itself, so the tests see the same options as the build."""
    return Site.load(ROOT)


@functools.cache
def config():
    from mkdocs.config import load_config

    return load_config(str(ROOT / "mkdocs.yml"))


def expander():
    return site().expander


def docs_dir() -> Path:
    return site().docs_dir


@functools.cache
def blocks():
    return site().blocks()


def snippet_files() -> list[Path]:
    return sorted(p for p in SNIPPETS.rglob("*.py") if "__pycache__" not in p.parts)
