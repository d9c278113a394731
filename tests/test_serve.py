"""``mkdocs serve`` as an author meets it: pages at once with pending outputs, edits shown quickly.

Real processes (the tests marked slow): a temporary two-language site (Material, mkdocs-static-i18n,
the snippet-outputs plugin) served on a free loopback port, edited on disk, and read back over HTTP
until the page shows the change. The quick tests drive the parts on their own: the background runs'
environment probe (snippet_runner/background.py), which pages a rebuild marks
(snippet_runner/partial.py), and the wait for a server with no rebuild under way (serving.py).
"""

from __future__ import annotations

import logging
import textwrap
import threading
import time
import types
from pathlib import Path

import pytest

from snippet_runner.serving import Served
from tests.test_build import make_site, two_languages

slow = pytest.mark.slow  # a test that starts a server that runs snippets

PAGE = """
    # Lesson

    Some prose.

    ```python
    --8<-- "slow.py"
    ```

    ```python
    --8<-- "quick.py"
    ```
    """
SNIPPETS = {
    "slow.py": "# takes a while\nimport time\ntime.sleep(4)\nprint('slow ' + 'done')\n",
    "quick.py": "# at once\nprint('quick ' + 'done')\n",
}


def served_site(tmp_path: Path) -> Path:
    site = make_site(tmp_path, PAGE, SNIPPETS)
    (site / "docs" / "index.zh.md").write_text(textwrap.dedent(PAGE).replace("# Lesson", "# 课程")
                                               .replace("Some prose.", "一些文字。"))
    two_languages(site)
    return site


def serve(site: Path) -> Served:
    return Served(site, {"SNIPPETS_CACHE_DIR": str(site / "cache"), "SNIPPETS_DEVICE": "cpu"})


@slow
def test_pages_are_served_before_their_snippets_ran_and_fill_in(tmp_path):
    """A first serve (nothing cached) shows each page at once, its outputs marked pending in the
    page's language; the snippets run in the background and the pages get their outputs."""
    site = served_site(tmp_path)
    with serve(site) as served:
        served.wait_for("", "snippet-pending", timeout=120)
        english, chinese = served.get(""), served.get("zh/")
        assert "Output pending: slow.py is running" in english and "slow done" not in english
        assert "输出尚未就绪：slow.py 正在运行" in chinese and "Output pending" not in chinese
        served.wait_for("", "slow done", timeout=300)
        served.wait_for("zh/", "slow done", timeout=60)
        for page in (served.get(""), served.get("zh/")):
            assert "snippet-pending" not in page and "quick done" in page
            assert "notebooks/index.ipynb" in page  # the notebook comes once every output is there
    assert served.process.returncode == 0, served.log()[-3000:]  # Ctrl-C ended it, in time, without an error


@slow
def test_an_edit_shows_quickly(tmp_path):
    """Prose: the page shows the edit after one cheap rebuild. A snippet: its new output, once it ran."""
    site = served_site(tmp_path)
    with serve(site) as served:
        served.wait_for("", "slow done", timeout=300)
        served.wait_for("zh/", "slow done", timeout=60)
        page = site / "docs" / "index.md"
        started = time.perf_counter()
        page.write_text(page.read_text().replace("Some prose.", "Some prose, edited."))
        seconds = served.wait_for("", "Some prose, edited.", since=started, timeout=60)
        assert "slow done" in served.get("")  # the outputs stay: nothing ran again
        assert seconds < 30, f"a prose edit took {seconds:.1f} s to show"

        snippet = site / "snippets" / "quick.py"
        started = time.perf_counter()
        snippet.write_text("# at once\nprint('quick ' + 'edited')\n")
        seconds = served.wait_for("", "quick edited", since=started, timeout=120)
        assert "slow done" in served.get("") and "snippet-pending" not in served.get("")
        assert seconds < 60, f"a snippet edit took {seconds:.1f} s to show"


