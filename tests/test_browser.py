"""The built site in a real browser (headless Chromium through Playwright), served on loopback.

These run last (see conftest.py): by then the other tests have filled the snippet cache, so
building the site here costs seconds. Screenshots go to test-artifacts/ (gitignored).
TEST_SITE_DIR=<folder> serves a site you built already instead (quick work on these tests alone).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.project import ROOT, blocks

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(served_site):
    return served_site[1]


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
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name.replace('/', '-')}.png"), full_page=False)
    context.close()


@pytest.mark.parametrize("path", ["", "stage-1/tensors/", "stage-2/autograd/", "stage-5/gan/", "checklist/"])
def test_pages_render_without_errors_or_external_requests(page, site_url, path):
    page.goto(site_url + path, wait_until="networkidle")
    assert page.locator("h1").first.is_visible()
    assert page.problems == []


def test_outputs_and_figures_are_visible(page, site_url):
    page.goto(site_url + "stage-1/tensors/", wait_until="networkidle")
    output = page.locator('details.snippet-output[data-snippet="stage1/tensors_creation.py"]')
    assert output.is_visible() and "from a list:" in output.inner_text()
    figure = page.locator(".snippet-figure img").first
    figure.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=figure.element_handle())
    assert "Verified with torch" in page.locator(".verified-stamp").inner_text()


def test_copy_button_copies_the_whole_snippet(page, site_url):
    page.goto(site_url + "stage-1/tensors/", wait_until="networkidle")
    block = page.locator("div.highlight", has=page.locator("span.filename", has_text="tensors_creation.py")).first
    block.hover()
    block.locator("button[title='Copy to clipboard']").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = (ROOT / "snippets" / "stage1" / "tensors_creation.py").read_text()
    assert copied.strip() == expected.strip()


def first_search_result(page, query: str) -> str:
    """Search from the header and return the first result's link.

    The search worker indexes the site in the background after load; a query typed before it is
    ready is not answered, so type it again until the index answers (a slow CI machine needs that).
    """
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    result = page.locator(".md-search-result__item a").first
    # The list shows the last query's results until Material reads the next one (a test searching twice
    # on one page read 混合精度's first result as 优化器's): empty the box, and wait for the list to empty.
    search.fill("")
    search.press("Backspace")  # Material reads the box on key up
    page.wait_for_function("() => !document.querySelector('.md-search-result__item')")
    for _ in range(6):
        search.fill("")
        if query.isascii():
            search.press_sequentially(query)
        else:  # Chinese arrives whole, as an input method commits it; Material reads the query on key up
            search.fill(query)
            search.press("End")
        try:
            result.wait_for(timeout=10000)
            break
        except playwright_api.TimeoutError:
            continue
    return result.get_attribute("href")


def test_search_finds_a_lesson(page, site_url):
    page.goto(site_url, wait_until="networkidle")
    assert "broadcasting" in first_search_result(page, "broadcasting")


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
    # and after going away and coming back through a link
    page.goto(site_url, wait_until="networkidle")
    page.locator("a[href$='checklist/']").first.click()
    page.wait_for_url("**/checklist/")
    assert page.locator("article input[type=checkbox]").nth(5).is_checked()


# -- mermaid diagrams, drawn by the site's own copy of mermaid --------------------------------------

def _mermaid_diagrams(page) -> list[dict]:
    """Each diagram Material drew: its SVGs, node count, text and the color of its first label.

    Material puts the SVG in a *closed* shadow root (script on the page cannot see it), so this reads
    the DOM through the DevTools protocol, which pierces shadow roots, as the browser renders them.
    """
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]

    def walk(node, skip=()):
        yield node
        for child in node.get("children", []) + node.get("shadowRoots", []):
            if child.get("localName") not in skip:
                yield from walk(child, skip)

    def classes(node):
        attributes = node.get("attributes", [])
        return dict(zip(attributes[::2], attributes[1::2])).get("class", "").split()

    diagrams = []
    for host in walk(root):
        if host.get("localName") != "div" or "mermaid" not in classes(host):
            continue
        svgs = [n for shadow in host.get("shadowRoots", []) for n in walk(shadow) if n.get("localName") == "svg"]
        inside = [n for svg in svgs for n in walk(svg, skip=("style",))]
        text = " ".join(" ".join(n["nodeValue"] for n in inside if n.get("nodeType") == 3).split())
        boxes = [n for n in inside if "label-container" in classes(n)]  # the shape of each node
        # the color of the first node's label, as drawn (it must follow the palette: dark mode)
        label = next((n for n in inside if n.get("nodeType") == 1
                      and any(c.get("nodeType") == 3 and "Stage" in c["nodeValue"] for c in n.get("children", []))), None)
        color = None
        if label:
            style = cdp.send("CSS.getComputedStyleForNode", {"nodeId": label["nodeId"]})["computedStyle"]
            color = next(p["value"] for p in style if p["name"] == "color")
        diagrams.append({"svgs": len(svgs), "nodes": len(boxes), "text": text, "label_color": color})
    cdp.detach()
    return diagrams


def _wait_for_diagrams(page):
    # Material replaces each <pre class="mermaid"> by a <div class="mermaid"> once mermaid has drawn it.
    page.wait_for_function("document.querySelector('div.mermaid') && !document.querySelector('pre.mermaid')",
                           timeout=20000)


def test_home_diagram_is_drawn_offline(page, site_url):
    page.goto(site_url, wait_until="networkidle")
    _wait_for_diagrams(page)
    diagrams = _mermaid_diagrams(page)
    assert len(diagrams) == 1 and diagrams[0]["svgs"] == 1 and diagrams[0]["nodes"] == 5, diagrams
    assert "Stage 1" in diagrams[0]["text"] and "Stage 5" in diagrams[0]["text"], diagrams
    assert "flowchart" not in page.locator("article").inner_text()  # the source is not shown as text
    box = page.locator("article div.mermaid").bounding_box()
    assert box["width"] > 300 and box["height"] > 40, box
    # mermaid came from this site, not from a CDN (the page fixture records any other request)
    assert page.evaluate("typeof window.mermaid.render") == "function"
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("article div.mermaid").screenshot(path=str(ARTIFACTS / "home-diagram-light.png"))
    assert page.problems == []


def test_diagram_follows_dark_mode_after_navigation(page, site_url):
    page.goto(site_url + "stage-5/", wait_until="networkidle")
    page.locator(".md-header a.md-logo, a.md-header__button.md-logo").first.click()
    page.wait_for_url(site_url)
    _wait_for_diagrams(page)
    light = _mermaid_diagrams(page)
    assert light[0]["svgs"] == 1 and "Stage 3" in light[0]["text"], light

    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = _mermaid_diagrams(page)
    assert dark[0]["svgs"] == 1 and "Stage 3" in dark[0]["text"], dark
    # the labels take their color from the palette (Material's CSS variables): dark text on the light
    # background, light text on the dark one
    brightness = [sum(float(v) for v in re.findall(r"[\d.]+", d[0]["label_color"])[:3]) for d in (light, dark)]
    assert brightness[0] < 300 < 500 < brightness[1], (light, dark)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("article div.mermaid").screenshot(path=str(ARTIFACTS / "home-diagram-dark.png"))
    assert page.problems == []


def test_a_project_page_through_the_grouped_nav(page, site_url):
    """Stage 5 groups the roadmap's 5.2 projects in one section; a project reached through it works."""
    block = next(b for b in blocks() if b.page == "stage-5/ner.md" and b.snippet and not b.skip_reason)
    page.goto(site_url + "stage-5/", wait_until="networkidle")
    sidebar = page.locator("nav.md-nav--primary")
    for label in ("5.1 Computer vision", "Object detection", "5.2 Natural language processing", "A small GPT"):
        assert sidebar.get_by_text(label, exact=True).first.is_visible(), label
    sidebar.get_by_role("link", name="Named-entity recognition", exact=True).click()
    page.wait_for_url("**/stage-5/ner/")
    page.locator("h1", has_text="Named-entity recognition").first.wait_for()

    # its first executed block: the copy button copies the whole file, the output box shows its run
    code = page.locator("div.highlight", has=page.locator("span.filename", has_text=block.snippet.name)).first
    code.scroll_into_view_if_needed()
    code.hover()
    code.locator("button[title='Copy to clipboard']").click()
    assert page.evaluate("navigator.clipboard.readText()").strip() == block.snippet.read_text().strip()
    output = page.locator(f"details.snippet-output[data-snippet='{block.include}']")
    assert output.is_visible() and output.locator("pre, code").first.inner_text().strip()
    assert page.problems == []


