"""The offline archive: the site built with mkdocs-offline.yml opens from the file system and searches.

The build is tests/conftest.py's ``offline_site`` (once per test run; where the browser tests run too, at
the same time as their build of the whole site: two builds of one Python thread each on two cores).
TEST_OFFLINE_SITE_DIR=<folder> checks an offline site built already (CI builds the one it deploys once,
and the browser tests check that one) instead of building another. The offline site has both languages,
as the served site has: mkdocs-offline.yml inherits mkdocs.yml's plugins (a mapping, which INHERIT
merges) and adds Material's offline plugin, so the Chinese pages are zh/X.html, with Chinese menus and
a language selector that leads between X.html and zh/X.html."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.test_browser import first_search_result

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser


def test_the_offline_site_has_plain_file_links_its_search_index_and_notebooks(offline_site):
    assert (offline_site / "stage-1" / "tensors.html").exists()  # no directory URLs: opens as a file
    assert (offline_site / "search" / "search_index.js").exists()  # search without fetch()
    assert (offline_site / "notebooks" / "stage-1" / "tensors.ipynb").exists()


def test_a_page_opened_from_the_file_system_searches(offline_site):
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page()
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file://", "data:", "blob:"))
                else None)
        page.goto((offline_site / "stage-1" / "tensors.html").as_uri(), wait_until="load")
        href = first_search_result(page, "broadcasting")
        assert "broadcasting" in href and href.split("?")[0].split("#")[0].endswith(".html")
        browser.close()
    assert outside == [], f"the offline site requested {outside}"


def test_the_chinese_pages_are_under_zh_speak_chinese_and_link_their_english_twins(offline_site):
    # Before mkdocs-offline.yml inherited mkdocs-static-i18n, they were stage-1/tensors.zh.html with English menus.
    chinese = offline_site / "zh" / "stage-1" / "tensors.html"
    assert chinese.exists() and not (offline_site / "stage-1" / "tensors.zh.html").exists()
    text = chinese.read_text(encoding="utf-8")
    assert '<html lang="zh"' in text and "PyTorch 从零到精通" in text
    assert '<a href="../../stage-1/tensors.html" hreflang="en"' in text
    english = (offline_site / "stage-1" / "tensors.html").read_text(encoding="utf-8")
    assert '<a href="../zh/stage-1/tensors.html" hreflang="zh"' in english
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page()
        page.goto(chinese.as_uri(), wait_until="load")
        href = first_search_result(page, "张量")
        assert "/zh/" in href and href.split("?")[0].split("#")[0].endswith(".html"), href
        browser.close()
