"""A documentation site as the runner sees it: where it is, how its pages include snippets, where
its cache lives. The MkDocs hook and the pytest plugin both start here, so they find the same
blocks, use the same cache and decide the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .collect import Block, SnippetExpander, collect_page, collect_site
from .session import Session


@dataclass
class Site:
    root: Path  # the folder of mkdocs.yml
    docs_dir: Path
    expander: SnippetExpander

    @classmethod
    def from_config(cls, config) -> Site:
        """From a loaded MkDocs config (what a hook receives)."""
        root = Path(config.config_file_path).resolve().parent
        options = dict(config.mdx_configs.get("pymdownx.snippets", {}))
        bases = options.get("base_path", ["."])
        options["base_path"] = [str(root / b) for b in (bases if isinstance(bases, (list, tuple)) else [bases])]
        return cls(root, Path(config.docs_dir), SnippetExpander(options))

    @classmethod
    def load(cls, where: Path) -> Site:
        """From a project folder with a mkdocs.yml (or the config file itself), loaded by MkDocs itself."""
        import logging

        from mkdocs.config import load_config

        logging.getLogger("mkdocs").setLevel(logging.ERROR)
        where = Path(where)
        return cls.from_config(load_config(str(where if where.is_file() else where / "mkdocs.yml")))

    @property
    def cache_dir(self) -> Path:
        """``SNIPPETS_CACHE_DIR`` if set, else ``.cache/snippets`` next to mkdocs.yml."""
        return Path(os.environ.get("SNIPPETS_CACHE_DIR") or self.root / ".cache" / "snippets")

    def page_blocks(self, markdown: str, page: str) -> list[Block]:
        return collect_page(markdown, page, self.expander)

    def blocks(self) -> list[Block]:
        return collect_site(self.docs_dir, self.expander)

    def session(self, *, device: str = "auto", jobs: int | None = None, fresh: bool = False,
                progress: bool = False) -> Session:
        return Session(self.cache_dir, device=device, jobs=jobs, read_cache=not fresh, progress=progress,
                       display_root=self.root / "snippets")