# -- the Chinese edition ----------------------------------------------------------------------------

def _switch_language(page, name: str) -> None:
    """Use Material's language selector in the header (a hover menu of links)."""
    page.locator(".md-header .md-select").first.hover()
    page.locator(".md-select__link", has_text=name).first.click()


def test_language_switcher_keeps_the_reader_on_the_same_page(page, site_url):
    page.goto(site_url + "stage-2/autograd/", wait_until="networkidle")
    _switch_language(page, "中文")
    page.wait_for_url("**/zh/stage-2/autograd/")
    assert page.locator("html").get_attribute("lang").startswith("zh")
    assert "2.1 自动微分" in page.locator("h1").first.inner_text()
    assert page.locator("nav.md-nav--primary").get_by_text("2.3 优化器与学习率调度").first.is_visible()
    _switch_language(page, "English")
    page.wait_for_url("**/stage-2/autograd/")
    assert "/zh/" not in page.url and "Autograd" in page.locator("h1").first.inner_text()
    assert page.problems == []


def _nav_tree(page) -> list:
    """The primary nav as nested [href, [children]] (labels left out: they differ by language)."""
    return page.evaluate("""() => {
        const walk = list => Array.from(list ? list.children : []).filter(li => li.matches('li.md-nav__item'))
            .map(li => { const a = li.querySelector(':scope > a, :scope > div > a, :scope > label');
                         return [a && a.getAttribute('href') ? new URL(a.href).pathname : null,
                                 walk(li.querySelector(':scope > nav > ul'))]; });
        return walk(document.querySelector('nav.md-nav--primary > ul'));
    }""")


