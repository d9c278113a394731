"""A documentation site as the runner sees it: where it is, how its pages include snippets, where
its cache lives. The MkDocs hook and the pytest plugin both start here, so they find the same
blocks, use the same cache and decide the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .collect import Block, SnippetExpander, collect_page, collect_site
from .results import Policy
from .session import Session


@dataclass
class Site:
    root: Path  # the folder of mkdocs.yml
    docs_dir: Path
    expander: SnippetExpander
    settings: dict = field(default_factory=dict)  # the snippet-outputs plugin's options in mkdocs.yml
    course: dict = field(default_factory=dict)  # what the site's course file defines (PRELOAD, COLAB_HAS, ...)
    policy: Policy = Policy()  # what the course adds to every run: its CHECKS and STAMP (see course_policy)

    @classmethod
    def from_config(cls, config) -> Site:
        """From a loaded MkDocs config (what a plugin receives)."""
        root = Path(config.config_file_path).resolve().parent
        options = dict(config.mdx_configs.get("pymdownx.snippets", {}))
        bases = options.get("base_path", ["."])
        options["base_path"] = [str(root / b) for b in (bases if isinstance(bases, (list, tuple)) else [bases])]
        plugin = config.plugins.get("snippet-outputs") if config.plugins else None
        settings = dict(plugin.config) if plugin is not None else {}
        course_file = root / settings["course"] if settings.get("course") else None
        course = load_course(course_file) if course_file else {}
        return cls(root, Path(config.docs_dir), SnippetExpander(options), settings, course,
                   course_policy(course, course_file.parent) if course_file else Policy())

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
        """``SNIPPETS_CACHE_DIR`` if set, else the plugin's ``cache_dir`` (relative to mkdocs.yml), else
        ``.cache/snippets`` next to mkdocs.yml."""
        chosen = os.environ.get("SNIPPETS_CACHE_DIR") or self.settings.get("cache_dir") or ".cache/snippets"
        return self.root / chosen

    def page_blocks(self, markdown: str, page: str) -> list[Block]:
        return collect_page(markdown, page, self.expander)

    def blocks(self, errors: list[str] | None = None) -> list[Block]:
        """Every block of the site; with ``errors``, a page that cannot be collected goes there instead."""
        return collect_site(self.docs_dir, self.expander, errors)

    def session(self, *, device: str = "auto", jobs: int | None = None, fresh: bool = False,
                progress: bool = False, scratch: Path | None = None) -> Session:
        from . import runner

        runner.preload(self.course.get("PRELOAD", ()))  # the modules the warm worker imports once
        return Session(self.cache_dir, device=device, jobs=jobs, read_cache=not fresh, progress=progress,
                       display_root=self.root / "snippets", policy=self.policy, scratch=scratch)


def load_course(path: Path) -> dict:
    """The upper-case names a site's course file (plain Python) defines."""
    import runpy

    if not path.is_file():
        raise FileNotFoundError(f"the course file {path} named in mkdocs.yml (snippet-outputs: course) does not exist")
    return {name: value for name, value in runpy.run_path(str(path)).items() if name.isupper()}


def course_policy(course: dict, folder: Path) -> Policy:
    """What a course file adds to every run: ``CHECKS`` (check name -> a Python file, relative to the
    course file's ``folder``, defining ``check(namespace)``; see results.Policy) and ``STAMP`` (the
    distributions whose versions every result records, and every page's stamp names)."""
    checks = []
    for name, path in sorted(course.get("CHECKS", {}).items()):
        if not (folder / path).is_file():
            raise FileNotFoundError(f"the check {name!r} of the course file in {folder} (CHECKS) names {path}, "
                                    "which does not exist")
        checks.append((str(name), (folder / path).read_text(encoding="utf-8")))
    return Policy(tuple(checks), tuple(course.get("STAMP", ())))