@slow
def test_serve_starts_from_the_caches_of_a_build(tmp_path):
    """After a build, a serve takes every output from the cache: nothing executed, nothing pending."""
    from tests.test_build import build

    site = served_site(tmp_path)
    assert build(site).returncode == 0
    with serve(site) as served:
        served.wait_for("", "</html>", timeout=120)
        page = served.get("")
        assert "slow done" in page and "snippet-pending" not in page
    assert "0 executed" in served.log() and "pending" not in served.log()


def _written(site_dir: Path) -> dict[str, int]:
    """Every page of the served site, by its path there, and when it was last written."""
    return {str(p.relative_to(site_dir)): p.stat().st_mtime_ns for p in site_dir.rglob("index.html")}


def _changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, mtime in after.items() if before.get(path) != mtime}


def _selector_link(page: str, language: str) -> str | None:
    """Where the language selector of a page leads for ``language`` (Material's md-select__link)."""
    import re

    match = re.search(rf'<a href="([^"]*)" hreflang="{language}" class="md-select__link"', page)
    return match and match[1]


def _wait_for_log(served: Served, text: str, timeout: float = 120, since: int = 0) -> None:
    """Until the server's log (from character ``since`` on) says ``text``."""
    deadline = time.perf_counter() + timeout
    while text not in served.log()[since:]:
        assert time.perf_counter() < deadline, f"{text!r} not in the server's log:\n{served.log()[-3000:]}"
        time.sleep(0.1)


