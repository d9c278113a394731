"""The MkDocs build: outputs under blocks, figures as files, failures that fail --strict."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.project import ROOT, config

pytestmark = pytest.mark.slow  # every test here runs snippets or builds a site (pytest -m 'not slow' leaves them out)

COURSE = ROOT / "site_hooks" / "course.py"

# A test site's course: the site's own (its checks and stamp, so the same policy digest) with a warm
# worker that preloads only torch (the environment probe imports it) and matplotlib (the test
# snippets plot). Each build, serve or pytest run of a test site starts a worker of its own: the
# site's whole preload (torchvision, scikit-learn...) costs 6.5 s of CPU per start, this one 3 s.
# Tests about the worker's imports pass course=COURSE.
LIGHT_COURSE = f"""\
# The site's course ({COURSE}), with a lighter warm worker (tests/test_build.py: LIGHT_COURSE).
import runpy
from pathlib import Path

_site_course = Path({str(COURSE)!r})
globals().update({{name: value for name, value in runpy.run_path(str(_site_course)).items() if name.isupper()}})
PRELOAD = ("torch", "matplotlib", "matplotlib.pyplot")
CHECKS = {{name: str(_site_course.parent / path) for name, path in CHECKS.items()}}
"""


def make_site(tmp_path: Path, page: str, snippets: dict[str, str], course: Path | None = None) -> Path:
    """A one-page site (theme mkdocs) whose page includes ``snippets``; its course is LIGHT_COURSE
    unless ``course`` names another course file."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "docs" / "index.md").write_text(textwrap.dedent(page))
    for name, code in snippets.items():
        (tmp_path / "snippets" / name).write_text(textwrap.dedent(code).lstrip())
    if course is None:
        course = tmp_path / "course.py"
        course.write_text(LIGHT_COURSE)
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent(f"""
        site_name: test
        theme: mkdocs
        plugins:
          - snippet-outputs:
              course: {course}
        markdown_extensions:
          - admonition
          - pymdownx.details
          - pymdownx.superfences
          - pymdownx.snippets:
              base_path: [snippets]
              check_paths: true
    """))
    return tmp_path


def test_a_test_sites_course_is_the_sites_policy_with_a_lighter_worker(tmp_path):
    from snippet_runner.site import course_policy, load_course

    (tmp_path / "course.py").write_text(LIGHT_COURSE)
    light, real = load_course(tmp_path / "course.py"), load_course(COURSE)
    assert course_policy(light, tmp_path).digest == course_policy(real, COURSE.parent).digest  # same checks, stamp
    assert {name: value for name, value in light.items() if name not in ("PRELOAD", "CHECKS")} == \
        {name: value for name, value in real.items() if name not in ("PRELOAD", "CHECKS")}
    assert set(light["PRELOAD"]) < set(real["PRELOAD"])


def two_languages(site: Path, zh_extra: str = "") -> None:
    """Make a site from make_site a two-language Material site (mkdocs-static-i18n, search, notebooks),
    as the real one is; ``zh_extra`` adds settings to the Chinese language's entry."""
    config = (site / "mkdocs.yml").read_text().replace("theme: mkdocs", "theme: material")
    (site / "mkdocs.yml").write_text(config.replace("plugins:\n", textwrap.dedent("""\
        plugins:
          - search
          - i18n:
              docs_structure: suffix
              fallback_to_default: false
              languages:
                - {locale: en, name: English, default: true}
                - {locale: zh, name: 中文, site_name: 测试%s}
          - mkdocs-jupyter:
              include: ['*.ipynb']
    """) % zh_extra))

def add_test_harness(site: Path) -> Path:
    """This project's test of the pages over a temporary site: test_pages.py alone (snippet_runner's
    pytest plugin, an entry point, does the rest: no conftest.py to copy)."""
    import shutil

    (site / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "test_pages.py", site / "tests" / "test_pages.py")
    return site


