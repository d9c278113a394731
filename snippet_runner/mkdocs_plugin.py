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
          page_cache: true      # reuse what earlier builds made of unchanged pages (see below)
          read_by_every_page: []  # pages whose text goes into every page (mkdocs serve, see below)

The course file is plain Python; what it defines in capitals is the site's policy, all optional:
``PRELOAD`` (modules the warm worker imports once before forking snippets), ``COLAB_HAS``
(distributions a Colab runtime already has: a notebook's setup cell installs the others).
Notebooks credit the site by its ``site_name`` (per language with mkdocs-static-i18n).

Each page with code also becomes a Jupyter notebook (its prose and its snippets, with the outputs
the build produced): offered for download, and rendered by mkdocs-jupyter as a "notebook preview"
page under ``notebooks/`` (out of the nav and the search index), which also proves at build time
that every generated notebook is valid. The notebook holds its figures (it works on its own); the
preview page links the figure files the lesson page shows, lazily loaded, instead of carrying them
inline (:mod:`~snippet_runner.preview_images`).

``mkdocs serve``: the first build does not wait for snippets without a cached result. Their
outputs show as pending (in the page's language), they run in the background
(:mod:`~snippet_runner.background`), and the server rebuilds as results arrive, through a file it
watches; the warm worker starts after the first build, so an edited snippet (the plugin watches the
snippet folders) waits only for its own run. The session, its worker and those results live on
across rebuilds. ``mkdocs build`` (strict or not) and the tests wait for every snippet.

Unchanged pages are not made again (:mod:`~snippet_runner.pagecache`, in ``<cache_dir>/../pages``):
a page's Markdown is rendered again only when it, a file it includes, the site's files or the
Markdown configuration changed; its templated HTML and search entries are made again only when its
content, the navigation, the theme, the config or a plugin's code changed; a page's notebook only
when its text or its outputs changed (and written to disk only when its bytes differ).

``mkdocs serve`` rebuilds write only what a change touches (:mod:`~snippet_runner.partial`): the
edited page, the pages that include an edited snippet or whose output arrived, in every language; every
page when the site's files, mkdocs.yml, the theme, a plugin's or hook's code, a title in the navigation
or a page named in ``read_by_every_page`` changed. The other pages stay as the last build wrote them
(their search entries too). An edited page's notebook and its preview follow once no rebuild came for
10 s. ``mkdocs build`` always makes the whole site.

Languages (mkdocs-static-i18n): the i18n plugin builds the default language, then calls MkDocs' build
again, with the same config, for each other language. The plugin keeps its session across those
builds, so a snippet runs at most once whatever the number of languages; it sees each language's
own pages (its ``on_files`` runs after the i18n plugin's), and writes that language's words under
the blocks and its notebooks under ``<language>/notebooks/``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import json
import logging
import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import types
from pathlib import Path

import nbformat
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from . import pagecache
from .background import Background
from .partial import Partial, list_templates_once, page_alternates
from .collect import CollectError
from .figures import figure_for
from .labels import labels
from .notebook import page_notebook
from .preview_images import Placed, digest_name, link_images
from .preview_links import relative_site_links
from .preview_toc import heading_ids, toc_tokens
from .render import failure_message, outcome_html, output_position, page_stamp_html, shown_figures
from .results import Outcome
from .site import Site

log = logging.getLogger("mkdocs.plugins.snippet_outputs")

OUTPUT_DIR = "_snippet_outputs"
NOTEBOOK_DIR = "notebooks"
REUSED_TEMPLATE = "snippet-outputs-reused.html"  # a page whose templated HTML is reused (pagecache): that HTML
SITE_URL = "\x00site_url\x00"  # site_url as stored in the page cache
QUICK_WAIT_S = 2.0  # mkdocs serve: how long a rebuild waits for snippets it had to start, at least,
LONG_WAIT_S = 10.0  # and at most (for a snippet whose last run took long: 3 times that, plus a second)
WATCH_SETTLE_S = 1.0  # mkdocs serve: after the file observer starts, its first snapshot is taken within this
NOTEBOOKS_IDLE_S = 10.0  # mkdocs serve: the edited pages' notebooks are made once no rebuild came for this long
PENDING = "pending"  # an Outcome status of this plugin's own: a snippet still running in the background
CANONICAL_TOKEN = "SNIPPETOUTPUT0000000000000000N"  # the placeholder as stored in the page cache


class SnippetOutputsConfig(base.Config):
    device = c.Choice(("auto", "cpu", "cuda"), default="auto")
    fresh = c.Type(bool, default=False)
    cache_dir = c.Optional(c.Type(str))
    jobs = c.Optional(c.Type(int))
    notebooks = c.Type(bool, default=True)
    course = c.Optional(c.Type(str))
    page_cache = c.Type(bool, default=True)
    read_by_every_page = c.ListOfItems(c.Type(str), default=[])


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("", "0", "false", "no", "off")


class SnippetOutputsPlugin(BasePlugin[SnippetOutputsConfig]):
    """The build side of the runner; every piece of state lives on the instance."""

    def __init__(self) -> None:
        self._config = None  # the MkDocs config this session belongs to (one session for every language)
        self._session_key = None  # what the session was made from (a serve rebuild with the same keeps it)
        self.command = "build"
        self.site: Site | None = None
        self.session = None
        self.pages_cache: pagecache.PageCache | None = None
        self.background: Background | None = None  # mkdocs serve: the snippets not yet run
        self._trigger: Path | None = None  # mkdocs serve: a watched file, touched as results arrive
        self._missed = False
        self._watching = False  # mkdocs serve: the server's observer sees the trigger file
        self._notify_lock = threading.Lock()
        self._builds = 0  # builds begun (a serve rebuild is one, whatever the number of languages)
        self._triggered_for = -1  # the number of builds begun when the server was last asked to rebuild
        self._sources: tempfile.TemporaryDirectory | None = None
        self._notebook_texts: dict[str, str] = {}  # a notebook's path in _sources -> what is written there
        self._digests: dict[int, tuple] = {}  # id(an Outcome) -> (it, what it shows): see _outcome_digest
        self._looked_up: dict[str, Outcome] = {}  # mkdocs serve: cache key -> the cached result found for it
        self._collected: dict[str, list] = {}  # mkdocs serve: a page's blocks by what they were collected from
        self._templates = None  # compiled templates, kept between builds (jinja2's bytecode cache)
        self.partial: Partial | None = None  # mkdocs serve: rebuilds make only what changed (partial.py)
        self._deferred: dict[str, str] = {}  # mkdocs serve: a notebook's path -> its new text, not written yet
        self._notebooks_due = False  # mkdocs serve: this rebuild writes the notebooks left for later
        self._notebooks_timer: threading.Timer | None = None
        self._awaited: set[str] = set()  # mkdocs serve: the results the build under way waits for
        self._run_seconds: dict[str, float] = {}  # mkdocs serve: a snippet's path -> how long its last run took
        self._shown_pending: set[str] = set()  # mkdocs serve: the results this build showed as pending
        self._theme_listing: dict = {}  # mkdocs serve: the theme's templates (partial.list_templates_once)
        self._copied: dict[str, str] = {}  # mkdocs serve: a notebook's path -> the text last copied to the site
        self._jupyter_cache = None  # mkdocs-jupyter while its cache's eviction is off (a partial rebuild)
        self._published = None  # mkdocs serve: (mkdocs.yml's path, time of change, size) -> its site_url
        self._front_matter: dict = {}  # mkdocs serve: a page's text -> (its Markdown, lines of front matter)
        # A placeholder no page text can contain: a fresh random part per plugin instance.
        self._token = f"SNIPPETOUTPUT{secrets.token_hex(8)}N"
        self._reset_language()

    def _reset_language(self) -> None:
        self.pages: dict[str, tuple[str, list, int]] = {}
        self.outcomes: dict = {}
        self.notebooks: dict[str, str] = {}  # page -> its notebook's path in the site
        self.previews: dict[str, str] = {}
        self._preview_figures: dict[str, list] = {}  # a preview's URL -> (a figure file its notebook holds, its alt)
        self.language: tuple[str, str] = ("en", "")
        self._generated: set[str] = set()  # the files this plugin added (figures, notebooks): no page links them
        self._render_context: str | None = None
        self._nav = None
        self._reuse: dict[str, tuple[str, dict | None]] = {}  # page URL -> (its key, its record when reused)
        self._search_state: tuple = ()
        self._site_url = ""
        self._page_keys: dict[str, str | None] = {}  # mkdocs serve: a page -> what its blocks were collected from
        self._page_texts: dict[str, str] = {}  # mkdocs serve: a page -> its file's text
        self._page_entries: list = []  # the search entries made from the page being written

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
        """MkDocs keeps this instance across ``mkdocs serve`` rebuilds (its rule for plugins with
        on_startup): the session, the page cache and the background runs live on across them."""
        self.command = command
        if command == "serve" and self.partial is None:
            self.partial = Partial()
            self.partial.highlight_once()

    def on_config(self, config):
        if self._config is config:  # mkdocs-static-i18n building the next language: keep the session
            return config
        with self._notify_lock:
            self._builds += 1
            if self._notebooks_timer is not None:  # the author is still at it: the notebooks wait
                self._notebooks_timer.cancel()
                self._notebooks_timer = None
            self._shown_pending = set()
        self._deferred = {}  # this build finds again the notebooks that differ from what is written
        if self.partial is not None:
            list_templates_once(config.theme, self._theme_listing)
        self._config = config
        try:
            site = Site.from_config(config)
        except FileNotFoundError as error:
            raise PluginError(str(error)) from None
        settings = self._settings()
        if settings["device"] not in ("auto", "cpu", "cuda"):
            raise PluginError(f"snippet-outputs: SNIPPETS_DEVICE must be auto, cpu or cuda, not {settings['device']!r}")
        key = (str(site.cache_dir), sorted(settings.items()), sorted(map(str, site.course.get("PRELOAD", ()))),
               site.policy.digest)  # an edit to the course's checks or stamp makes a new session
        self.site = site
        if self.command == "serve" and self.session is not None and key == self._session_key:
            return config  # a serve rebuild: the same session, its worker and its background runs
        self._close_session()
        self._session_key = key
        self._looked_up = {}  # found under the old session's course: its results may not be this one's
        self._sources = tempfile.TemporaryDirectory(prefix="page-notebooks-")
        self._notebook_texts = {}
        self.session = site.session(device=settings["device"], jobs=settings["jobs"], fresh=settings["fresh"],
                                    progress=sys.stderr.isatty() and self.command != "serve")
        if self.config.page_cache:
            self.pages_cache = pagecache.PageCache(site.cache_dir.parent / "pages")
        if self.command == "serve" and not settings["fresh"]:
            self.background = Background(self.session, self._results_arrived, self.session.runner.jobs)
        return config

    def _current_language(self, config) -> tuple[str, str]:
        """(the language being built, its folder in the site: "" for the default language, "zh/")."""
        i18n = config.plugins.get("i18n")
        if i18n is None or i18n.current_language is None:
            return config.theme.get("language") or "en", ""
        return i18n.current_language, "" if i18n.is_default_language_build else f"{i18n.current_language}/"

    @event_priority(-110)  # after mkdocs-static-i18n's on_files (-100): this language's pages only
    def on_files(self, files, config):
        """Collect every page's blocks once and run (or fetch) every snippet, before any page renders.

        Under ``mkdocs serve`` the snippets without a cached result run in the background instead:
        their outputs show as pending, and the server rebuilds as they arrive."""
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
            text = file.content_string
            markdown, front = self._read(text)
            if self.partial is not None:
                self._page_texts[file.src_uri] = text
            try:
                blocks = self._blocks(markdown, file.src_uri)
            except CollectError as error:
                errors.append(_with_front_matter(str(error), front, os.path.relpath(config.docs_dir, site.root)))
                blocks = []
            self.pages[file.src_uri] = (markdown, blocks, front)
            every.extend(blocks)
        if errors:  # never skip a page's snippets silently: one line per page, and the build stops
            raise PluginError("\n".join(errors))
        self.outcomes = self.session.run(every) if self.background is None else self._resolve(every)
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
                    self._generated.add(uri)
        if self.config.notebooks:
            for file in files.documentation_pages():
                markdown, blocks, _ = self.pages[file.src_uri]
                # a page with outputs still pending gets its notebook when they are all there
                if blocks and not any(self.outcomes[b].status == PENDING for b in blocks):
                    self._add_notebook(file, markdown, blocks, files, config)
        now = self.session.stats
        stats = {f.name: getattr(now, f.name) - getattr(before, f.name) for f in dataclasses.fields(now)}
        waiting = len({id(b) for b in every if self.outcomes[b].status == PENDING})
        if self.background is not None:  # looked up by this plugin, not through Session.run
            stats["cached"] = sum(self.outcomes[b].cached for b in every)
        log.info(f"snippets ({self.language[0]}): {stats['executed']} executed ({stats['seconds']:.1f} s of run "
                 f"time), {stats['cached']} from the cache, {stats['not_run']} not executed here, "
                 f"{stats['failed']} failed" + (f", {waiting} pending (running in the background)" if waiting else ""))
        if self.partial is not None:
            self._mark_changes(files, config)
        return files

    def _mark_changes(self, files, config) -> None:
        """mkdocs serve: what each page is made from (partial.py decides which pages a rebuild makes)."""
        fingerprints = {}
        for file in files.documentation_pages():
            if file.src_uri not in self.pages:
                continue
            _, blocks, _ = self.pages[file.src_uri]
            key = self._page_keys.get(file.src_uri)
            fingerprints[file.src_uri] = None if key is None else pagecache.digest(
                self._page_texts[file.src_uri], key, [self._outcome_digest(b, self.outcomes[b]) for b in blocks],
                self.notebooks.get(file.src_uri), self.previews.get(file.src_uri))
        docs = Path(config.docs_dir)
        shared = [(name, (docs / name).read_bytes() if (docs / name).is_file() else None)
                  for name in self.config.read_by_every_page]
        context = pagecache.digest(
            self._files_digest(files), self.language,
            Path(config.config_file_path).read_bytes() if config.config_file_path else b"",
            pagecache.theme_digest(config.theme.dirs), pagecache.code_digest(config.plugins.values()), shared)
        self.partial.mark(self.language[0], files, fingerprints, context)

    def _read(self, text: str) -> tuple[str, int]:
        """A page's Markdown as on_page_markdown will see it (no front matter), and the lines of front
        matter above it; under mkdocs serve, remembered for the text (its YAML is parsed once)."""
        known = self._front_matter.get(text)
        if known is None:
            markdown, _ = get_data(text)
            known = (markdown, text[: max(text.find(markdown), 0)].count("\n"))
            if self.command == "serve":
                if len(self._front_matter) > 4096:  # an author's edits, one text each
                    self._front_matter.clear()
                self._front_matter[text] = known
        return known

    def _blocks(self, markdown: str, page: str) -> list:
        """The page's blocks; under mkdocs serve, the same objects again while the page and the files it
        includes are unchanged."""
        if self.command != "serve":
            return self.site.page_blocks(markdown, page)
        included = pagecache.included_bytes(markdown, self.site.expander.base_paths)
        key = pagecache.digest(page, markdown, included) if included is not None else None
        self._page_keys[page] = key
        if key is None or key not in self._collected:
            blocks = self.site.page_blocks(markdown, page)
            if key is None:
                return blocks
            self._collected[key] = blocks
        return self._collected[key]

    def _resolve(self, blocks) -> dict:
        """mkdocs serve: outcomes for what needs no run now (cached, not executed here, run earlier in
        the background); the others go to the background. A rebuild waits a moment for them, three times
        as long as their last run took plus a second (2 to 10 s; a loaded machine runs them slower): an
        edited snippet that runs in seconds shows in one rebuild; what is still running then is pending."""
        session, background = self.session, self.background
        known = background.environment_known()
        ready, waiting, outcomes = [], {}, {}
        for block in blocks:
            if block.snippet is None or block.skip_reason:
                ready.append(block)
                continue
            if not known:  # a fresh clone: the worker is still starting; nothing can be looked up yet
                waiting.setdefault(f"unknown:{block.snippet}", []).append(block)
                continue
            if session.not_run_reason(block):
                ready.append(block)
                continue
            source = block.snippet.read_bytes()
            key = session.key(block, source)
            done = background.outcome(key) or self._looked_up.get(key)
            if done is None:
                result = session.lookup(block, source).result
                if result is not None:  # the same Outcome on every rebuild: its HTML is reused by identity
                    done = self._looked_up[key] = Outcome("ok", result, cached=True)
            if done is not None:
                outcomes[block] = done
                if done.result is not None:
                    self._run_seconds[str(block.snippet)] = done.result.duration
            else:
                waiting.setdefault(key, []).append(block)
        outcomes.update(session.run(ready))  # nothing here runs: not executed here, or inline
        if known:
            with self._notify_lock:  # what arrives while this build waits for it needs no rebuild of its own
                self._awaited = set(waiting)
            background.want(waiting)
            # not again for what a language built before showed pending: the result makes a rebuild anyway
            awaited = [key for key in waiting if key not in self._shown_pending]
            last = [self._run_seconds.get(str(group[0].snippet), 0.0) for key, group in waiting.items()
                    if key in awaited]
            background.wait(awaited, min(LONG_WAIT_S, max([QUICK_WAIT_S] + [3 * s + 1.0 for s in last])))
            with self._notify_lock:  # from now on a result asks for a rebuild; those that came are stored
                self._awaited = set()
            for key in list(waiting):
                if background.outcome(key) is not None:
                    for block in waiting.pop(key):
                        outcomes[block] = background.outcome(key)
            with self._notify_lock:  # a language built before the next one showed these pending
                self._shown_pending.update(waiting)
        else:  # the server's next rebuild, once the environment is known, looks them up
            background.rebuild_when_known()
        for group in waiting.values():
            for block in group:
                outcomes[block] = Outcome(PENDING)
        return outcomes

    def _results_arrived(self, key: str | None = None) -> None:
        """From a background run: make the server rebuild (it watches the trigger file). Once per build:
        a rebuild asked for and not begun yet will see this result too; and not for a result the build
        under way is waiting for (it shows it)."""
        with self._notify_lock:
            if key is not None and key in self._awaited and key not in self._shown_pending:
                return
            if self._trigger is None or not self._watching:  # before the server watches it: told again then
                self._missed = True
                return
            if self._triggered_for == self._builds:
                return
            self._triggered_for = self._builds
            try:
                self._trigger.write_text(f"{self._builds} {time.time()}\n")
            except OSError:
                pass

    def on_serve(self, server, config, builder):
        """Watch the snippet folders (an edited snippet runs again), and the trigger file that background
        runs touch as their results arrive. Rebuilds from now on make only what changed (partial.py)."""
        if self.partial is not None:
            self.partial.install()
        for folder in self.site.expander.base_paths:
            if folder.is_dir():
                server.watch(str(folder))
        if self.background is not None:
            folder = Path(tempfile.mkdtemp(prefix="snippet-results-arrived-"))
            self._trigger = folder / "arrived"
            self._trigger.write_text("0\n")
            server.watch(str(folder))
            threading.Thread(target=self._watch_begins, args=(server,), daemon=True,
                             name="snippet-results-watched").start()
        return server

    def _watch_begins(self, server) -> None:
        """Once the server's file observer runs (it starts after on_serve, in LiveReloadServer.serve, and
        its first snapshot would hide a trigger written before), results arriving ask for rebuilds;
        what arrived before asks now. A trigger written earlier was lost: a first serve then never showed
        the outputs that arrived while its first build ran."""
        deadline = time.monotonic() + 60
        while not server.observer.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(WATCH_SETTLE_S)
        with self._notify_lock:
            self._watching = True
            missed, self._missed = self._missed, False
        if missed:
            self._results_arrived()

    def _add_notebook(self, file, markdown: str, blocks, files, config) -> None:
        title = next((line[2:].strip() for line in markdown.split("\n") if line.startswith("# ")), file.name)
        language = self.language[0]
        i18n = config.plugins.get("i18n")
        admonitions = (i18n.current_language_config.admonition_translations or {}) if i18n else {}
        url = self._published_url(config) + file.url
        key = pagecache.digest("notebook", markdown, title, url, file.src_uri, language, admonitions,
                               self._site_name(config), sorted(map(str, self.site.course.get("COLAB_HAS", ()))),
                               _package_digest(),
                               [self._outcome_digest(b, self.outcomes[b]) for b in blocks])
        record = self.pages_cache.get(language, key) if self.pages_cache else None
        if record is None:
            notebook = page_notebook(markdown, blocks, self.outcomes, title, url, language=language,
                                     admonition_titles=admonitions, colab_has=self.site.course.get("COLAB_HAS", ()),
                                     site_name=self._site_name(config), source=file.src_uri)
            record = {"notebook": nbformat.v4.writes(notebook)}  # page_notebook validated it
            if self.pages_cache:
                self.pages_cache.put(language, key, record)
        uri = self._notebook_uri(file)
        self.notebooks[file.src_uri] = uri  # the download is a copy of the preview's source
        source = Path(self._sources.name, uri)
        if self._notebook_texts.get(uri) != record["notebook"] and not self._defer(uri, record["notebook"]):
            source.parent.mkdir(parents=True, exist_ok=True)  # written only when it changed
            source.write_text(record["notebook"], encoding="utf-8")
            self._notebook_texts[uri] = record["notebook"]
        # A file with a real source folder (not File.generated): mkdocs-jupyter reads it from there. Its
        # own on_files has run already (before the i18n plugin's, before this one): it wraps this file now.
        preview = File(uri, src_dir=self._sources.name, dest_dir=config.site_dir,
                       use_directory_urls=config.use_directory_urls)
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:
            preview = list(jupyter.on_files(Files([preview]), config=config))[0]
        files.append(preview)
        self._generated.add(uri)
        self.previews[file.src_uri] = preview.url
        self._preview_figures[preview.url] = [  # what the notebook holds, and the page's own file with its alt
            (figure_for(f, language), shown, alt) for b in blocks if self.outcomes[b].result is not None
            for f, (shown, alt) in zip(self.outcomes[b].result.figures,
                                       shown_figures(b, self.outcomes[b].result, language))]

    def _defer(self, uri: str, text: str) -> bool:
        """mkdocs serve: a page's changed notebook is written (and its preview rendered again: seconds of
        nbconvert, per language) not in the rebuild that shows the edit but in one of its own, once no
        rebuild came for NOTEBOOKS_IDLE_S: an author's next edit does not wait for it."""
        if (self.partial is None or not self.partial.active or self._trigger is None
                or uri not in self._notebook_texts or self._notebooks_due):
            return False
        self._deferred[uri] = text
        return True

    def _notebooks_later(self) -> None:
        """After a rebuild that left notebooks unwritten: a rebuild for them once the author paused."""
        def due() -> None:
            with self._notify_lock:
                if self._notebooks_timer is not timer:
                    return  # a rebuild began since: it starts its own wait
                self._notebooks_timer = None
                self._notebooks_due = True
            self._results_arrived()

        with self._notify_lock:
            if self._notebooks_timer is not None:
                self._notebooks_timer.cancel()
            timer = self._notebooks_timer = threading.Timer(NOTEBOOKS_IDLE_S, due)
            timer.daemon = True
            timer.start()

    @event_priority(60)  # before mkdocs-static-i18n's (50), which rewrites untitled admonitions in the text
    def on_page_markdown(self, markdown, page, config, files):
        """Put a placeholder under each code block; on_page_content swaps in the rendered output. The
        page's rendering goes through the page cache (pagecache)."""
        if page.url in self.previews.values():  # a notebook preview: the lesson is what search finds
            page.meta["search"] = {"exclude": True}
            return markdown
        if self.pages_cache is not None and page.file.src_uri.endswith(".md"):
            page.render = types.MethodType(self._render_once, page)
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

    def _render_once(self, page, config, files) -> None:
        """Page.render, unless a page was rendered before from the same Markdown (as MkDocs renders it,
        after every plugin's on_page_markdown) and the same inputs: then what it set, from the record."""
        markdown = page.markdown
        included = pagecache.included_bytes(markdown, self.site.expander.base_paths)
        if included is None or CANONICAL_TOKEN in markdown:
            return Page.render(page, config, files)
        if self._render_context is None:
            self._render_context = pagecache.digest(
                self._files_digest(files), config["markdown_extensions"], config["mdx_configs"],
                config["use_directory_urls"], config["validation"], pagecache.versions())
        key = pagecache.digest("render", self._render_context, page.file.src_uri, page.url,
                               markdown.replace(self._token, CANONICAL_TOKEN), included)
        group, token = self.language[0], self._token
        record = self.pages_cache.get(group, key)
        if record is not None:
            page.content = record["html"].replace(CANONICAL_TOKEN, token)
            page.toc = get_toc(record["toc"])
            page._title_from_render = record["title"]
            page.present_anchor_ids = set(record["anchors"])
            if record["links"] is not None:
                page.links_to_anchors = {files.get_file_from_path(uri): links for uri, links in record["links"].items()}
            pagecache.replay(record["log"])
            return None
        with pagecache.Capture() as capture:
            Page.render(page, config, files)
        links = page.links_to_anchors
        self.pages_cache.put(group, key, {
            "html": page.content.replace(token, CANONICAL_TOKEN), "toc": pagecache.toc_tokens(page.toc),
            "title": page._title_from_render, "anchors": sorted(page.present_anchor_ids or ()),
            "links": None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
            "log": capture.records})
        return None

    def _files_digest(self, files) -> str:
        """The site's files and their URLs (where links lead), less this plugin's own (no page links them)."""
        return pagecache.digest([(f.src_uri, f.url, str(f.inclusion)) for f in files if f.src_uri not in self._generated])

    @event_priority(-120)  # after mkdocs-static-i18n's (-100): the navigation of this language
    def on_nav(self, nav, config, files):
        self._nav = nav
        return nav

    @event_priority(-120)
    def on_env(self, env, config, files):
        """Find the pages whose templated HTML an earlier build made from the same inputs (pagecache):
        the theme's templates are not run again for them, nor is the search plugin. Under mkdocs serve,
        the pages a rebuild skipped get back what the last build made of them first (partial.py)."""
        if self.partial is not None:
            self.partial.restore(self.language[0], files)
            self.partial.remember(self.language[0], files,
                                  pagecache.digest(pagecache.nav_tokens(self._nav.items if self._nav else [])))
        if self.pages_cache is None:
            return env
        import jinja2

        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({REUSED_TEMPLATE: "{{ snippet_outputs_reused }}"}),
                                          env.loader])
        if self._templates is None:  # checked against each template's source: an edited one compiles again
            folder = self.site.cache_dir.parent / "templates"
            folder.mkdir(parents=True, exist_ok=True)
            self._templates = jinja2.FileSystemBytecodeCache(str(folder))
        if env.bytecode_cache is None:
            env.bytecode_cache = self._templates
        # The HTML depends on site_url only where it is written out (canonical links): records keep a
        # placeholder there, so mkdocs serve (its own site_url) reuses what mkdocs build made, and back.
        url = config.site_url or ""
        def norm(text):
            return text.replace(url, SITE_URL) if url and isinstance(text, str) else text

        site = pagecache.digest(
            "site", self._files_digest(files), pagecache.versions(), self.language,
            Path(config.config_file_path).read_bytes() if config.config_file_path else b"",
            pagecache.theme_digest(config.theme.dirs), pagecache.code_digest(config.plugins.values()),
            pagecache.nav_tokens(self._nav.items if self._nav else []))
        self._site_url = url
        for file in files.documentation_pages():
            page = file.page
            if page is None or page.content is None:
                continue
            if self.partial is not None and not self.partial.will_write(self.language[0], file):
                continue
            key = pagecache.digest("page", site, file.src_uri, page.url, norm(page.content),
                                   pagecache.toc_tokens(page.toc), page.title, page.meta, norm(page.canonical_url),
                                   page.edit_url, norm(getattr(page, "nb_url", None)),
                                   page_alternates(file))  # what its language selector links
            record = self.pages_cache.get(self.language[0], key)
            self._reuse[page.url] = (key, record)
            if record is not None:
                page.meta["template"] = REUSED_TEMPLATE
        return env

    @staticmethod
    def _search(config):
        """Material's search plugin, when it is on (its index is what a reused page's entries go back into)."""
        plugin = config.plugins.get("material/search") or config.plugins.get("search")
        if plugin is None or not hasattr(plugin, "search_index") or not plugin.config.get("enabled", True):
            return None
        return plugin

    @event_priority(10)  # before Material's search plugin (0)
    def _before_search(self, context, page, config, nav):
        _, record = self._reuse.get(page.url, (None, None))
        search = self._search(config)
        self._search_state, self._page_entries = (), []
        if record is not None:
            context["snippet_outputs_reused"] = (record["html"].replace(SITE_URL, self._site_url) if self._site_url
                                                 else record["html"])
        if search is None:
            return context
        # (the page, where its entries begin in the index, what the page's search metadata and content were)
        self._search_state = (page.url, len(search.search_index.entries), page.meta.get("search"), page.content)
        if record is not None:  # its entries come from the record: the plugin does not parse the page
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
            page.content = ""  # nor strip its attributes (a regex over megabytes): the template is not run
        return context

    @event_priority(-10)  # after Material's search plugin
    def _after_search(self, context, page, config, nav):
        _, record = self._reuse.get(page.url, (None, None))
        search = self._search(config)
        if search is None or not self._search_state or self._search_state[0] != page.url:
            return context
        _, start, meta, content = self._search_state
        if record is not None:
            if meta is None:
                page.meta.pop("search", None)
            else:
                page.meta["search"] = meta
            page.content = content
            search.search_index.entries.extend(record["search"])
        self._page_entries = search.search_index.entries[start:]
        return context

    on_page_context = CombinedEvent(_before_search, _after_search)

    @event_priority(100)  # first: the HTML as the theme's templates made it
    def on_post_page(self, output, page, config):
        key, record = self._reuse.get(page.url, (None, None))
        searched = bool(self._search_state) and self._search_state[0] == page.url
        entries = self._page_entries if searched else []
        if key is not None and record is None and self.pages_cache is not None:
            html = output.replace(self._site_url, SITE_URL) if self._site_url else output
            self.pages_cache.put(self.language[0], key, {"html": html, "search": list(entries)})
        if self.partial is not None:
            self.partial.written(self.language[0], page, entries if searched else None)
        self._search_state, self._page_entries = (), []
        return output

    def on_page_content(self, html, page, config, files):
        if page.url in self._preview_figures:  # a notebook preview: its figures as files, not inline base64
            record = self._preview(link_images(html, self._preview_image_place(page, config, files)), page, config)
            page.toc = get_toc(record["toc"])
            return record["html"]
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
            block, outcome = blocks[number], self.outcomes[blocks[number]]
            if outcome.status == PENDING:
                return pending_html(block, language)
            return self._made("output", lambda: outcome_html(block, outcome, figure_url, language),
                              language, page.url, self._outcome_digest(block, outcome))

        return self._stamped(token.sub(output, html), page, config, blocks)

    def _preview(self, html: str, page, config) -> dict:
        """A notebook preview's HTML with fewer highlighting spans and no dead nbconvert blocks, looking the
        same (preview_html), the lesson's heading ids (preview_toc) and links that lead to this site's pages
        (preview_links); and its table of contents, read from those headings. Made again only when
        mkdocs-jupyter's HTML, the page's address or this package's code changes: it is about 4 s of a warm
        two-language build's regular expressions over 50 previews of 0.4-0.5 MB each."""
        from .preview_html import slim

        def make() -> dict:
            made = relative_site_links(heading_ids(slim(html)), self._published_url(config), page.url)
            return {"html": made, "toc": toc_tokens(made)}

        if self.pages_cache is None:
            return make()
        key = pagecache.digest("preview", _package_digest(), page.url, self._published_url(config),
                               hashlib.sha256(html.encode()).hexdigest())
        record = self.pages_cache.get(self.language[0], key)
        if record is None:
            record = make()
            self.pages_cache.put(self.language[0], key, record)
        return record

    def _preview_image_place(self, page, config, files):
        """Where a preview's image goes (preview_images.link_images): the figure file the lesson page
        shows, when the bytes are one of its figures'; otherwise a file of their own, named by their
        digest, under _snippet_outputs/inline/."""
        known = {}
        for held, shown, alt in self._preview_figures[page.url]:
            for figure in dict.fromkeys((held, shown)):
                try:
                    known.setdefault(hashlib.sha256(figure.read_bytes()).digest(), (figure, alt))
                except OSError:
                    continue

        def place(data: bytes, mime: str) -> Placed:
            figure, alt = known.get(hashlib.sha256(data).digest(), (None, None))
            if figure is not None:
                uri = f"{OUTPUT_DIR}/{self.session.figure_uri(figure)}"
            else:
                uri = f"{OUTPUT_DIR}/inline/{digest_name(data, mime)}"
                if files.get_file_from_path(uri) is None:
                    self._generated.add(uri)
                    files.append(File.generated(config, uri, content=data))
            return Placed(get_relative_url(uri, page.url), alt)

        return place

    def _stamped(self, html: str, page, config, blocks) -> str:
        # The page's "verified with" stamp goes right under its title, with the notebook buttons.
        shown = [(b, self.outcomes[b]) for b in blocks if self.outcomes[b].status != PENDING]
        stamp = self._made("stamp", lambda: page_stamp_html(shown, self.language[0]), self.language[0],
                           [self._outcome_digest(b, o) for b, o in shown]) if shown else ""
        if page.file.src_uri in self.notebooks:
            stamp += self._notebook_links(page, config)
        if stamp:
            html = html.replace("</h1>", "</h1>\n" + stamp, 1) if "</h1>" in html else stamp + html
        return html

    def _outcome_digest(self, block, outcome) -> list:
        """What a block's outcome puts on a page or in a notebook (computed once per Outcome object)."""
        known = self._digests.get(id(outcome))
        if known is None or known[0] is not outcome:
            known = self._digests[id(outcome)] = (outcome, _result_digest(outcome))
        return [block.include, block.code, block.skip_reason, *known[1]]

    def _made(self, kind: str, make, *inputs) -> str:
        """HTML the runner makes for a page (an output box, a stamp), reused while its inputs and this
        package's code are unchanged: what it shows depends on them alone."""
        if self.pages_cache is None:
            return make()
        key = pagecache.digest(kind, _package_digest(), *inputs)
        record = self.pages_cache.get(self.language[0], key)
        if record is None:
            record = {"html": make()}
            self.pages_cache.put(self.language[0], key, record)
        return record["html"]

    def _site_name(self, config) -> str:
        """The site's name in the language being built (mkdocs-static-i18n's per-language site_name)."""
        i18n = config.plugins.get("i18n")
        if i18n is not None and i18n.current_language_config is not None:
            return i18n.current_language_config.site_name or config.site_name
        return config.site_name

    def _published_url(self, config) -> str:
        """site_url as mkdocs.yml sets it: mkdocs serve replaces it with its own address, which a
        downloaded notebook must not name (and its notebooks stay those of mkdocs build)."""
        if self.command != "serve" or not config.config_file_path:
            return config.site_url or ""
        stat = os.stat(config.config_file_path)
        key = (config.config_file_path, stat.st_mtime_ns, stat.st_size)
        if self._published is None or self._published[0] != key:  # read once, not per language and rebuild
            from mkdocs.utils.yaml import yaml_load

            with open(config.config_file_path, "rb") as handle:
                url = (yaml_load(handle) or {}).get("site_url") or ""
            self._published = (key, url if url.endswith("/") or not url else url + "/")
        return self._published[1]

    def _notebook_uri(self, file) -> str:
        """notebooks/stage-1/tensors.ipynb; zh/notebooks/stage-1/tensors.ipynb for the page's Chinese version."""
        page = getattr(file, "norm_src_uri", file.src_uri)  # mkdocs-static-i18n: the src_uri without ".zh"
        return f"{self.language[1]}{NOTEBOOK_DIR}/{page.removesuffix('.md')}.ipynb"

    def _notebook_links(self, page, config) -> str:
        uri = self.notebooks[page.file.src_uri]
        words = labels(self.language[0])
        preview = get_relative_url(self.previews[page.file.src_uri], page.url)
        links = [f'<a class="md-button" href="{get_relative_url(uri, page.url)}" download>{words["download"]}</a>',
                 f'<a class="md-button" href="{preview}">{words["preview"]}</a>']
        match = re.match(r"https://github\.com/([^/]+/[^/]+?)/?$", config.repo_url or "")
        if match:  # notebooks are published with the site, on the gh-pages branch
            colab = f"https://colab.research.google.com/github/{match[1]}/blob/gh-pages/{uri}"
            links.append(f'<a class="md-button" href="{colab}" target="_blank" rel="noopener">{words["colab"]}</a>')
        return f'<p class="notebook-links">{" ".join(links)}</p>'

    @event_priority(5)  # before Material's search plugin writes its index, and mkdocs-jupyter evicts its cache
    def _before_search_index(self, config):
        """A partial rebuild (mkdocs serve): the search entries of the pages it did not write are those
        of the last build that did; mkdocs-jupyter keeps the previews it did not render in its cache."""
        if self.partial is None or not self.partial.active:
            return
        search = self._search(config)
        if search is not None:
            search.search_index.entries.extend(self.partial.entries_not_built(self.language[0]))
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None and jupyter.config.get("cache"):  # its on_post_build evicts what a build did not use
            jupyter.config["cache"] = False
            self._jupyter_cache = jupyter

    def _copy_notebooks(self, config):
        partial = self.partial is not None and self.partial.active
        for uri in self.notebooks.values():  # the downloads, beside the preview pages
            text = self._notebook_texts.get(uri)
            if partial and text is not None and self._copied.get(uri) == text:
                continue  # a partial rebuild: this download is in the site already
            target = Path(config.site_dir, uri)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(self._sources.name, uri), target)
            if self.partial is not None:
                self._copied[uri] = text
        if self.pages_cache is not None and not partial:  # a partial rebuild used only what it made
            self.pages_cache.evict(self.language[0])

    @event_priority(-5)  # after mkdocs-jupyter's on_post_build
    def _after_jupyter(self, config):
        if self._jupyter_cache is not None:
            self._jupyter_cache.config["cache"] = True
            self._jupyter_cache = None

    @event_priority(-150)  # after mkdocs-static-i18n's (-100), which builds the other languages in its own
    def _after_every_language(self, config):
        i18n = config.plugins.get("i18n")
        if i18n is not None and getattr(i18n, "building", False):
            return  # a language built inside the default language's build: not the end yet
        if self.background is not None:
            self.background.start()  # the first build is out: the snippets it is missing may run now
        if self.partial is not None:
            log.info(f"snippet-outputs: {self.partial.summary()}")
            self.partial.finished()
            self._notebooks_due = False
            if self._deferred:  # the notebooks this rebuild left for later
                self._notebooks_later()

    on_post_build = CombinedEvent(_before_search_index, _copy_notebooks, _after_jupyter, _after_every_language)

    def on_build_error(self, error):
        if self.partial is not None:  # the site folder is not whole: the next build is complete
            self.partial.failed()
        if self._jupyter_cache is not None:
            self._jupyter_cache.config["cache"] = True
            self._jupyter_cache = None

    def _close_session(self):
        if self._notebooks_timer is not None:
            self._notebooks_timer.cancel()
            self._notebooks_timer = None
        if self.background is not None:
            self.background.close()
            self.background = None
        if self.session is not None:
            self.session.close()
            self.session = None
        if self._sources is not None:
            self._sources.cleanup()
            self._sources = None
        if self._trigger is not None:
            shutil.rmtree(self._trigger.parent, ignore_errors=True)
            self._trigger = None

    def on_shutdown(self):
        self._close_session()
        self._config = None
        if self.partial is not None:
            self.partial.uninstall()