def test_both_languages_have_the_same_nav(page, site_url):
    page.goto(site_url, wait_until="networkidle")
    english = _nav_tree(page)
    english_labels = page.locator("nav.md-nav--primary").text_content()
    page.goto(site_url + "zh/", wait_until="networkidle")
    chinese = _nav_tree(page)
    chinese_labels = page.locator("nav.md-nav--primary").text_content()
    root = urlparse(site_url).path

    def without_language(tree):
        return [[href.replace(root + "zh/", root, 1) if href else None, without_language(kids)] for href, kids in tree]

    assert len(english) >= 6 and without_language(chinese) == english
    assert "阶段 1 · 基础入门" in chinese_labels and "Stage 1 · Basics" in english_labels
    assert "Stage" not in chinese_labels


@pytest.mark.parametrize("query, lesson", [("张量", "zh/stage-1/"), ("反向传播", "zh/stage-2/autograd/"),
                                           ("迁移学习", "zh/stage-4/transfer-learning/")])
def test_chinese_search_finds_the_lesson(page, site_url, query, lesson):
    page.goto(site_url + "zh/", wait_until="networkidle")
    first_search_result(page, query)
    results = [a.get_attribute("href") for a in page.locator(".md-search-result__item > a").all()]
    assert any(lesson in (href or "") for href in results[:5]), (query, results[:8])


def test_chinese_pages_speak_chinese_around_the_verified_output(page, site_url):
    page.goto(site_url + "zh/stage-1/tensors/", wait_until="networkidle")
    output = page.locator('details.snippet-output[data-snippet="stage1/tensors_creation.py"]')
    assert output.locator("summary").inner_text().startswith("输出")
    assert "from a list:" in output.inner_text()  # the same verified output as the English page
    assert page.locator(".verified-stamp").inner_text().strip().startswith("✓ 已验证：torch")
    buttons = page.locator(".notebook-links a").all_inner_texts()
    assert buttons[:2] == ["下载 Notebook", "预览 Notebook"], buttons
    figure = page.locator(".snippet-figure img").first
    figure.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=figure.element_handle())
    assert "生成的图" in figure.get_attribute("alt")
    not_run = next(b for b in blocks() if b.page.endswith(".zh.md") and b.skip_reason)
    page.goto(site_url + "zh/" + not_run.page.removesuffix(".zh.md").removesuffix("index") + "/", wait_until="networkidle")
    assert page.locator(".snippet-not-run .admonition-title").first.inner_text().startswith("未在此执行：")
    assert page.problems == []


def test_checklist_progress_is_shared_between_the_languages(page, site_url):
    page.goto(site_url + "checklist/", wait_until="networkidle")
    boxes = page.locator("article input[type=checkbox]")
    for index in (2, 7):
        boxes.nth(index).evaluate("box => box.click()")
    page.goto(site_url + "zh/checklist/", wait_until="networkidle")
    boxes = page.locator("article input[type=checkbox]")
    assert boxes.count() == 20
    assert boxes.nth(2).is_checked() and boxes.nth(7).is_checked() and not boxes.nth(3).is_checked()
    overall = page.locator(".checklist-progress--overall")
    assert "总进度" in overall.inner_text() and "2 / 20" in overall.inner_text()
    assert overall.locator("button").inner_text() == "重置"
    boxes.nth(3).evaluate("box => box.click()")  # ticked in Chinese, seen in English
    page.goto(site_url + "checklist/", wait_until="networkidle")
    assert page.locator("article input[type=checkbox]").nth(3).is_checked()
    assert "Overall" in page.locator(".checklist-progress--overall").inner_text()


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("path", ["zh/", "zh/stage-1/tensors/", "zh/stage-3/rnn/", "zh/checklist/"])
def test_chinese_pages_light_and_dark(browser, site_url, path, scheme):
    """Screenshots of Chinese pages in both color schemes (test-artifacts/zh-*.png, looked at before a
    release): they render without errors or requests leaving the page."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000},
                                  color_scheme="dark" if scheme == "slate" else "light")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
            and r.url.split(":")[0] in ("http", "https") and problems.append(f"external request: {r.url}"))
    page.goto(site_url + path, wait_until="networkidle")
    assert page.locator("body").get_attribute("data-md-color-scheme") == scheme
    assert HAN_TITLE.search(page.locator("h1").first.inner_text())
    ARTIFACTS.mkdir(exist_ok=True)
    name = path.strip("/").replace("/", "-")
    page.screenshot(path=str(ARTIFACTS / f"{name}-{scheme}.png"), full_page=False)
    context.close()
    assert problems == []


HAN_TITLE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("path", ["stage-3/rnn/", "zh/stage-3/rnn/"])
def test_math_is_typeset_by_the_sites_own_katex(page, site_url, path):
    page.goto(site_url + path, wait_until="networkidle")
    page.locator(".arithmatex .katex").first.wait_for(timeout=10000)
    # a formula is typeset when it comes within a screen of the viewport (docs/assets/math.js): read on
    page.evaluate("""async () => {
        for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
            scrollTo(0, y); await new Promise(done => requestAnimationFrame(() => setTimeout(done, 20)));
        } }""")
    text = page.locator("article").inner_text()
    assert "\\(" not in text and "\\tanh" not in text  # no raw LaTeX left for the reader
    # a solution opened far from the reader's place shows its math typeset
    closed = page.locator("article details:not([open]):has(.arithmatex)")
    if closed.count():
        solution = closed.first.element_handle()
        page.evaluate("window.scrollTo(0, 0)")
        solution.evaluate("d => { d.open = true; }")
        page.wait_for_timeout(200)
        assert "\\(" not in solution.inner_text()
    assert page.problems == []  # KaTeX and its fonts came from this site


def _phone(browser):
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True,
                                  device_scale_factor=1.75)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    return page


def test_a_phone_loads_the_home_diagram_when_the_reader_scrolls(browser, site_url):
    """On a phone the home page's diagram is below the first screen: mermaid (most of the page's script)
    is imported when the reader starts to scroll, and the diagram is drawn from the site's own copy."""
    page = _phone(browser)
    try:
        page.goto(site_url, wait_until="networkidle")
        page.wait_for_timeout(500)
        assert page.locator("article pre.mermaid").count() == 1
        assert not [url for url in page.requests if "/vendor/mermaid/" in url]
        page.mouse.wheel(0, 120)
        _wait_for_diagrams(page)
        assert [url for url in page.requests if "/vendor/mermaid/" in url]
        assert all(urlparse(url).hostname == "127.0.0.1" for url in page.requests if url.startswith("http"))
        box = page.locator("article div.mermaid").bounding_box()
        assert box["width"] > 300 and box["height"] > 40, box
    finally:
        page.context.close()


