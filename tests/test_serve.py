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