@slow
def test_a_rebuild_makes_only_what_changed_in_both_languages(tmp_path):
    """A serve rebuild writes only the pages a change touches, in both languages: the edited page, the
    pages that include an edited snippet (their notebook previews follow); the others stay as written
    (and in the search index); a new title (the navigation) writes every page; a page every page reads
    (read_by_every_page) too; a translation added, the page whose language selector leads to it. A
    rebuild that fails makes the next one complete. A build afterwards is complete."""
    import json
    import re

    from tests.test_build import build

    site = served_site(tmp_path)
    for name, lang_text in (("other", "Other prose."), ("third", "Third prose.")):
        include = '\n```python\n--8<-- "third.py"\n```\n' if name == "third" else ""
        (site / "docs" / f"{name}.md").write_text(f"# {name.title()}\n\n{lang_text}\n{include}")
        (site / "docs" / f"{name}.zh.md").write_text(f"# {name.title()} 中文\n\n一些文字。\n{include}")
    (site / "snippets" / "third.py").write_text("print('third ' + 'done')\n")
    config = (site / "mkdocs.yml").read_text()
    (site / "mkdocs.yml").write_text(config.replace(f"course: {site / 'course.py'}\n",
                                                    f"course: {site / 'course.py'}\n"
                                                    "      read_by_every_page: [shared.md]\n"))
    (site / "docs" / "shared.md").write_text("# Shared\n\nRead by every page.\n")
    (site / "docs" / "shared.zh.md").write_text("# Shared 中文\n\n每页都读。\n")
    (site / "docs" / "fourth.md").write_text("# Fourth\n\nNot translated yet.\n")
    with serve(site) as served:
        for path, text in (("", "slow done"), ("zh/", "slow done"), ("third/", "third done"),
                           ("zh/third/", "third done")):
            served.wait_for(path, text, timeout=300)
        served.settled()  # the rebuilds the background results asked for are over
        folder = Path(re.search(r"Building 'en' documentation to directory: (\S+)", served.log())[1])
        pages = _written(folder)
        assert {"index.html", "zh/index.html", "other/index.html", "zh/other/index.html"} <= set(pages)

        other = site / "docs" / "other.md"
        started = time.perf_counter()
        other.write_text(other.read_text().replace("Other prose.", "Other prose, edited."))
        seconds = served.wait_for("other/", "Other prose, edited.", since=started, timeout=60)
        assert _changed(pages, _written(folder)) == {"other/index.html"}, served.log()[-2000:]
        assert re.search(r"snippet-outputs: partial rebuild: 1 of 1\d pages written: other\.md \(en\)\n", served.log())
        assert "slow done" in served.get("") and "third done" in served.get("third/")
        index = json.loads((folder / "search" / "search_index.json").read_text())  # both languages' pages
        assert {"", "other/", "third/", "shared/", "zh/", "zh/other/", "zh/third/", "zh/shared/"} <= \
            {d["location"].split("#")[0] for d in index["docs"]}
        assert any("Other prose, edited." in d["text"] for d in index["docs"])
        assert not any("Other prose." in d["text"] for d in index["docs"])
        assert seconds < 30, f"a prose edit took {seconds:.1f} s to show"

        pages = _written(folder)
        (site / "snippets" / "third.py").write_text("print('third ' + 'edited')\n")
        served.wait_for("third/", "third edited", timeout=120)
        served.wait_for("zh/third/", "third edited", timeout=60)
        assert _changed(pages, _written(folder)) == {"third/index.html", "zh/third/index.html"}
        served.wait_for("notebooks/third.ipynb", "third edited", timeout=60)  # the next rebuild's
        for preview in ("notebooks/third/", "zh/notebooks/third/"):  # made by that rebuild too
            assert "third edited" in served.get(preview), preview

        pages = _written(folder)
        third = site / "docs" / "third.md"
        third.write_text(third.read_text().replace("# Third", "# Third, renamed"))
        served.wait_for("other/", "Third, renamed", timeout=60)  # in the navigation of every page
        assert _changed(pages, _written(folder)) >= {"index.html", "other/index.html", "third/index.html"}

        pages = _written(folder)
        shared = site / "docs" / "shared.md"
        shared.write_text(shared.read_text().replace("Read by every page.", "Read by every page, edited."))
        served.wait_for("shared/", "Read by every page, edited.", timeout=60)
        assert _changed(pages, _written(folder)) == set(pages)

        pages = _written(folder)
        (site / "docs" / "fourth.zh.md").write_text("# Fourth 中文\n\n第四页。\n")
        served.wait_for("zh/fourth/", "第四页", timeout=60)
        # fourth/ alone of the English pages: its selector now has a page to lead to (what it shows:
        # test_a_page_s_language_selector_leads_to_a_translation_added_since_the_last_build)
        assert {p for p in _changed(pages, _written(folder)) if not p.startswith("zh/")} == {"fourth/index.html"}
        assert "Aborted" not in served.log() and "dirty" not in served.log()

        pages = _written(folder)
        other.write_text(other.read_text() + '\n```python\n--8<-- "missing.py"\n```\n')
        _wait_for_log(served, "An error happened during the rebuild")
        failed_at = len(served.log())
        other.write_text(other.read_text().replace('--8<-- "missing.py"', '--8<-- "third.py"'))
        served.wait_for("other/", "third edited", timeout=120)
        assert re.search(r"snippet-outputs: complete build: (\d+) of \1 pages written", served.log()[failed_at:])
        assert _changed(pages, _written(folder)) >= set(pages)  # (and other.md's notebook preview, new)

    done = build(site, "--strict")
    assert done.returncode == 0, done.stderr
    built = {str(p.relative_to(site / "site")) for p in (site / "site").rglob("index.html")}
    assert built >= {"index.html", "zh/index.html", "other/index.html", "zh/other/index.html", "third/index.html",
                     "zh/third/index.html", "shared/index.html", "zh/shared/index.html"}
    assert "third edited" in (site / "site" / "third" / "index.html").read_text()
    assert "Other prose, edited." in (site / "site" / "other" / "index.html").read_text()


