"""The MkDocs plugin ``snippet-outputs``: run every snippet the pages include and show its output
under its code block.

A thin adapter over :class:`~snippet_runner.Site` and :class:`~snippet_runner.Session`: all
snippets of the site run once per build, before any page is rendered (in parallel, cached on
disk); each page then gets, under each code block, the snippet's output and figures, a "not
executed here" note, or the traceback of a failure. A failure is logged as a warning naming the
page, the snippet, the line and the exception, so ``mkdocs build --strict`` fails on it while
``mkdocs serve`` keeps serving and shows it in the page. A page whose blocks cannot be collected (a
bad marker, a missing include) stops the build with one line naming page and line.

Registered through the ``mkdocs.plugins`` entry point (pyproject.toml); configured in mkdocs.yml::

    plugins:
      - snippet-outputs:
          device: auto          # auto | cpu | cuda          (override: SNIPPETS_DEVICE)
          fresh: false          # ignore cached results      (override: SNIPPETS_FRESH=1)
          cache_dir: .cache/snippets  # relative to mkdocs.yml (override: SNIPPETS_CACHE_DIR)
          jobs: null            # snippets in parallel (default: one per core)
          notebooks: true       # a notebook per page, with a preview page (mkdocs-jupyter)
          course: site_hooks/course.py  # the site's own policy (see below), relative to mkdocs.yml

The course file is plain Python; what it defines in capitals is the site's policy, all optional:
``PRELOAD`` (modules the warm worker imports once before forking snippets), ``COLAB_HAS``
(distributions a Colab runtime already has: a notebook's setup cell installs the others).
Notebooks credit the site by its ``site_name`` (per language with mkdocs-static-i18n).

Each page with code also becomes a Jupyter notebook (its prose and its snippets, with the outputs
the build produced): offered for download, and rendered by mkdocs-jupyter as a "notebook preview"
page under ``notebooks/`` (out of the nav and the search index), which also proves at build time
that every generated notebook is valid.

Languages (mkdocs-static-i18n): the i18n plugin builds the default language, then calls MkDocs' build
again, with the same config, for each other language. The plugin keeps its session across those
builds, so a snippet runs at most once whatever the number of languages; it sees each language's
own pages (its ``on_files`` runs after the i18n plugin's), and writes that language's words under
the blocks and its notebooks under ``<language>/notebooks/``.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from .collect import CollectError
from .figures import figure_for
from .labels import labels
from .notebook import page_notebook
from .render import failure_message, outcome_html, output_position, page_stamp_html
from .site import Site

log = logging.getLogger("mkdocs.plugins.snippet_outputs")

OUTPUT_DIR = "_snippet_outputs"
NOTEBOOK_DIR = "notebooks"


class SnippetOutputsConfig(base.Config):
    device = c.Choice(("auto", "cpu", "cuda"), default="auto")
    fresh = c.Type(bool, default=False)
    cache_dir = c.Optional(c.Type(str))
    jobs = c.Optional(c.Type(int))
    notebooks = c.Type(bool, default=True)
    course = c.Optional(c.Type(str))


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("", "0", "false", "no", "off")


class SnippetOutputsPlugin(BasePlugin[SnippetOutputsConfig]):
    """The build side of the runner; every piece of state lives on the instance."""

    def __init__(self) -> None:
        self._config = None  # the MkDocs config this session belongs to (one session for every language)
        self.site: Site | None = None
        self.session = None
        self._sources: tempfile.TemporaryDirectory | None = None
        # A placeholder no page text can contain: a fresh random part per build.
        self._token = f"SNIPPETOUTPUT{secrets.token_hex(8)}N"
        self._reset_language()

    def _reset_language(self) -> None:
        self.pages: dict[str, tuple[str, list, int]] = {}
        self.outcomes: dict = {}
        self.notebooks: dict[str, tuple[str, dict]] = {}
        self.previews: dict[str, str] = {}
        self.language: tuple[str, str] = ("en", "")

    # -- settings ------------------------------------------------------------------------------------

    def _settings(self) -> dict:
        """mkdocs.yml's settings, with the SNIPPETS_* variables as overrides (SNIPPETS_CACHE_DIR: Site)."""
        return {
            "device": os.environ.get("SNIPPETS_DEVICE") or self.config.device,
            "fresh": _flag(os.environ["SNIPPETS_FRESH"]) if "SNIPPETS_FRESH" in os.environ else self.config.fresh,
            "jobs": self.config.jobs,
        }

    # -- events ---------------------------------------------------------------------------------------

    def on_startup(self, *, command, dirty):
        """Defined so that MkDocs keeps this instance across ``mkdocs serve`` rebuilds (its rule for
        plugins with on_startup): each rebuild's on_config then closes the previous build's session."""

    def on_config(self, config):
        if self._config is config:  # mkdocs-static-i18n building the next language: keep the session
            return config
        self.on_shutdown()
        self._config = config
        try:
            self.site = Site.from_config(config)
        except FileNotFoundError as error:
            raise PluginError(str(error)) from None
        settings = self._settings()
        if settings["device"] not in ("auto", "cpu", "cuda"):
            raise PluginError(f"snippet-outputs: SNIPPETS_DEVICE must be auto, cpu or cuda, not {settings['device']!r}")
        self._sources = tempfile.TemporaryDirectory(prefix="page-notebooks-")
        self.session = self.site.session(device=settings["device"], jobs=settings["jobs"], fresh=settings["fresh"],
                                         progress=sys.stderr.isatty())
        return config

    def _current_language(self, config) -> tuple[str, str]:
        """(the language being built, its folder in the site: "" for the default language, "zh/")."""
        i18n = config.plugins.get("i18n")
        if i18n is None or i18n.current_language is None:
            return config.theme.get("language") or "en", ""
        return i18n.current_language, "" if i18n.is_default_language_build else f"{i18n.current_language}/"

    @event_priority(-110)  # after mkdocs-static-i18n's on_files (-100): this language's pages only
    def on_files(self, files, config):
        """Collect every page's blocks once and run (or fetch) every snippet, before any page renders."""
        site = self.site
        self._reset_language()
        self.language = self._current_language(config)
        if self.config.notebooks and "mkdocs-jupyter" in config.plugins:
            # its rendered-notebook cache next to ours, one folder per language: it evicts, after each
            # build, what that build did not use; the languages must not evict each other's
            config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(site.cache_dir.parent / "mkdocs-jupyter" /
                                                                       self.language[0])
        before = dataclasses.replace(self.session.stats)
        every, errors = [], []
        for file in files.documentation_pages():
            markdown, _ = get_data(file.content_string)  # what on_page_markdown will see: no front matter
            front = file.content_string[: max(file.content_string.find(markdown), 0)].count("\n")
            try:
                blocks = site.page_blocks(markdown, file.src_uri)
            except CollectError as error:
                errors.append(_with_front_matter(str(error), front, os.path.relpath(config.docs_dir, site.root)))
                blocks = []
            self.pages[file.src_uri] = (markdown, blocks, front)
            every.extend(blocks)
        if errors:  # never skip a page's snippets silently: one line per page, and the build stops
            raise PluginError("\n".join(errors))
        self.outcomes = self.session.run(every)
        for block in every:
            outcome = self.outcomes[block]
            if outcome.status == "failed":
                docs = os.path.relpath(config.docs_dir, site.root)
                log.warning(failure_message(block, outcome, docs_prefix=f"{docs}/",
                                            line_offset=self.pages[block.page][2]))
            shown = outcome.result.figures if outcome.result else []
            if self.language[0] == "zh":  # the figures' Chinese twins (snippet_runner/figures.py)
                shown = [figure_for(f, "zh") for f in shown]
            for figure in shown:
                uri = f"{OUTPUT_DIR}/{self.session.figure_uri(figure)}"
                if files.get_file_from_path(uri) is None:
                    files.append(File.generated(config, uri, abs_src_path=str(figure)))
        if self.config.notebooks:
            for file in files.documentation_pages():
                markdown, blocks, _ = self.pages[file.src_uri]
                if blocks:
                    self._add_notebook(file, markdown, blocks, files, config)
        now = self.session.stats
        stats = {f.name: getattr(now, f.name) - getattr(before, f.name) for f in dataclasses.fields(now)}
        log.info(f"snippets ({self.language[0]}): {stats['executed']} executed ({stats['seconds']:.1f} s of run "
                 f"time), {stats['cached']} from the cache, {stats['not_run']} not executed here, "
                 f"{stats['failed']} failed")
        return files

    def _add_notebook(self, file, markdown: str, blocks, files, config) -> None:
        title = next((line[2:].strip() for line in markdown.split("\n") if line.startswith("# ")), file.name)
        language = self.language[0]
        i18n = config.plugins.get("i18n")
        admonitions = (i18n.current_language_config.admonition_translations or {}) if i18n else {}
        notebook = page_notebook(markdown, blocks, self.outcomes, title, (config.site_url or "") + file.url,
                                 language=language, admonition_titles=admonitions,
                                 colab_has=self.site.course.get("COLAB_HAS", ()),
                                 site_name=self._site_name(config))
        uri = self._notebook_uri(file)
        self.notebooks[file.src_uri] = (uri, notebook)  # the download is a copy of the preview's source
        source = Path(self._sources.name, uri)
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(nbformat.v4.writes(notebook), encoding="utf-8")  # page_notebook validated it
        # A file with a real source folder (not File.generated): mkdocs-jupyter reads it from there. Its
        # own on_files has run already (before the i18n plugin's, before this one): it wraps this file now.
        preview = File(uri, src_dir=self._sources.name, dest_dir=config.site_dir,
                       use_directory_urls=config.use_directory_urls)
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:
            preview = list(jupyter.on_files(Files([preview]), config=config))[0]
        files.append(preview)
        self.previews[file.src_uri] = preview.url

    @event_priority(60)  # before mkdocs-static-i18n's (50), which rewrites untitled admonitions in the text
    def on_page_markdown(self, markdown, page, config, files):
        """Put a placeholder under each code block; on_page_content swaps in the rendered output."""
        if page.url in self.previews.values():  # a notebook preview: the lesson is what search finds
            page.meta["search"] = {"exclude": True}
            return markdown
        collected, blocks, _ = self.pages.get(page.file.src_uri, (None, [], 0))
        if markdown != collected:  # another plugin changed the page since on_files: its lines moved
            log.error(f"{page.file.src_uri}: the page changed between on_files and on_page_markdown; "
                      "its outputs cannot be placed")
            return markdown
        lines = markdown.split("\n")
        for number, block in reversed(list(enumerate(blocks))):  # from the bottom: earlier lines stay put
            at = output_position(lines, block)
            lines[at:at] = ["", f"{block.indent}{self._token}{number:04d}X", ""]
        return "\n".join(lines)

    def on_page_content(self, html, page, config, files):
        _, blocks, _ = self.pages.get(page.file.src_uri, (None, [], 0))
        if not blocks:
            return self._stamped(html, page, config, blocks)

        def figure_url(figure: Path) -> str:
            return get_relative_url(f"{OUTPUT_DIR}/{self.session.figure_uri(figure)}", page.url)

        token = re.compile(rf"(?:<p>)?{self._token}(\d{{4}})X(?:</p>)?")
        language = self.language[0]

        def output(match: re.Match) -> str:
            number = int(match[1])
            if number >= len(blocks):  # cannot happen with a random token; never crash on it
                return match[0]
            return outcome_html(blocks[number], self.outcomes[blocks[number]], figure_url, language)

        return self._stamped(token.sub(output, html), page, config, blocks)

    def _stamped(self, html: str, page, config, blocks) -> str:
        # The page's "verified with" stamp goes right under its title, with the notebook buttons.
        stamp = page_stamp_html([(b, self.outcomes[b]) for b in blocks], self.language[0]) if blocks else ""
        if page.file.src_uri in self.notebooks:
            stamp += self._notebook_links(page, config)
        if stamp:
            html = html.replace("</h1>", "</h1>\n" + stamp, 1) if "</h1>" in html else stamp + html
        return html

    def _site_name(self, config) -> str:
        """The site's name in the language being built (mkdocs-static-i18n's per-language site_name)."""
        i18n = config.plugins.get("i18n")
        if i18n is not None and i18n.current_language_config is not None:
            return i18n.current_language_config.site_name or config.site_name
        return config.site_name

    def _notebook_uri(self, file) -> str:
        """notebooks/stage-1/tensors.ipynb; zh/notebooks/stage-1/tensors.ipynb for the page's Chinese version."""
        page = getattr(file, "norm_src_uri", file.src_uri)  # mkdocs-static-i18n: the src_uri without ".zh"
        return f"{self.language[1]}{NOTEBOOK_DIR}/{page.removesuffix('.md')}.ipynb"

    def _notebook_links(self, page, config) -> str:
        uri, _ = self.notebooks[page.file.src_uri]
        words = labels(self.language[0])
        preview = get_relative_url(self.previews[page.file.src_uri], page.url)
        links = [f'<a class="md-button" href="{get_relative_url(uri, page.url)}" download>{words["download"]}</a>',
                 f'<a class="md-button" href="{preview}">{words["preview"]}</a>']
        match = re.match(r"https://github\.com/([^/]+/[^/]+?)/?$", config.repo_url or "")
        if match:  # notebooks are published with the site, on the gh-pages branch
            colab = f"https://colab.research.google.com/github/{match[1]}/blob/gh-pages/{uri}"
            links.append(f'<a class="md-button" href="{colab}" target="_blank" rel="noopener">{words["colab"]}</a>')
        return f'<p class="notebook-links">{" ".join(links)}</p>'

    def on_post_build(self, config):
        for uri, _ in self.notebooks.values():  # the downloads, beside the preview pages
            target = Path(config.site_dir, uri)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(self._sources.name, uri), target)

    def on_shutdown(self):
        if self.session is not None:
            self.session.close()
            self.session = None
        if self._sources is not None:
            self._sources.cleanup()
            self._sources = None
        self._config = None


def _with_front_matter(message: str, front: int, docs: str) -> str:
    """ "stage-1/x.md:12: ..." as the file's own line (front matter above the collected text), under docs/."""
    match = re.match(r"^([^:\s]+\.md):(\d+):(.*)$", message, re.S)
    if match:
        return f"{docs}/{match[1]}:{int(match[2]) + front}:{match[3]}"
    return f"{docs}/{message}"