LAYOUT_SHIFTS = """() => new Promise(done => { let total = 0;
    new PerformanceObserver(list => { for (const e of list.getEntries()) total += e.value; })
        .observe({type: 'layout-shift', buffered: true});
    setTimeout(() => done(total), 300); })"""


@pytest.mark.parametrize("width", [412, 1280])
@pytest.mark.parametrize("path", ["stage-1/tensors/", "zh/stage-2/autograd/", "notebooks/stage-1/tensors/", "checklist/"])
def test_skipped_blocks_keep_their_real_height(browser, site_url, path, width):
    """Code blocks (and a notebook's code cells) off the screen are skipped by the browser with the height
    overrides/main.html estimates from their line count: nothing moves when they are drawn. The checklist
    holds the space of the progress bars its script adds."""
    context = browser.new_context(viewport={"width": width, "height": 823})
    page = context.new_page()
    try:
        page.goto(site_url + path, wait_until="networkidle")
        assert page.evaluate(LAYOUT_SHIFTS) < 0.005
        blocks = page.locator(".md-typeset > .highlight > pre, .jupyter-wrapper .jp-InputArea-editor")
        if path != "checklist/":
            assert blocks.count() > 5
        for i in range(blocks.count()):
            block = blocks.nth(i)
            estimate = block.evaluate("""b => { const s = b.style.containIntrinsicBlockSize.split(' ').pop();
                return s.endsWith('em') ? parseFloat(s) * parseFloat(getComputedStyle(b).fontSize) : parseFloat(s); }""")
            block.scroll_into_view_if_needed()
            height = block.evaluate("b => b.getBoundingClientRect().height")
            # A notebook cell's editor estimate is its content's height: its two 1 px borders come on top.
            borders = 2 if "notebooks/" in path else 0
            assert abs(estimate + borders - height) < 1.5, (i, estimate, height)
    finally:
        context.close()


def test_notebook_previews_use_the_trimmed_stylesheet(browser, served_site, site_url):
    """A preview links docs/assets/notebook.css instead of the 574 KB stylesheet mkdocs-jupyter inlines,
    and every element of it looks the same as with the whole stylesheet (the same properties computed,
    light and dark). When this fails, mkdocs-jupyter or a notebook changed: run overrides/notebook_css.py."""
    import mkdocs_jupyter

    path = "notebooks/stage-1/tensors/"
    html = (served_site[0] / path / "index.html").read_text(encoding="utf-8")
    assert "md-red-50" not in html and "assets/notebook.css" in html
    full = (Path(mkdocs_jupyter.__file__).parent / "templates/mkdocs_html/assets/index.css").read_text(encoding="utf-8")
    styles = """() => [...document.querySelectorAll('.jupyter-wrapper, .jupyter-wrapper *')].map(e => {
        const s = getComputedStyle(e);
        return ['display', 'position', 'color', 'background-color', 'font-family', 'font-size', 'font-weight',
                'line-height', 'margin', 'padding', 'border', 'width', 'white-space', 'overflow', 'flex',
                'visibility', 'opacity', 'text-align'].map(p => s.getPropertyValue(p)).join('|'); })"""
    seen = {}
    for stylesheet in ("trimmed", "full"):
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            if stylesheet == "full":
                page.route("**/assets/notebook.css", lambda route: route.fulfill(body=full, content_type="text/css"))
            try:
                page.goto(site_url + path, wait_until="networkidle")
                seen[stylesheet, scheme] = page.evaluate(styles)
            finally:
                context.close()
    for scheme in ("light", "dark"):
        trimmed, whole = seen["trimmed", scheme], seen["full", scheme]
        assert len(trimmed) == len(whole) > 1000
        differ = [(i, a, b) for i, (a, b) in enumerate(zip(trimmed, whole)) if a != b]
        assert differ == [], (scheme, len(differ), differ[:3])


def _notebook_images(notebook: Path) -> list[bytes]:
    import base64
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [base64.b64decode(o["data"]["image/png"]) for c in cells if c["cell_type"] == "code"
            for o in c["outputs"] if "image/png" in o.get("data", {})]