@slow
def test_a_serve_whose_snippets_cannot_run_says_why_and_keeps_still(tmp_path):
    """A probe of the snippets' environment that fails (here: --device cuda where no GPU is visible)
    is in the server's log, and asks for no rebuild. It asked for one that failed the same way and
    asked again: 57 rebuilds in 30 s, each reloading the author's browser, and no word of why."""
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is visible here: the probe asked for one succeeds, and this test needs it to fail")
    site = served_site(tmp_path)
    with Served(site, {"SNIPPETS_CACHE_DIR": str(site / "cache"), "SNIPPETS_DEVICE": "cuda"}) as served:
        served.wait_for("", "snippet-pending", timeout=120)
        _wait_for_log(served, "no CUDA GPU is visible")
        served.settled(quiet=5, timeout=60)
        assert served.log().count("Detected file changes") == 0, served.log()[-3000:]
        assert "Output pending: slow.py is running" in served.get("")


@slow
def test_a_course_edit_while_serving_runs_the_snippets_again(tmp_path):
    """The course's policy (its checks, its stamp) is part of what a cached result is valid under: after an
    edit to it (mkdocs.yml watches site_hooks/), mkdocs build runs every snippet again; so does serve."""
    import re

    from tests.test_build import build

    site = served_site(tmp_path)
    (site / "mkdocs.yml").write_text((site / "mkdocs.yml").read_text() + "watch: [course.py]\n")
    assert build(site).returncode == 0  # every result in the cache, under the course as it is
    with serve(site) as served:
        served.wait_for("", "slow done", timeout=120)
        served.settled()
        edited = len(served.log())
        course = site / "course.py"
        course.write_text(course.read_text() + 'STAMP = ("torch", "numpy")\n')
        _wait_for_log(served, "Reloading browsers", since=edited)
        served.settled()
        assert not re.search(r"snippets \(en\): .* 2 from the cache", served.log()[edited:]), served.log()[edited:]


@slow
def test_a_page_s_language_selector_leads_to_a_translation_added_since_the_last_build(tmp_path):
    """A page's language selector leads to its translation once there is one, as in a build from nothing
    (mkdocs serve's rebuild makes the page again: test_a_rebuild_makes_only_what_changed_in_both_languages)."""
    from tests.test_build import build

    site = make_site(tmp_path, "# Lesson\n\nSome prose.\n", {})
    (site / "docs" / "index.zh.md").write_text("# 课程\n\n一些文字。\n")
    two_languages(site)
    (site / "docs" / "fourth.md").write_text("# Fourth\n\nNot translated yet.\n")
    assert build(site).returncode == 0
    page = site / "site" / "fourth" / "index.html"
    assert _selector_link(page.read_text(), "zh") == "/zh/"  # the Chinese home page: no Chinese fourth page yet
    (site / "docs" / "fourth.zh.md").write_text("# Fourth 中文\n\n第四页。\n")
    done = build(site)
    assert done.returncode == 0, done.stderr
    assert _selector_link(page.read_text(), "zh") == "../zh/fourth/"


# -- the parts, without a server -------------------------------------------------------------------


class _Probed:
    """A session whose environment probe fails ``failures`` times, then answers."""

    class runner:  # noqa: N801 - what Background calls on a session's runner
        @staticmethod
        def warm_up() -> None:
            pass

        @staticmethod
        def cancel() -> None:
            pass

    def __init__(self, failures: int) -> None:
        self.failures, self.probes = failures, 0

    @property
    def environment(self) -> dict:
        self.probes += 1
        if self.probes <= self.failures:
            raise RuntimeError("probing the snippet environment timed out")
        return {"device": "cpu"}