def pending_html(block, language: str) -> str:
    """The box under a block whose snippet is still running (mkdocs serve)."""
    words = labels(language)
    return ('<div class="admonition info snippet-pending" data-snippet="{0}">'
            '<p class="admonition-title">{1}</p><p>{2}</p></div>').format(
        html.escape(block.include), html.escape(words["pending"].format(include=block.include)),
        html.escape(words["pending_body"]))


def _result_digest(outcome) -> list:
    """What a block's outcome puts in a notebook: its status, its result and its figures' files."""
    result = outcome.result
    figures = [(str(f), f.stat().st_size, f.stat().st_mtime_ns) if f.exists() else str(f)
               for f in (result.figures if result else [])]
    return [outcome.status, outcome.reason,
            json.dumps(vars(result), default=str, sort_keys=True) if result else None, figures]


@functools.cache
def _package_digest() -> str:
    """A digest of this package's source: a notebook made by other code is made again."""
    return pagecache.digest(*[(p.name, p.read_bytes()) for p in sorted(Path(__file__).parent.glob("*.py"))])


def _with_front_matter(message: str, front: int, docs: str) -> str:
    """ "stage-1/x.md:12: ..." as the file's own line (front matter above the collected text), under docs/."""
    match = re.match(r"^([^:\s]+\.md):(\d+):(.*)$", message, re.S)
    if match:
        return f"{docs}/{match[1]}:{int(match[2]) + front}:{match[3]}"
    return f"{docs}/{message}"