@pytest.mark.parametrize("path", ["notebooks/stage-1/tensors/", "zh/notebooks/stage-2/autograd/"])
def test_notebook_previews_link_their_figures_instead_of_inlining_them(browser, served_site, site_url, path):
    """A preview's figures are files (snippet_runner/preview_images.py): none inline, each the bytes of
    the downloadable notebook's figure (the Chinese figures on a Chinese preview) with the lesson's alt
    text, sized so that nothing moves when it loads, and loaded as it comes near the screen."""
    from snippet_runner.preview_images import image_size

    folder = served_site[0]
    html = (folder / path / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'src="data:', html)
    figures = _notebook_images(folder / (path.rstrip("/") + ".ipynb"))
    tags = re.findall(r"<img\b[^>]*>", html[html.index('class="jupyter-wrapper"'):])
    assert len(tags) == len(figures) > 0
    for tag, figure in zip(tags, figures):
        src = re.search(r'src="([^"]+)"', tag)[1]
        file = (folder / path / src).resolve()
        assert file.is_file() and file.read_bytes() == figure, (tag, file)
        assert f'width="{image_size(figure)[0]}" height="{image_size(figure)[1]}"' in tag
        assert 'loading="lazy"' in tag
    lesson = (folder / path.replace("notebooks/", "") / "index.html").read_text(encoding="utf-8")
    lesson_alts = set(re.findall(r'class="snippet-figure"><img src="[^"]*" alt="([^"]*)"', lesson))
    assert [re.search(r'alt="([^"]*)"', tag)[1] in lesson_alts for tag in tags] == [True] * len(tags)
    if path.startswith("zh/"):  # the Chinese twins, as on the Chinese lesson
        english = _notebook_images(folder / (path[3:].rstrip("/") + ".ipynb"))
        assert len(english) == len(figures) and any(a != b for a, b in zip(english, figures))
        assert any(".zh.png" in tag for tag in tags)
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    try:
        page.goto(site_url + path, wait_until="networkidle")
        images = page.locator(".jupyter-wrapper img")
        assert images.count() == len(figures)
        for i in range(images.count()):
            image = images.nth(i)
            before = image.evaluate("i => i.getBoundingClientRect().height")
            image.scroll_into_view_if_needed()
            page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=image.element_handle())
            after = image.evaluate("i => i.getBoundingClientRect().height")
            assert before > 20 and abs(before - after) < 1, (i, before, after)
    finally:
        context.close()


# A notebook preview's code cells are slimmed and nbconvert's dead blocks dropped (snippet_runner/preview_html.py).
# "Before" is the built preview with what mkdocs-jupyter rendered put back: each code cell as its converter
# highlights it, and the MathJax, mermaid and Python-list blocks where it wrote them.

_PREVIEW_CHARACTERS = """() => {
    /* Each character of each code cell: its style (the text properties of the element it is in, and the
       box properties of each inline element around it below the <pre> that a bare <span> does not have)
       and where it is drawn. As one JSON string: returned as nested arrays, the 47,416 characters of a
       preview took playwright 4 s to carry over, against 0.5 s for the whole measurement. */
    const text = ['color', 'font-family', 'font-size', 'font-style', 'font-weight', 'font-variant', 'font-stretch',
        'font-feature-settings', 'font-variation-settings', 'line-height', 'letter-spacing', 'word-spacing',
        'text-decoration-line', 'text-decoration-color', 'text-decoration-style', 'text-decoration-thickness',
        'text-shadow', 'text-transform', 'text-rendering', 'white-space', 'visibility', 'opacity',
        '-webkit-text-fill-color', '-webkit-text-stroke-width', '-webkit-text-stroke-color', 'tab-size', 'direction'];
    const box = ['display', 'background-color', 'background-image', 'padding', 'margin', 'border', 'outline',
        'box-shadow', 'vertical-align', 'position', 'top', 'left', 'transform', 'filter', 'opacity', 'mix-blend-mode',
        'text-decoration-line', 'line-height', 'font-size', 'font-family'];
    const read = (element, names) => { const s = getComputedStyle(element); return names.map(n => s.getPropertyValue(n)).join('|'); };
    const styles = [], index = new Map(), chars = [];
    const cached = new Map(), pres = [...document.querySelectorAll('.jupyter-wrapper .highlight-ipynb > pre')];
    /* The box style of a bare <span> in each <pre>, all read before any position: a change to the page
       after a position was read would lay the whole page out again for the next one. */
    const plains = pres.map(pre => {
        const bare = document.createElement('span');
        pre.append(bare);
        const plain = read(bare, box);
        bare.remove();
        return plain;
    });
    for (const [at, pre] of pres.entries()) {
        const plain = plains[at];
        const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const element = node.parentElement;
            if (!cached.has(element)) {
                const boxes = [];
                for (let up = element; up !== pre; up = up.parentElement) {
                    const own = read(up, box);
                    if (own !== plain) boxes.push(own);
                }
                const key = read(element, text) + ' / ' + boxes.join(' / ');
                if (!index.has(key)) { index.set(key, styles.length); styles.push(key); }
                cached.set(element, index.get(key));
            }
            const range = document.createRange();
            for (let i = 0; i < node.data.length; i++) {
                range.setStart(node, i); range.setEnd(node, i + 1);
                const r = range.getBoundingClientRect();
                chars.push([node.data[i], cached.get(element), Math.round(r.left * 100), Math.round(r.top * 100),
                            Math.round(r.width * 100), Math.round(r.height * 100)]);
            }
        }
    }
    return JSON.stringify({styles, chars, elements: document.querySelectorAll('*').length});
}"""


