"""The site as the tests see it: its config, pages, snippets and code blocks."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from snippet_runner import SnippetExpander, collect_site

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
SEED = ROOT / "seed" / "roadmap.zh.md"


@functools.cache
def config():
    """mkdocs.yml, loaded by MkDocs itself, so the tests see the same options as the build."""
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    return load_config(str(ROOT / "mkdocs.yml"))


@functools.cache
def expander() -> SnippetExpander:
    options = dict(config().mdx_configs.get("pymdownx.snippets", {}))
    options["base_path"] = [str(ROOT / base) for base in options.get("base_path", ["."])]
    return SnippetExpander(options)


def docs_dir() -> Path:
    return Path(config().docs_dir)


@functools.cache
def blocks():
    return collect_site(docs_dir(), expander())


def snippet_files() -> list[Path]:
    return sorted(p for p in SNIPPETS.rglob("*.py") if "__pycache__" not in p.parts)
