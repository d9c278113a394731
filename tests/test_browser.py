"""The built site in a real browser (headless Chromium through Playwright), served on loopback.

These run last (see conftest.py): by then the other tests have filled the snippet cache, so
building the site here costs seconds. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.project import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    site = tmp_path_factory.mktemp("browser-site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)], cwd=ROOT, env=env,
                   check=True, timeout=3000)
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site_url, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
            and r.url.split(":")[0] in ("http", "https") and page.problems.append(f"external request: {r.url}"))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=False)
    context.close()


@pytest.mark.parametrize("path", ["", "stage-1/tensors/", "stage-2/autograd/", "stage-5/gan/", "checklist/"])
def test_pages_render_without_errors_or_external_requests(page, site_url, path):
    page.goto(site_url + path, wait_until="networkidle")
    assert page.locator("h1").first.is_visible()
    assert page.problems == []


def test_outputs_and_figures_are_visible(page, site_url):
    page.goto(site_url + "stage-1/tensors/", wait_until="networkidle")
    output = page.locator("details.snippet-output").first
    assert output.is_visible() and "from a list:" in output.inner_text()
    figure = page.locator(".snippet-figure img").first
    figure.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=figure.element_handle())
    assert "Verified with torch" in page.locator(".verified-stamp").inner_text()


def test_copy_button_copies_the_whole_snippet(page, site_url):
    page.goto(site_url + "stage-1/tensors/", wait_until="networkidle")
    block = page.locator("div.highlight").first
    block.hover()
    block.locator("button[title='Copy to clipboard']").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = (ROOT / "snippets" / "stage1" / "tensors_creation.py").read_text()
    assert copied.strip() == expected.strip()


def test_search_finds_a_lesson(page, site_url):
    page.goto(site_url, wait_until="networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    result = page.locator(".md-search-result__item a").first
    # The search worker indexes the site in the background after load; a query typed before it is
    # ready is not answered, so type it again until the index answers (a slow CI machine needs that).
    for _ in range(6):
        search.fill("")
        search.press_sequentially("broadcasting")
        try:
            result.wait_for(timeout=10000)
            break
        except playwright_api.TimeoutError:
            continue
    assert "broadcasting" in result.get_attribute("href")


def test_dark_mode_toggle(page, site_url):
    page.goto(site_url, wait_until="networkidle")
    before = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== '{before}'")
    assert {before, page.locator("body").get_attribute("data-md-color-scheme")} == {"default", "slate"}


def test_checklist_ticks_persist_after_reload(page, site_url):
    page.goto(site_url + "checklist/", wait_until="networkidle")
    boxes = page.locator("article input[type=checkbox]")
    assert boxes.count() == 20
    for index in (0, 5):
        boxes.nth(index).evaluate("box => box.click()")  # the sticky header can cover the box itself
    assert boxes.nth(0).is_checked() and boxes.nth(5).is_checked()
    page.reload(wait_until="networkidle")
    boxes = page.locator("article input[type=checkbox]")
    assert boxes.nth(0).is_checked() and boxes.nth(5).is_checked() and not boxes.nth(1).is_checked()
    # and through Material's instant navigation, away and back
    page.goto(site_url, wait_until="networkidle")
    page.locator("a[href$='checklist/']").first.click()
    page.wait_for_url("**/checklist/")
    assert page.locator("article input[type=checkbox]").nth(5).is_checked()