def test_a_failed_environment_probe_is_logged_asks_for_no_rebuild_and_is_tried_again():
    """Under mkdocs serve a probe that fails (a worker that cannot start, a timeout on a loaded
    machine) once asked for a rebuild, which found the environment unknown and asked again: a rebuild
    and a reload of the author's browser every few seconds, outputs pending for ever, the error never
    shown. Now it is logged, asks for nothing, and the next rebuild that asks probes again."""
    from snippet_runner.background import Background

    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = records.append
    logger = logging.getLogger("mkdocs.plugins.snippet_outputs")
    logger.addHandler(handler)
    asked = threading.Event()
    calls: list = []

    def notify(key):
        calls.append(key)
        asked.set()

    session = _Probed(failures=2)
    background = Background(session, notify, jobs=1)
    try:
        assert not background.environment_known(wait=5)  # the first probe failed
        background.start()  # the first build is out
        background.rebuild_when_known()  # what a build that found it unknown asks: probed again, failing again
        assert not asked.wait(1.5), "a failed probe asked for a rebuild (which would fail the same way)"
        assert session.probes == 2 and not background.environment_known(wait=0)
        assert len([r for r in records if "timed out" in r.getMessage()]) == 2, "a failure was not logged"

        background.rebuild_when_known()  # the author's next edit: its rebuild asks, and the probe answers
        assert asked.wait(10) and calls == [None] and session.probes == 3
        assert background.environment_known(wait=0)
    finally:
        logger.removeHandler(handler)
        background.close()


class _File:
    def __init__(self, src_uri: str, alternates: dict[str, str] | None = None) -> None:
        self.src_uri = src_uri
        self.alternates = {language: types.SimpleNamespace(url=url) for language, url in (alternates or {}).items()}
        self.page = types.SimpleNamespace(markdown="# x", content="<h1>x</h1>", toc=[], meta={}, _title_from_render="x",
                                          present_anchor_ids=set(), links_to_anchors=None)

    def is_modified(self) -> bool:  # MkDocs' test: the site's copy is older
        return False


class _Files(list):
    def documentation_pages(self):
        return list(self)

    def get_file_from_path(self, uri):
        return next((f for f in self if f.src_uri == uri), None)


def _partial_build(partial, files: _Files) -> set[str]:
    """One serve rebuild of the English pages through Partial (as the plugin drives it): the pages it makes."""
    partial._begin(dirty=False)  # what the build function install() puts in place calls first
    partial.mark("en", files, {f.src_uri: "the same text, includes and outputs" for f in files}, "the same site")
    made = {f.src_uri for f in files if partial.will_write("en", f)}
    partial.restore("en", files)
    partial.remember("en", files, "the same navigation")
    partial.finished()
    return made


def test_a_translation_added_or_removed_while_serving_makes_the_page_linking_it_again():
    """mkdocs-static-i18n links a page to its versions in the other languages (the language selector):
    adding other.zh.md changes no English file, text or navigation, only other.md's alternates. The
    rebuild wrote no English page, and other/ kept a selector that led to the Chinese home page."""
    from snippet_runner.partial import Partial

    partial = Partial()
    assert _partial_build(partial, _Files([_File("index.md", {"en": ""}), _File("other.md", {"en": "other/"})])) == \
        {"index.md", "other.md"}  # the first build: complete
    assert _partial_build(partial, _Files([_File("index.md", {"en": ""}), _File("other.md", {"en": "other/"})])) == set()
    translated = _Files([_File("index.md", {"en": ""}), _File("other.md", {"en": "other/", "zh": "zh/other/"})])
    assert _partial_build(partial, translated) == {"other.md"}
    assert _partial_build(partial, _Files([_File("index.md", {"en": ""}), _File("other.md", {"en": "other/"})])) == \
        {"other.md"}  # removed again


def test_settled_waits_for_the_rebuild_the_server_detected(tmp_path):
    """Served.settled returns once every change the server detected was rebuilt and the log stayed quiet."""
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n")
    served = Served(tmp_path)
    served._log.write(b"INFO    -  Serving on http://127.0.0.1:8000/\nINFO    -  Detected file changes\n")
    with pytest.raises(TimeoutError):
        served.settled(quiet=0.2, timeout=1.0)  # a rebuild under way
    served._log.write(b"INFO    -  Reloading browsers\n")
    started = time.perf_counter()
    served.settled(quiet=0.2, timeout=5)
    assert time.perf_counter() - started < 2