def _mkdocs_jupyter_preview(notebook: Path) -> str:
    """The notebook's preview content as mkdocs-jupyter renders it for this site (mkdocs.yml's settings),
    before snippet_outputs' changes."""
    from mkdocs_jupyter.nbconvert2 import nb2html

    return nb2html(str(notebook), custom_mathjax_url="")


def _fulfill(route, request=None, *, body: str):
    route.fulfill(body=body, content_type="text/html; charset=utf-8")


def _between(text: str, start: str, end: str, after: int = 0) -> str:
    at = text.index(start, after)
    return text[at:text.index(end, at) + len(end)]


def _unslimmed(built: str, rendered: str, cells: bool = True) -> str:
    """The built preview with mkdocs-jupyter's dead blocks put back, and its own code cells (``cells``)."""
    cell = re.compile(r'<div class="highlight-ipynb\b[^"]*"><pre>.*?</pre>', re.DOTALL)
    originals = cell.findall(rendered)
    assert len(originals) == len(cell.findall(built)) > 10
    pieces = iter(originals)
    before = cell.sub(lambda m: next(pieces), built) if cells else built
    mathjax = _between(rendered, "<!-- Load mathjax -->", "<!-- End of mathjax configuration -->")
    mermaid = _between(rendered, '<script type="module">', "<!-- End of mermaid configuration -->")
    listed = _between(rendered, "<style>", "</style>", rendered.index("<!-- jupyter-wrapper -->"))
    assert re.match(r"<style>\s*\['pre \{", listed)
    wrapper = '<div class="jupyter-wrapper">'
    assert before.count(wrapper) == 1 and before.count("<!-- jupyter-wrapper -->") == 1
    before = before.replace(wrapper, mathjax + mermaid + wrapper)
    return before.replace("<!-- jupyter-wrapper -->", "<!-- jupyter-wrapper -->\n" + listed)


PREVIEWS_SLIMMED = ["notebooks/stage-1/tensors/", "zh/notebooks/stage-1/tensors/"]
_CODE_CELL = re.compile(r'<div class="highlight-ipynb\b[^"]*"><pre>.*?</pre>', re.DOTALL)
_DEAD = ("x-mathjax-config", "<!-- Load mathjax -->", "jp-Mermaid", "mermaid.esm", "['pre {")


@pytest.mark.parametrize("path", PREVIEWS_SLIMMED)
def test_a_previews_code_cells_are_the_rendered_ones_slimmed(served_site, path):
    """Every code cell of the built preview is mkdocs-jupyter's, slimmed (preview_html.slim_code), in both
    languages; nbconvert's MathJax, mermaid and Python-list blocks are gone."""
    from snippet_runner.preview_html import slim_code

    folder = served_site[0]
    built = (folder / path / "index.html").read_text(encoding="utf-8")
    rendered = _mkdocs_jupyter_preview(folder / (path.rstrip("/") + ".ipynb"))
    assert [slim_code(c) for c in _CODE_CELL.findall(rendered)] == _CODE_CELL.findall(built)
    for gone in _DEAD:
        assert gone not in built and gone in rendered, gone


