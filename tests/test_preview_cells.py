"""A notebook preview's cells away from the screen are skipped whole by the browser (overrides/main.html):
each keeps the height it was laid out with, so nothing moves when it is drawn, and it looks the same."""

from __future__ import annotations

import pytest

# Chromium through playwright, as the other browser tests drive it (their module skips, saying why, where
# either is missing); the site built once per test run and served on loopback.
from tests.test_browser import LAYOUT_SHIFTS, browser, site_url  # noqa: F401 (fixtures)
from tests.test_palette import PARSER_DELAY

pytestmark = pytest.mark.browser

PREVIEWS = ["notebooks/stage-1/tensors/", "zh/notebooks/stage-1/tensors/"]

# Each cell: whether the script skips it, whether its content is drawn now, where it is and its height.
CELLS = """() => [...document.querySelectorAll('.jupyter-wrapper .jp-Notebook > .jp-Cell')].map(cell => ({
    skipped: cell.style.contentVisibility === 'auto',
    drawn: cell.firstElementChild.checkVisibility({contentVisibilityAuto: true}),
    top: cell.getBoundingClientRect().top + window.scrollY,  // on the page, not the screen
    height: cell.getBoundingClientRect().height }))"""


@pytest.mark.parametrize("width, loaded_at", [(412, 412), (1280, 1280), (412, 1280)])
@pytest.mark.parametrize("path", PREVIEWS)
def test_off_screen_cells_are_skipped_and_nothing_moves_when_they_are_drawn(browser, site_url, path, width, loaded_at):
    """Most cells start skipped (their prose, code and outputs are not styled or laid out); scrolled to,
    each is drawn at the height it held, and no cell on the page moves. The same after the window was made
    narrower (``loaded_at`` wider): prose and outputs wrap again, and the heights the cells keep are new."""
    context = browser.new_context(viewport={"width": loaded_at, "height": 823})
    page = context.new_page()
    try:
        page.goto(site_url + path, wait_until="networkidle")
        assert page.evaluate(LAYOUT_SHIFTS) == 0
        if width != loaded_at:
            page.set_viewport_size({"width": width, "height": 823})
            # The page's resize handler waits for the resizing to stop, then gives every skipped cell its
            # new height (a plain one: no height the browser remembered from the old width)
            page.wait_for_function("""() => [...document.querySelectorAll('.jupyter-wrapper .jp-Notebook > .jp-Cell')]
                .filter(cell => cell.style.contentVisibility === 'auto')
                .every(cell => !cell.style.containIntrinsicBlockSize.startsWith('auto'))""")
        cells = page.evaluate(CELLS)
        skipped = [i for i, cell in enumerate(cells) if cell["skipped"]]
        assert len(skipped) > len(cells) * 0.8, (len(skipped), len(cells))
        assert not cells[0]["skipped"]  # the first screen is drawn as it is
        assert not any(cells[i]["drawn"] for i in skipped[-10:])
        page_height = page.evaluate("document.scrollingElement.scrollHeight")
        locator = page.locator(".jupyter-wrapper .jp-Notebook > .jp-Cell")
        for i in skipped:  # the reader comes to each cell in turn
            locator.nth(i).scroll_into_view_if_needed()
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            now = page.evaluate(CELLS)
            assert now[i]["drawn"], i
            moved = [(j, was, cell) for j, (was, cell) in enumerate(zip(cells, now))
                     if abs(cell["top"] - was["top"]) > 0.05 or abs(cell["height"] - was["height"]) > 0.05]
            assert not moved, (i, moved[:3])
        assert page.evaluate("document.scrollingElement.scrollHeight") == page_height
    finally:
        context.close()


@pytest.mark.parametrize("path", PREVIEWS)
def test_a_skipped_cell_looks_the_same_when_drawn(browser, site_url, path):
    """A cell drawn after it was skipped, pixel for pixel as on a page where nothing is skipped (code, text
    output, a figure and prose, in the dark scheme). A skipped box is contained (content-visibility
    implies ``contain: layout style paint``), which the page without skipping gets too: a contained box
    at a fractional position paints its text snapped to whole pixels, up to 1 px lower than without."""
    shots = {}
    for skipping in (True, False):
        context = browser.new_context(viewport={"width": 412, "height": 823}, color_scheme="dark")
        page = context.new_page()
        if not skipping:  # the script skips nothing: a cell style it sets is overridden
            page.add_init_script("""document.addEventListener('DOMContentLoaded', () => {
                const style = document.createElement('style');
                style.textContent = '.jupyter-wrapper .jp-Notebook > .jp-Cell { content-visibility: visible !important; contain: layout style paint }';
                document.head.append(style); });""")
        try:
            page.goto(site_url + path, wait_until="networkidle")
            cells = page.evaluate(CELLS)
            assert any(cell["skipped"] for cell in cells)
            picked = [i for i, cell in enumerate(cells) if cell["skipped"]][:4]
            locator = page.locator(".jupyter-wrapper .jp-Notebook > .jp-Cell")
            with_figure = page.evaluate("""() => [...document.querySelectorAll('.jupyter-wrapper .jp-Notebook > .jp-Cell')]
                .findIndex(cell => cell.querySelector('.jp-OutputArea img'))""")
            assert with_figure > 0
            for i in picked + [with_figure]:
                cell = locator.nth(i)
                cell.scroll_into_view_if_needed()
                cell.evaluate("c => Promise.all([...c.querySelectorAll('img')].map(img => img.decode().catch(() => null)))")
                shots[skipping, i] = cell.screenshot(animations="disabled")
        finally:
            context.close()
    for (skipping, i), shot in shots.items():
        if skipping:
            assert shot == shots[False, i], f"cell {i} of {path} looks different when it was skipped"


@pytest.mark.parametrize("path", PREVIEWS)
def test_a_copy_button_drawn_half_parsed_does_not_move(browser, site_url, path):
    """A frame drawn while the parser had stopped inside the first cell's copy button (mkdocs-jupyter's
    clipboard-copy, before its icon) showed the button narrower; when the icon arrived the button's
    left edge moved (seen in about 1 load of 30 at 412 px). docs/assets/site.css gives it its width."""
    opening = '<clipboard-copy '

    def stop_the_parser_in_the_button(route):
        response = route.fetch()
        body = response.text()
        start = body.index(opening)
        end = body.index(">", start) + 1  # the parser stops after the button's tag, before its icon
        route.fulfill(response=response, body=body[:end] + PARSER_DELAY + body[end:])

    context = browser.new_context(viewport={"width": 412, "height": 823})
    context.add_init_script("""window.__shifts = [];
        new PerformanceObserver(list => { for (const e of list.getEntries()) window.__shifts.push(
            e.sources.map(s => s.node && s.node.className)); }).observe({type: 'layout-shift', buffered: true});""")
    page = context.new_page()
    try:
        page.route(site_url + path, stop_the_parser_in_the_button)
        page.goto(site_url + path, wait_until="networkidle")
        assert page.evaluate("document.querySelectorAll('.zeroclipboard-container').length") > 5
        assert page.evaluate(LAYOUT_SHIFTS) == 0, page.evaluate("window.__shifts")
    finally:
        context.close()
