"""``mkdocs serve``: a rebuild makes again only what a change touches (the edited page, the pages that
include an edited snippet or whose output arrived), in every language; the rest of the site stays as the
last build wrote it.

MkDocs has the mechanism, its *dirty* build (``mkdocs serve --dirty``): the site folder is not emptied,
a static file is copied only when it is newer than its copy, and a page is read, rendered and written
only when ``page.file.is_modified()`` says so. Alone it does not fit this site: a page changes when a
snippet it includes changes or its output arrives (its own file does not), an edit to one page can
change every page (a title in the navigation), the pages it skips lose what the pages it builds show of
them (their titles in the navigation) and what the build collects from them (search entries), and
mkdocs-static-i18n builds its other languages dirty only when ``--dirty`` is on the command line.

:class:`Partial` supplies what is missing, for the MkDocs plugin (which says what each page is made from):

- :meth:`Partial.install`: under ``mkdocs serve``, every rebuild after a complete build is a dirty build,
  the other languages' too, without MkDocs' warning about dirty builds (it would fail ``mkdocs serve
  --strict``). A build that fails makes the next one complete again. ``mkdocs build`` never comes here.
- :meth:`Partial.mark`: a page is modified when its fingerprint (its text, the files it includes, the
  outputs it shows) differs from the last build's, or the versions of it in other languages that
  mkdocs-static-i18n links from it (its language selector) changed, and every page is when what all
  pages are made from (the site's files, mkdocs.yml, the theme, the plugins' and hooks' code, the pages
  named as read by every page) changed.
- :meth:`Partial.restore`: a skipped page gets back what the last build made of it (its content, title,
  table of contents, metadata, anchors), so the pages that are built show it as before; when the
  navigation changed (a title), every page is written again from those.
- :meth:`Partial.entries_not_built`: the search entries of the pages this build did not write.
- :meth:`Partial.highlight_once` and :func:`list_templates_once`: what every rebuild did again for
  nothing (Pygments on the code blocks an edit did not touch, the theme's 15,000 icons) is done once.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import logging
import sys

# MkDocs' words about dirty builds (mkdocs.commands.build): not shown for the ones made here
DIRTY_WORDS = ("A 'dirty' build is being performed", "The directory contains stale files")


@dataclasses.dataclass
class PageState:
    """What MkDocs' reading and rendering of a page set on it (mkdocs.structure.pages.Page)."""

    markdown: str | None
    content: str | None
    toc: object
    meta: dict
    title_from_render: str | None
    title: str | None  # a title set on the page itself (mkdocs-jupyter's notebook title), or None
    anchors: set | None
    links: dict | None  # the page's links to anchors, by the linked file's src_uri


class _DirtyWarning(logging.Filter):
    def __init__(self, partial: Partial) -> None:
        super().__init__()
        self.partial = partial

    def filter(self, record: logging.LogRecord) -> bool:
        return not (self.partial.forced and str(record.msg).startswith(DIRTY_WORDS))