def test_a_slimmed_preview_looks_the_same_with_fewer_elements(browser, served_site, site_url,
                                                                path="notebooks/stage-1/tensors/"):
    """Put back into the built preview (412 px wide; the code cells are the same in the Chinese one):

    - nbconvert's blocks alone: the screen is the same pixel for pixel, at the top and scrolled to code
      further down (before, the Python-list stylesheet holds no rule, MathJax never loaded, no mermaid
      output), in the light scheme (the blocks hold no colour);
    - the blocks and mkdocs-jupyter's own code cells, light and dark: each character of the code has the
      same computed style (its text's, and the boxes of the inline elements around it) on the same line,
      the page has over 2,000 elements more. Across the line a character moves by less than 0.1 px:
      Chromium places each inline element at a 1/64 px step, so with fewer span boundaries the rounding
      adds up differently; on the screen this changes the anti-aliasing of a few glyphs (under 0.1 % of
      the pixels, each channel by at most 80 of 255)."""
    import functools
    import io

    import numpy
    from PIL import Image

    folder = served_site[0]
    built = (folder / path / "index.html").read_text(encoding="utf-8")
    rendered = _mkdocs_jupyter_preview(folder / (path.rstrip("/") + ".ipynb"))
    versions = {"before": _unslimmed(built, rendered), "blocks": _unslimmed(built, rendered, cells=False), "after": built}
    assert len(versions["blocks"]) - len(built) > 15_000 and len(versions["before"]) - len(versions["blocks"]) > 60_000
    measured, shots = {}, {}
    for scheme in ("light", "dark"):
        for version, body in versions.items():
            if version == "blocks" and scheme == "dark":
                continue
            context = browser.new_context(viewport={"width": 412, "height": 823}, color_scheme=scheme)
            page = context.new_page()
            page.route(site_url + path, functools.partial(_fulfill, body=body))
            try:
                page.goto(site_url + path, wait_until="networkidle")
                if version != "after":
                    assert page.evaluate("""() => [...document.querySelectorAll('style')]
                        .filter(s => s.textContent.trim().startsWith("['")).map(s => s.sheet.cssRules.length)""") == [0]
                    assert page.evaluate("typeof window.MathJax") == "undefined"
                    assert page.evaluate("document.querySelectorAll('.jp-Mermaid, .jp-RenderedMermaid').length") == 0
                header = page.evaluate("Math.ceil(document.querySelector('.md-header').getBoundingClientRect().bottom)")
                shots[scheme, version] = [numpy.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"))]
                for n in (3, 6):  # code further down; the header (its title changes as it scrolls) left out
                    page.locator(".jupyter-wrapper .highlight-ipynb").nth(n).scroll_into_view_if_needed()
                    page.wait_for_timeout(500)
                    shot = numpy.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"))
                    shots[scheme, version].append(shot[header:])
                if version != "blocks":
                    page.add_style_tag(content=".jupyter-wrapper .jp-Cell, .jupyter-wrapper .jp-InputArea-editor"
                                               " { content-visibility: visible !important }")
                    measured[scheme, version] = json.loads(page.evaluate(_PREVIEW_CHARACTERS))
            finally:
                context.close()
    for blocks, after in zip(shots["light", "blocks"], shots["light", "after"]):
        assert blocks.shape == after.shape and (blocks == after).all()
    for scheme in ("light", "dark"):
        was, now = measured[scheme, "before"], measured[scheme, "after"]
        assert was["elements"] - now["elements"] > 2000, (was["elements"], now["elements"])
        assert len(was["chars"]) == len(now["chars"]) > 10_000
        assert len(set(was["styles"])) > 5  # the code has colours: the comparison can see them
        differ = [(i, a, b) for i, (a, b) in enumerate(zip(was["chars"], now["chars"]))
                  if a[0] != b[0] or was["styles"][a[1]] != now["styles"][b[1]] or a[3] != b[3] or a[5] != b[5]
                  or abs(a[2] - b[2]) >= 10 or abs(a[4] - b[4]) >= 10]  # hundredths of a pixel
        assert differ == [], (scheme, len(differ), differ[:3])
        for before, after in zip(shots[scheme, "before"], shots[scheme, "after"]):
            assert before.shape == after.shape
            difference = numpy.abs(before.astype(int) - after.astype(int)).max(axis=2)
            assert (difference > 0).mean() < 0.001 and difference.max() <= 80, (scheme, (difference > 0).sum(), difference.max())


def test_the_slimming_table_groups_classes_that_look_the_same(browser, site_url):
    """preview_html.STYLES, class by class in a preview's code, light and dark: a "plain" class's span has
    the computed style of a bare <span> (every property), and the classes of each other group have one
    computed style, which is not the plain one."""
    from snippet_runner.preview_html import STYLES

    probe = """groups => {
        const pre = document.querySelector('.jupyter-wrapper .highlight-ipynb > pre');
        const style = element => { const s = getComputedStyle(element); return [...s].map(n => n + ':' + s.getPropertyValue(n)).join(';'); };
        const made = span => { pre.append(span); const s = style(span); span.remove(); return s; };
        const bare = made(Object.assign(document.createElement('span'), {textContent: 'x'}));
        return [bare, Object.fromEntries(Object.entries(groups).map(([group, tokens]) => [group,
            tokens.map(token => made(Object.assign(document.createElement('span'), {className: token, textContent: 'x'})))]))];
    }"""
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 412, "height": 823}, color_scheme=scheme)
        page = context.new_page()
        try:
            page.goto(site_url + "notebooks/stage-1/tensors/", wait_until="networkidle")
            bare, groups = page.evaluate(probe, {group: sorted(tokens) for group, tokens in STYLES.items()})
        finally:
            context.close()
        assert len(bare) > 5000
        for group, seen in groups.items():
            tokens = sorted(STYLES[group])
            if group == "plain":
                assert [token for token, s in zip(tokens, seen) if s != bare] == [], scheme
            else:
                assert [token for token, s in zip(tokens, seen) if s != seen[0]] == [], (scheme, group)
                assert seen[0] != bare, (scheme, group)


def test_the_content_partial_override_is_the_installed_one_but_for_notebook_stylesheets():
    """overrides/partials/content.html is Material's, with page.content shown less the stylesheet
    mkdocs-jupyter inlines into notebook previews."""
    import material

    original = (Path(material.__file__).parent / "templates" / "partials" / "content.html").read_text(encoding="utf-8")
    override = (ROOT / "overrides" / "partials" / "content.html").read_text(encoding="utf-8")
    header = "{#-\n  This file was automatically generated - do not edit\n-#}\n"
    assert original.startswith(header) and original.count("{{ page.content }}\n") == 1, "Material's content partial changed"
    before, after = original[len(header):].split("{{ page.content }}\n")
    body = override.split("-#}\n", 1)[1]
    assert body.startswith(before) and body.endswith(after), "redo overrides/partials/content.html from Material's"