def build(site: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``mkdocs build`` of a test site, on the CPU, its snippet cache in the site's folder; ``env`` adds variables."""
    env = {**os.environ, "SNIPPETS_CACHE_DIR": str(site / "cache"), "SNIPPETS_DEVICE": "cpu",
           "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=site, env=env,
                          capture_output=True, text=True, timeout=600)


PAGE = """
    # Lesson

    ```python title="good.py"
    --8<-- "good.py"
    ```

    1.  An annotation of the marked line (Material code annotations).

    <!--pytest.mark.skip(reason="needs network: downloads CIFAR-10")-->
    ```python
    --8<-- "download.py"
    ```

    ??? success "Solution"

        ```python
        --8<-- "solution.py"
        ```
    """
SNIPPETS = {
    "good.py": """
        # prints and plots
        import matplotlib.pyplot as plt
        print("hello <world> & co")  # (1)!
        plt.plot([0, 1])
        plt.show()
    """,
    "download.py": "# would download\nraise SystemExit('must not run')\n",
    "solution.py": "# inside a collapsed block\nprint('solved')\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("site"), PAGE, SNIPPETS)
    result = build(site, "--strict")
    assert result.returncode == 0, result.stderr
    return site, (site / "site" / "index.html").read_text(), result.stderr


def test_output_is_escaped_under_its_block(built):
    _, html, _ = built
    assert "hello &lt;world&gt; &amp; co" in html
    assert html.index("good.py") < html.index("hello &lt;world&gt;")


def test_output_goes_after_the_code_annotations(built):
    _, html, _ = built
    assert html.index("An annotation of the marked line") < html.index('<details class="snippet-output"')


def test_figures_become_files_of_the_site(built):
    site, html, _ = built
    src = html.split('class="snippet-figure"><img src="', 1)[1].split('"', 1)[0]
    assert src.startswith("_snippet_outputs/") and src.endswith("figure-1.png")
    assert (site / "site" / src).read_bytes().startswith(b"\x89PNG")


def test_blocks_inside_collapsed_solutions_get_their_output(built):
    _, html, _ = built
    solution = html[html.index("Solution"):]
    assert "solved" in solution and "snippet-output" in solution


def test_skipped_blocks_are_labelled_and_not_run(built):
    _, html, _ = built
    assert "Not executed here: needs network: downloads CIFAR-10" in html
    boxes = re.findall(r'<details class="snippet-output.*?</details>', html, flags=re.S)
    assert len(boxes) == 2 and not any("must not run" in box for box in boxes)


def test_second_build_takes_everything_from_the_cache(built):
    site, _, first_log = built
    assert "3 executed" not in first_log and "2 executed" in first_log
    again = build(site, "--strict")
    assert "0 executed" in again.stderr and "2 from the cache" in again.stderr


def test_a_failing_snippet_fails_strict_and_is_shown_otherwise(tmp_path):
    site = make_site(tmp_path, """
        # Lesson

        Some text.

        ```python
        --8<-- "broken.py"
        ```
    """, {"broken.py": """
        # fails
        values = [1, 2, 3]
        print("before the error")
        print(values[10])
    """})
    strict = build(site, "--strict")
    assert strict.returncode != 0
    assert "docs/index.md:6: snippet broken.py at line 4 failed: IndexError: list index out of range" in strict.stderr
    # Without --strict (as under `mkdocs serve`) the site builds and the page shows the traceback.
    lenient = build(site)
    assert lenient.returncode == 0, lenient.stderr
    html = (site / "site" / "index.html").read_text()
    assert "Failed: IndexError: list index out of range" in html
    assert "before the error" in html and "Traceback (most recent call last)" in html


def test_a_missing_snippet_fails_the_build(tmp_path):
    site = make_site(tmp_path, '# Lesson\n\n```python\n--8<-- "nowhere.py"\n```\n', {})
    result = build(site, "--strict")
    assert result.returncode != 0 and "nowhere.py" in result.stderr


def test_a_reused_page_still_fails_strict_on_a_broken_link(tmp_path):
    """The warnings a page's rendering logged are logged again when its rendering is reused."""
    site = make_site(tmp_path, "# Lesson\n\nSee [the missing page](missing.md).\n", {})
    for _ in range(2):
        result = build(site, "--strict")
        assert result.returncode != 0 and "missing.md" in result.stderr, result.stderr


def test_serve_watches_the_snippets():
    watched = [Path(p).resolve() for p in config().watch]
    assert (ROOT / "snippets").resolve() in watched


def test_pages_get_a_stamp_and_a_notebook(built):
    site, html, _ = built
    assert "Verified with torch" in html and "2 code blocks executed, 1 not executed here" in html
    assert 'href="notebooks/index.ipynb" download' in html
    import nbformat

    notebook = nbformat.read(site / "site" / "notebooks" / "index.ipynb", as_version=4)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert any("hello <world> & co" in o.get("text", "") for o in outputs)
    assert any("image/png" in o.get("data", {}) for o in outputs)


def two_language_site(tmp_path: Path) -> Path:
    """A site in English and Chinese (mkdocs-static-i18n, as the real site): one page, one snippet that
    prints a new random run id each time it runs (it cannot write outside its sandbox to count its
    runs), one block not executed here."""
    english = PAGE.replace("# Lesson", "# Lesson\n\n    !!! note\n\n        An untitled note.")
    chinese = (english.replace("# Lesson", "# 课程").replace("An untitled note.", "一条没有标题的注意。")
               .replace("An annotation of the marked line", "标注所在行的说明")
               .replace("needs network: downloads CIFAR-10", "需要网络：下载 CIFAR-10")
               .replace('"Solution"', '"参考答案"'))
    snippets = {**SNIPPETS, "good.py": SNIPPETS["good.py"] + "    print('run', __import__('uuid').uuid4().hex)\n"}
    tmp_path.mkdir()
    site = make_site(tmp_path, english, snippets)
    (site / "docs" / "index.zh.md").write_text(textwrap.dedent(chinese))
    two_languages(site, zh_extra=", admonition_translations: {note: 注意}")
    return site


@dataclass
class Built:
    """One build of a site: its log, and what it wrote (read at once: the next build overwrites it)."""

    result: subprocess.CompletedProcess
    files: dict[str, bytes]
    page_cache_records: int  # records in the page cache's English group after the build

    def text(self, path: str) -> str:
        return self.files[path].decode()


def build_and_read(site: Path, *args: str, env: dict[str, str] | None = None) -> Built:
    result = build(site, *args, env=env)
    files = site_files(site / "site") if (site / "site").is_dir() else {}
    return Built(result, files, len(list((site / "pages" / "en").glob("*.json"))))


class Background:
    """A function run in a thread of its own (a daemon: Ctrl-C does not wait for it); ``result()`` waits."""

    def __init__(self, function, *args) -> None:
        import threading

        self._box: dict = {}
        self._thread = threading.Thread(target=self._run, args=(function, *args), daemon=True)
        self._thread.start()

    def _run(self, function, *args) -> None:
        try:
            self._box["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - handed to the test that waits for it
            self._box["error"] = error

    def result(self):
        self._thread.join()
        if "error" in self._box:
            raise self._box["error"]
        return self._box["value"]


@pytest.fixture(scope="module", autouse=True)
def _two_language_builds_started(request, tmp_path_factory) -> Background | None:
    """The two-language site's five builds start with this module, in a thread, when a selected test
    needs them: each build is mostly one Python thread, so they run beside the other tests' builds (the
    one-page sites above and below) on a second core instead of after them."""
    if any(item.module is request.module and "two_language_builds" in item.fixturenames
           for item in request.session.items):
        return Background(_build_two_languages, tmp_path_factory.mktemp("two-languages"))
    return None


@pytest.fixture(scope="module")
def two_language_builds(_two_language_builds_started) -> dict[str, Built]:
    """One two-language site built five times in a row, as an author would: cold (nothing cached), warm,
    warm without the page cache, fresh (SNIPPETS_FRESH=1: the cache on disk ignored), then after an
    edit of the English page's prose. Each test below checks one of the builds (or compares two): one
    site and two worker starts (the cold and the fresh build) instead of a site and a worker per test."""
    return _two_language_builds_started.result()


def _build_two_languages(folder: Path) -> dict[str, Built]:
    site = two_language_site(folder / "site")
    # One build date for all five: the sitemap's <lastmod> is the day of the build, so two builds on
    # either side of midnight differ there (seen once: a CI run that crossed midnight UTC).
    same_day = {"SOURCE_DATE_EPOCH": str(int(time.time()))}
    builds = {"cold": build_and_read(site, "--strict", env=same_day),
              "warm": build_and_read(site, "--strict", env=same_day)}
    config = (site / "mkdocs.yml").read_text()
    (site / "mkdocs.yml").write_text(config.replace("  - snippet-outputs:\n",
                                                    "  - snippet-outputs:\n      page_cache: false\n"))
    builds["no page cache"] = build_and_read(site, "--strict", env=same_day)
    (site / "mkdocs.yml").write_text(config)
    builds["fresh"] = build_and_read(site, "--strict", env={**same_day, "SNIPPETS_FRESH": "1"})
    page = site / "docs" / "index.md"
    page.write_text(page.read_text().replace("An untitled note.", "An edited note."))
    builds["edited"] = build_and_read(site, env=same_day)
    return builds


@pytest.mark.parametrize("which", ["cold", "fresh"])
def test_two_languages_run_each_snippet_once_and_speak_the_page_language(two_language_builds, which):
    """Snippets run once per build whatever the number of languages: the second language takes every
    result from the first (also with SNIPPETS_FRESH=1, which ignores the cache on disk)."""
    built = two_language_builds[which]
    result = built.result
    assert result.returncode == 0, result.stderr
    assert "snippets (en): 2 executed" in result.stderr and "snippets (zh): 0 executed" in result.stderr

    english, chinese = built.text("index.html"), built.text("zh/index.html")
    assert run_ids(english) == run_ids(chinese) and len(run_ids(english)) == 1, "good.py ran more than once"
    if which == "fresh":  # it ran again: a run id of its own, not the cold build's
        assert run_ids(english) != run_ids(two_language_builds["cold"].text("index.html"))
    assert "hello &lt;world&gt; &amp; co" in english and "hello &lt;world&gt; &amp; co" in chinese
    assert "<summary>Output" in english and "<summary>输出" in chinese and "<summary>Output" not in chinese
    assert "Not executed here: needs network" in english and "未在此执行：需要网络：下载 CIFAR-10" in chinese
    assert "Verified with torch" in english and "已验证：torch" in chinese and "已执行 2 个代码块，1 个未在此执行" in chinese
    assert ">下载 Notebook</a>" in chinese and ">预览 Notebook</a>" in chinese
    assert 'href="notebooks/index.ipynb" download' in chinese  # zh/notebooks/..., relative to /zh/
    # one run's figure: the English page shows it as drawn, the Chinese page its Chinese twin (figures.py)
    english_figure, chinese_figure = (re.search(r'snippet-figure"><img src="(?:\.\./)?([^"]+)"', html)[1]
                                      for html in (english, chinese))
    assert chinese_figure == english_figure.replace(".png", ".zh.png"), (english_figure, chinese_figure)
    # the untitled note gets its title in the page's language (mkdocs-static-i18n), outputs still placed
    assert "注意" in chinese and "标注所在行的说明" in chinese

    import nbformat

    zh_notebook = nbformat.reads(built.text("zh/notebooks/index.ipynb"), as_version=4)
    prose = "".join(c.source for c in zh_notebook.cells if c.cell_type == "markdown")
    assert "标注所在行的说明" in prose and "> **注意**" in prose and "来自《测试》的课程 [课程](zh/)" in prose
    assert "这里的 torch" in zh_notebook.cells[1].source  # the setup cell speaks Chinese too
    en_notebook = nbformat.reads(built.text("notebooks/index.ipynb"), as_version=4)
    assert "标注所在行的说明" not in "".join(c.source for c in en_notebook.cells)
    assert "zh/notebooks/index.html" in built.files  # the Chinese preview page


def test_notebook_previews_render_through_mkdocs_jupyter_out_of_search(two_language_builds):
    built = two_language_builds["cold"]
    assert built.result.returncode == 0, built.result.stderr
    preview = built.text("notebooks/index.html")  # index.md's notebook: notebooks/
    assert "hello &lt;world&gt; &amp; co" in preview and "jp-Notebook" in preview  # rendered by nbconvert
    assert 'href="notebooks/">Preview the notebook</a>' in built.text("index.html")
    import json

    index = json.loads(built.text("search/search_index.json"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert {"", "zh/"} <= locations and not any("notebooks/" in loc for loc in locations), locations


def run_ids(html: str) -> set[str]:
    return set(re.findall(r"run ([0-9a-f]{32})", html))


def test_a_second_two_language_build_runs_nothing(two_language_builds):
    first, again = two_language_builds["cold"], two_language_builds["warm"]
    assert again.result.returncode == 0, again.result.stderr
    assert "snippets (en): 0 executed" in again.result.stderr and "snippets (zh): 0 executed" in again.result.stderr
    assert run_ids(again.text("index.html")) == run_ids(first.text("index.html"))
    assert run_ids(again.text("zh/index.html")) == run_ids(first.text("index.html"))


def test_a_build_waits_for_every_snippet(built):
    """Pending outputs are mkdocs serve's alone: a build shows every output."""
    _, html, _ = built
    assert "snippet-pending" not in html and "Output pending" not in html


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".gz")}


def test_unchanged_pages_are_reused_and_the_site_is_the_same(two_language_builds):
    """A second build takes unchanged pages from the page cache (rendered Markdown, templated HTML,
    search entries, notebooks): every file it writes is the file a build without that cache writes."""
    first = two_language_builds["cold"]
    assert first.page_cache_records > 0, "the page cache is empty after a build"
    for other in ("warm", "no page cache"):
        again = two_language_builds[other]
        assert again.result.returncode == 0, again.result.stderr
        assert again.files.keys() == first.files.keys(), other
        assert [path for path in first.files if again.files[path] != first.files[path]] == [], other


def test_an_edited_page_is_made_again(two_language_builds):
    edited = two_language_builds["edited"]
    assert edited.result.returncode == 0, edited.result.stderr
    assert "An edited note." in edited.text("index.html")
    assert "An edited note." in edited.text("search/search_index.json")
    assert "An untitled note." not in edited.text("index.html")