class Partial:
    """The state of partial rebuilds across one ``mkdocs serve`` (held by the plugin)."""

    def __init__(self) -> None:
        self.active = False  # the build under way skips what did not change (a dirty build)
        self.forced = False  # ... because this module made it one (mkdocs serve without --dirty)
        self.complete = False  # the site folder holds a complete build: the next one may be partial
        self._fingerprints: dict[tuple[str, str], str | None] = {}
        self._alternates: dict[tuple[str, str], list] = {}  # a page's versions in other languages (their URLs)
        self._contexts: dict[str, str] = {}
        self._navs: dict[str, str] = {}
        self._states: dict[tuple[str, str], PageState] = {}
        self._entries: dict[tuple[str, str], list] = {}
        self._modified: set[tuple[str, str]] = set()
        self._every_page: set[str] = set()  # languages whose pages are all read and written in this build
        self._every_written: set[str] = set()  # languages whose pages are all written (the navigation changed)
        self._built: set[tuple[str, str]] = set()
        self._pages: dict[str, list[str]] = {}  # language -> its pages' src_uri in this build
        self._undo: list = []  # what puts back what install() and highlight_once() changed
        self._installed = False

    # -- the dirty builds ----------------------------------------------------------------------------

    def install(self) -> None:
        """Make every later build of this ``mkdocs serve`` a dirty one while the last one completed (with
        ``--dirty`` MkDocs makes every build one, and warns)."""
        if self._installed:
            return
        self._installed = True
        from mkdocs.commands import serve

        def dirty_build(build):
            @functools.wraps(build)
            def wrapper(config, *args, dirty: bool = False, **kwargs):
                return build(config, *args, dirty=self._begin(dirty), **kwargs)
            return wrapper

        self._patch(serve, "build", dirty_build)
        i18n = sys.modules.get("mkdocs_static_i18n.plugin")
        if i18n is not None and hasattr(i18n, "build"):  # its other languages: dirty when this build is
            self._patch(i18n, "build", lambda build: functools.wraps(build)(
                lambda config, *args, dirty=False, **kwargs: build(config, *args, dirty=dirty or self.active,
                                                                   **kwargs)))
        warning = _DirtyWarning(self)
        logging.getLogger("mkdocs.commands.build").addFilter(warning)
        self._undo.append(lambda: logging.getLogger("mkdocs.commands.build").removeFilter(warning))

    def _patch(self, module, name: str, wrap) -> None:
        original = getattr(module, name)
        setattr(module, name, wrap(original))
        self._undo.append(lambda: setattr(module, name, original))

    def highlight_once(self, size: int = 4096) -> None:
        """From now on (the first build of ``mkdocs serve`` on), pymdownx.highlight's Pygments call
        remembers its output for the same code, lexer and formatter settings: a page made again for one
        edit highlights every other block as before (most of the time of its rendering)."""
        try:
            import pymdownx.highlight as module
        except ImportError:
            return
        if not callable(getattr(module, "highlight", None)):
            return
        known: collections.OrderedDict = collections.OrderedDict()

        def remembered(highlight):
            @functools.wraps(highlight)
            def wrapper(code, lexer, formatter, outfile=None):
                if outfile is not None or not isinstance(code, str):
                    return highlight(code, lexer, formatter, outfile)
                key = (code, type(lexer), repr(sorted(getattr(lexer, "options", {}).items())),
                       repr([(type(f), getattr(f, "options", None)) for f in getattr(lexer, "filters", [])]),
                       type(formatter), repr(sorted(getattr(formatter, "options", {}).items())))
                if key in known:
                    known.move_to_end(key)
                    return known[key]
                known[key] = html = highlight(code, lexer, formatter)
                if len(known) > size:
                    known.popitem(last=False)
                return html
            return wrapper

        self._patch(module, "highlight", remembered)

    def uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()
        self._installed = False

    def _begin(self, dirty: bool) -> bool:
        """A serve build begins: it is a dirty one when asked for or when the last one completed."""
        self.active = dirty or self.complete
        self.forced = self.active and not dirty
        self.complete = False
        self._every_page.clear()
        self._every_written.clear()
        self._built.clear()
        self._modified.clear()
        return self.active

    def finished(self) -> None:
        """The build (every language) completed: the site folder is whole."""
        self.complete = True
        self.active = self.forced = False

    def failed(self) -> None:
        """The build failed: what the site folder holds is not known, the next build is complete."""
        self.complete = False
        self.active = self.forced = False

    # -- what changed ---------------------------------------------------------------------------------

    def mark(self, language: str, files, fingerprints: dict[str, str | None], context: str) -> None:
        """Give each documentation page an ``is_modified`` that says whether it changed since the last
        build: ``fingerprints`` by src_uri (None: always made again); a page without one (a notebook
        preview) keeps MkDocs' test (its file is newer than its copy in the site). A page whose versions
        in other languages changed is modified too: a translation added or removed while serving changes
        its language selector's link, not its own text, nor this language's files."""
        every = self._contexts.get(language) != context
        self._contexts[language] = context
        if every:
            self._every_page.add(language)
        pages = []
        for file in files.documentation_pages():
            key = (language, file.src_uri)
            pages.append(file.src_uri)
            alternates = page_alternates(file)
            if self._alternates.get(key, alternates) != alternates:
                self._modified.add(key)
            self._alternates[key] = alternates
            if file.src_uri in fingerprints:
                new = fingerprints[file.src_uri]
                if every or new is None or self._fingerprints.get(key) != new or key not in self._states:
                    self._modified.add(key)
                self._fingerprints[key] = new
            elif every or key not in self._states:
                self._modified.add(key)
            if self.active:
                file.is_modified = functools.partial(self._is_modified, language, file.src_uri, file.is_modified)
        self._pages[language] = pages

    def _is_modified(self, language: str, uri: str, mkdocs_test) -> bool:
        key = (language, uri)
        if language in self._every_page or language in self._every_written or key in self._modified:
            return True
        return key not in self._fingerprints and mkdocs_test()

    def will_write(self, language: str, file) -> bool:
        """Whether this build writes the page (a complete build writes every page)."""
        return not self.active or file.is_modified()

    # -- the pages a build skips ----------------------------------------------------------------------

    def restore(self, language: str, files) -> None:
        """Give each page this build did not read what the last build made of it."""
        if self.active:
            for file in files.documentation_pages():
                page = file.page
                state = self._states.get((language, file.src_uri))
                if page is None or page.content is not None or state is None:
                    continue
                page.markdown, page.content, page.toc = state.markdown, state.content, state.toc
                page.meta = dict(state.meta)
                page._title_from_render = state.title_from_render
                if state.title is not None and "title" not in vars(page):
                    page.title = state.title
                page.present_anchor_ids = state.anchors
                if state.links is not None:
                    links = {files.get_file_from_path(uri): anchors for uri, anchors in state.links.items()}
                    page.links_to_anchors = {f: anchors for f, anchors in links.items() if f is not None}

    def remember(self, language: str, files, nav_digest: str) -> None:
        """Keep what this build made of each page (for the next build's skipped pages); when the
        navigation (every title and URL) changed, this build writes every page."""
        if self.active and self._navs.get(language) != nav_digest:
            self._every_written.add(language)
        self._navs[language] = nav_digest
        for file in files.documentation_pages():
            page = file.page
            if page is None or page.content is None:
                continue
            links = page.links_to_anchors
            self._states[(language, file.src_uri)] = PageState(
                page.markdown, page.content, page.toc, dict(page.meta), page._title_from_render,
                vars(page).get("title"), page.present_anchor_ids,
                None if links is None else {f.src_uri: dict(v) for f, v in links.items()})

    def written(self, language: str, page, entries: list | None) -> None:
        """A page this build wrote, with the search entries made from it (None: no search)."""
        self._built.add((language, page.file.src_uri))
        if entries is not None:
            self._entries[(language, page.file.src_uri)] = list(entries)

    def summary(self) -> str:
        """What the build under way wrote, for the server's log."""
        total = sum(len(pages) for pages in self._pages.values())
        written = sorted(self._built)
        names = ", ".join(f"{uri} ({language})" for language, uri in written[:6])
        more = f" and {len(written) - 6} more" if len(written) > 6 else ""
        kind = "partial rebuild" if self.active else "complete build"
        return f"{kind}: {len(written)} of {total} pages written" + (f": {names}{more}" if written else "")

    def entries_not_built(self, language: str) -> list:
        """The search entries of this language's pages that this build did not write (from the last
        build that did)."""
        if not self.active:
            return []
        found = []
        for uri in self._pages.get(language, []):
            if (language, uri) not in self._built:
                found.extend(self._entries.get((language, uri), []))
        return found