# -- what a page downloads --------------------------------------------------------------------------

def _load_recording(browser, url: str) -> tuple[object, list[tuple[str, int]]]:
    """Open url in a fresh context; every finished request with its body's size (uncompressed)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    finished = []

    def record(request):
        response = request.response()
        try:
            size = len(response.body()) if response else 0
        except playwright_api.Error:  # a redirect or an aborted request has no body
            size = 0
        finished.append((request.url, size))

    page.on("requestfinished", record)
    page.goto(url, wait_until="networkidle")
    return page, finished


@pytest.mark.parametrize("path", ["", "stage-1/tensors/", "stage-3/rnn/", "zh/stage-2/autograd/", "checklist/"])
def test_mermaid_and_katex_load_only_on_pages_that_use_them(browser, served_site, site_url, path):
    """overrides/main.html adds mermaid to pages with a diagram and KaTeX to pages with math."""
    html = (served_site[0] / path / "index.html").read_text(encoding="utf-8")
    diagrams, math = 'class="mermaid"' in html, 'class="arithmatex"' in html
    page, finished = _load_recording(browser, site_url + path)
    try:
        if diagrams:  # drawn by the site's own mermaid, once on the screen
            page.evaluate("document.querySelector('pre.mermaid, div.mermaid').scrollIntoView()")
            page.wait_for_function("!document.querySelector('pre.mermaid')", timeout=20000)
        if math:
            page.locator(".arithmatex .katex").first.wait_for(timeout=10000)
    finally:
        page.context.close()
    loaded = {name for name in ("mermaid", "katex") if any(f"/assets/vendor/{name}/" in url for url, _ in finished)}
    expected = {name for name, used in (("mermaid", diagrams), ("katex", math)) if used}
    assert loaded == expected, (path, loaded, expected)


def test_the_cases_above_cover_pages_with_and_without_diagrams_and_math(served_site):
    cases = {}
    for path in ["", "stage-1/tensors/", "stage-3/rnn/", "zh/stage-2/autograd/", "checklist/"]:
        html = (served_site[0] / path / "index.html").read_text(encoding="utf-8")
        cases[path] = ('class="mermaid"' in html, 'class="arithmatex"' in html)
    assert {d for d, _ in cases.values()} == {True, False} and {m for _, m in cases.values()} == {True, False}, cases


def test_home_page_downloads_at_most_1_5_mb(browser, site_url):
    """The home page with its diagram drawn: every response's size summed, search index not among them."""
    page, finished = _load_recording(browser, site_url)
    try:
        page.wait_for_function("!document.querySelector('pre.mermaid')", timeout=20000)
        page.wait_for_load_state("networkidle")
    finally:
        page.context.close()
    total = sum(size for _, size in finished)
    largest = sorted(finished, key=lambda f: -f[1])[:5]
    assert total <= 1_500_000, (total, largest)
    assert not any("search_index" in url for url, _ in finished)


@pytest.mark.parametrize("path, index", [("stage-1/tensors/", "search/search_index.json"),
                                         ("zh/stage-1/tensors/", "zh/search/search_index.json")])
def test_search_index_is_fetched_when_a_search_starts_in_the_pages_language(page, site_url, path, index):
    requested = []
    page.on("request", lambda r: "search_index" in r.url and requested.append(r.url))
    page.goto(site_url + path, wait_until="networkidle")
    page.wait_for_timeout(500)
    assert requested == []  # not with the page
    first_search_result(page, "tensor")
    assert requested == [site_url + index]
    assert page.problems == []


def test_the_search_partial_override_is_the_installed_one_with_a_dialog_name():
    """overrides/partials/search.html is Material's, with an aria-label on the dialog (axe, Lighthouse)."""
    import material

    original = (Path(material.__file__).parent / "templates" / "partials" / "search.html").read_text(encoding="utf-8")
    override = (ROOT / "overrides" / "partials" / "search.html").read_text(encoding="utf-8")
    header = "{#-\n  This file was automatically generated - do not edit\n-#}\n"
    dialog = '<div class="md-search" data-md-component="search" role="dialog">'
    assert original.startswith(header) and original.count(dialog) == 1, "Material's search partial changed: redo the override"
    named = dialog.replace('role="dialog"', "role=\"dialog\" aria-label=\"{{ lang.t('search') }}\"")
    assert override.split("-#}\n", 1)[1] == original[len(header):].replace(dialog, named)


def test_no_page_has_a_relative_hreflang_link(served_site):
    """hreflang alternates must be absolute URLs (search engines, Lighthouse); the site's pages carry
    none (site_hooks/languages.py) and sitemap.xml lists each page's languages with absolute URLs."""
    folder = served_site[0]
    pages = sorted(folder.glob("**/index.html"))
    assert len(pages) > 50
    alternate = re.compile(r'<link\b[^>]*\bhreflang="[^"]*"[^>]*>')
    relative = [(str(p.relative_to(folder)), link) for p in pages
                for link in alternate.findall(p.read_text(encoding="utf-8"))
                if not re.search(r'href="https?://', link)]
    assert relative == [], relative[:5]
    sitemap = (folder / "sitemap.xml").read_text(encoding="utf-8")
    assert 'hreflang="zh" href="http' in sitemap or not (folder / "zh").is_dir()
