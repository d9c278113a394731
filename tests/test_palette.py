"""A page starts in the reader's colour scheme (overrides/main.html): on a first visit, the palette
option whose media query the system matches; after a choice, the stored one. Nothing is styled in
one scheme and switched to the other after load, so no colour transition is left waiting in content
the browser skips until it is scrolled to (where the reader saw code boxes fade from light to dark)."""

from __future__ import annotations

import json

import pytest

# Chromium through playwright, as the other browser tests drive it (their module skips, saying why,
# where either is missing); the site built once per test run and served on loopback.
from tests.test_browser import browser, site_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

SCHEME_OF = {"light": "default", "dark": "slate"}

# The colour changes in the article that CSS transitions make (running, or waiting in content the
# browser skips: a transition from a colour to the same colour is not seen and not counted), and the inline
# code boxes whose text colour is not the one a new code box beside each gets.
STATE = """() => ({
    scheme: document.body.getAttribute('data-md-color-scheme'),
    transitions: document.getAnimations().filter(a => a instanceof CSSTransition && a.effect.target.closest('.md-content'))
        .map(a => [a.transitionProperty, a.effect.target.tagName, a.effect.getKeyframes().map(
            k => k[a.transitionProperty.replace(/-([a-z])/g, (dash, letter) => letter.toUpperCase())])])
        .filter(([property, tag, [from, to]]) => from !== to),  // one that changes nothing is not seen
    code: [...document.querySelectorAll('.md-content p > code')].length,
    offColour: [...document.querySelectorAll('.md-content p > code')].filter(code => {
        const probe = document.createElement('code');  // a new box beside it takes the scheme's colour now
        code.parentElement.append(probe);
        const want = getComputedStyle(probe).color;
        probe.remove();
        return getComputedStyle(code).color !== want;
    }).length })"""


def _state_after_load(browser, url: str, system: str, stored: dict | None = None) -> dict:
    """STATE after a first load at 1280 px on a system in the ``system`` scheme, with a palette choice
    ``stored`` the way Material stores it (per site, under the site's path, "/" here, and "__palette")."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=system)
    if stored is not None:
        context.add_init_script(f"localStorage.setItem('/.__palette', {json.dumps(json.dumps(stored))})")
    page = context.new_page()
    try:
        page.goto(url, wait_until="networkidle")
        return page.evaluate(STATE)
    finally:
        context.close()


# The fade was seen on the previews (their off-screen cells are skipped after a forced layout); a lesson
# and the light scheme are checked too, so the early start cannot break them.
@pytest.mark.parametrize("path, system", [("stage-1/tensors/", "dark"), ("notebooks/stage-1/tensors/", "dark"),
                                          ("zh/notebooks/stage-1/tensors/", "dark"), ("notebooks/stage-1/tensors/", "light")])
def test_first_visit_starts_in_the_systems_scheme_and_nothing_fades(browser, site_url, path, system):
    state = _state_after_load(browser, site_url + path, system)
    assert state["code"] > 10
    assert state["scheme"] == SCHEME_OF[system]
    assert state["transitions"] == [], state["transitions"][:5]  # the old template: code boxes waiting, light -> dark
    assert state["offColour"] == 0


def test_a_stored_choice_wins_over_the_system(browser, site_url, path="notebooks/stage-1/tensors/"):
    """A reader on a dark system who chose the light scheme gets it (Material's own script applies it;
    ours leaves it alone), with nothing fading either."""
    light = {"index": 0, "color": {"media": "(prefers-color-scheme: light)", "scheme": "default",
                                   "primary": "custom", "accent": "custom"}}
    state = _state_after_load(browser, site_url + path, "dark", stored=light)
    assert state["scheme"] == "default"
    assert state["transitions"] == [], state["transitions"][:5]
    assert state["offColour"] == 0


# What the first frame drawn shows of the header (a requestAnimationFrame callback runs before it).
FIRST_FRAME = """window.__first = null;
requestAnimationFrame(() => { window.__first = {
    source: !!document.querySelector('.md-header__source'),
    toggles: [...document.querySelectorAll('[data-md-component=palette] label')].filter(l => !l.hidden).length }; });"""
# A parser stopped inside the header for 300 ms: the parser yields after a long script, as it does on a
# long page on a busy machine, where the layout-shift test saw the header move in about 1 load of 8.
PARSER_DELAY = '<script>{const t = performance.now(); while (performance.now() - t < 300);}</script>'


@pytest.mark.parametrize("path", ["stage-1/tensors/", "zh/notebooks/stage-1/tensors/"])
def test_the_first_frame_has_the_whole_header_and_its_palette_toggle(browser, site_url, path):
    """overrides/main.html blocks drawing until the header is parsed (rel=expect) and shows the palette
    toggle as the bundle will: drawn before, the items at the header's right end moved when the
    repository link after them arrived, and when the toggle got its width from the bundle."""
    def stop_the_parser_in_the_header(route):
        response = route.fetch()
        body = response.text()
        assert '<div class="md-header__source">' in body
        route.fulfill(response=response, body=body.replace('<div class="md-header__source">',
                                                           PARSER_DELAY + '<div class="md-header__source">', 1))

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(FIRST_FRAME)
    page = context.new_page()
    try:
        page.route(site_url + path, stop_the_parser_in_the_header)
        page.goto(site_url + path, wait_until="load")
        page.wait_for_function("window.__first")
        assert page.evaluate("window.__first") == {"source": True, "toggles": 1}
    finally:
        context.close()