def page_alternates(file) -> list:
    """The versions of a page in other languages that mkdocs-static-i18n found (``File.alternates``:
    language -> File, the page itself among them), by their URLs."""
    found = getattr(file, "alternates", None)
    return sorted((str(language), other.url) for language, other in found.items()) if isinstance(found, dict) else []


def list_templates_once(theme, known: dict) -> None:
    """Under ``mkdocs serve``: ``theme``'s environments list its templates from ``known`` while its folders
    are unchanged, without the files in hidden folders. MkDocs lists them on every build, each language's,
    to find the theme's static files (its own filter drops every hidden path): a walk of Material's 15,000
    icons (``.icons/``) and a pattern test of each, a fifth of a rebuild that writes one page."""
    import jinja2

    from .pagecache import theme_digest

    class Listing(jinja2.BaseLoader):
        def __init__(self, loader) -> None:
            self.loader = loader

        def get_source(self, environment, template):
            return self.loader.get_source(environment, template)

        def list_templates(self) -> list[str]:
            key = theme_digest(getattr(self.loader, "searchpath", []))  # an installed theme by its path
            if key not in known:  # (each language's theme has its folders)
                if len(known) > 8:
                    known.clear()
                # less what is in hidden folders (Material's .icons), which MkDocs' listing drops anyway
                known[key] = [name for name in self.loader.list_templates()
                              if not any(part.startswith(".") for part in name.split("/"))]
            return list(known[key])

    get_env = theme.get_env

    @functools.wraps(get_env)
    def environment():
        env = get_env()
        env.loader = Listing(env.loader)
        return env

    theme.get_env = environment
