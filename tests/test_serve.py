"""``mkdocs serve`` as an author meets it: pages at once with pending outputs, edits shown quickly.

Real processes: a temporary two-language site (Material, mkdocs-static-i18n, the snippet-outputs
plugin) served on a free loopback port, edited on disk, and read back over HTTP until the page
shows the change.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from snippet_runner.serving import Served
from tests.test_build import make_site, two_languages

pytestmark = pytest.mark.slow  # every test here starts a server that runs snippets

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
    assert served.process.returncode is not None


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


def test_serve_starts_from_the_caches_of_a_build(tmp_path):
    """After a build, a serve takes every output and every page from the caches: nothing pending."""
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


def test_a_rebuild_makes_only_what_changed_in_both_languages(tmp_path):
    """A serve rebuild writes only the pages a change touches, in both languages: the edited page, the
    pages that include an edited snippet; the others stay as written (and in the search index); a new
    title (the navigation) writes every page; a page every page reads (read_by_every_page) too. A build
    afterwards is complete."""
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
    with serve(site) as served:
        for path, text in (("", "slow done"), ("zh/", "slow done"), ("third/", "third done"),
                           ("zh/third/", "third done")):
            served.wait_for(path, text, timeout=300)
        time.sleep(2)  # the rebuilds the background results asked for are over
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
        assert "Aborted" not in served.log() and "dirty" not in served.log()

    done = build(site, "--strict")
    assert done.returncode == 0, done.stderr
    built = {str(p.relative_to(site / "site")) for p in (site / "site").rglob("index.html")}
    assert built >= {"index.html", "zh/index.html", "other/index.html", "zh/other/index.html", "third/index.html",
                     "zh/third/index.html", "shared/index.html", "zh/shared/index.html"}
    assert "third edited" in (site / "site" / "third" / "index.html").read_text()
    assert "Other prose, edited." in (site / "site" / "other" / "index.html").read_text()
