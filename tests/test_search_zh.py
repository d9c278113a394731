"""Chinese search puts the lesson that teaches a term first, for the ten most important glossary terms.

A real browser (headless Chromium through Playwright) against the built site served on loopback,
as in tests/test_browser.py (whose browser fixture and search helper this reuses). TEST_SITE_DIR=<folder>
serves a site you built already.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.project import ROOT, docs_dir
from tests.test_browser import browser, first_search_result  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

# glossary term (its Chinese rendering) -> the lesson that teaches it
TEN = [
    ("张量", "stage-1/tensors/"),
    ("广播", "stage-1/broadcasting/"),
    ("自动求导", "stage-2/autograd/"),
    ("反向传播", "stage-2/autograd/"),
    ("混合精度", "stage-4/advanced-training/"),
    ("优化器", "stage-2/optimizers/"),
    ("卷积", "stage-3/cnn/"),
    ("迁移学习", "stage-4/transfer-learning/"),
    ("注意力", "stage-4/transformers/"),
    ("量化", "stage-4/deployment/"),
]


def test_the_ten_are_glossary_terms_and_real_lessons():
    from site_hooks.glossary import parse_table

    renderings = {row["zh"] for row in parse_table((docs_dir() / "glossary.zh.md").read_text(encoding="utf-8"))}
    for term, lesson in TEN:
        assert term in renderings, term
        page = docs_dir() / (lesson.rstrip("/") + ".zh.md")
        assert page.is_file(), page
        assert term in page.read_text(encoding="utf-8"), (term, page)


@pytest.fixture(scope="module")
def site_url(served_site):
    """The Chinese site's root (``zh/`` of a two-language build; the root of a BUILD_ONLY_LOCALE=zh one)."""
    folder, url = served_site
    return url + ("zh/" if (folder / "zh" / "index.html").is_file() else "")


@pytest.fixture(scope="module")
def search_page(browser, site_url):  # noqa: F811 - the browser fixture imported above
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url, wait_until="networkidle")
    yield page
    context.close()


@pytest.mark.parametrize("term, lesson", TEN, ids=[t for t, _ in TEN])
def test_chinese_search_puts_the_teaching_lesson_first(search_page, term, lesson):
    first = first_search_result(search_page, term)
    results = [a.get_attribute("href") for a in search_page.locator(".md-search-result__item > a").all()]
    assert urlparse(first or "").path.endswith("/" + lesson), \
        f"{term}: first result {first}, expected {lesson}; results: {results[:6]}"


def test_the_search_worker_override_is_the_installed_one_with_the_segmentation_fix():
    """overrides/ carries Material's search worker with one fix: its Chinese query segmentation
    (search/query/segment in Material's source) never tried the whole query as an index token
    (``j < query.length``), so 反向传播 was searched as 反向* 传* and 迁移学习 as 迁移* 学*. With
    ``<=`` the whole term is found when the index has it (jieba keeps glossary terms whole:
    docs/assets/search/jieba-terms.txt). A Material upgrade renames the worker: this test says so."""
    import material

    installed = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "workers"
    (original,) = installed.glob("search.*.min.js")
    override = ROOT / "overrides" / "assets" / "javascripts" / "workers" / original.name
    assert override.is_file(), f"Material's worker is now {original.name}: copy it to overrides/ and re-apply the fix"
    bug, fix = "for(let o=s+1;o<t.length;o++)", "for(let o=s+1;o<=t.length;o++)"
    assert original.read_text(encoding="utf-8").count(bug) == 1
    assert override.read_text(encoding="utf-8") == original.read_text(encoding="utf-8").replace(bug, fix)
    assert [p.name for p in override.parent.iterdir()] == [original.name]
