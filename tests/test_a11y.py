"""Accessibility of the built site: axe-core, injected by Playwright into pages served on loopback.

axe-core comes from npm (package.json pins it; `npm ci` installs it into node_modules/, as .ci/run
does). Every page below is checked in both colour schemes; a serious or critical violation fails
the test with the rule, what it says and the elements it names. README's "Lighthouse" section has
the scores of the same pages. TEST_SITE_DIR=<folder> serves a site you built already.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.project import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
if not AXE.is_file():
    pytest.skip(f"axe-core is not installed ({AXE.relative_to(ROOT)} is missing): run `npm ci`",
                allow_module_level=True)

pytestmark = pytest.mark.browser

# home, a lesson, a Chinese lesson, a notebook preview (mkdocs-jupyter), the checklist
PAGES = ["", "stage-1/tensors/", "zh/stage-2/autograd/", "notebooks/stage-1/tensors/", "checklist/"]
# WCAG 2.x A and AA, and axe's best practices
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


from tests.test_browser import browser, site_url  # noqa: E402,F401  (the same fixtures: one definition)


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                      resultTypes: ['violations']})
        .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})))""", TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        for node in v["nodes"][:4]:
            lines.append(f"    {node['target']}: {' '.join(node['summary'].split())[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_axe_violation(browser, served_site, site_url, path, scheme):
    assert (served_site[0] / path / "index.html").is_file(), f"no page at {path}"
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme="dark" if scheme == "slate" else "light")
    page = context.new_page()
    outside = []
    page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
            and r.url.split(":")[0] in ("http", "https") and outside.append(r.url))
    try:
        page.goto(site_url + path, wait_until="networkidle")
        assert page.locator("body").get_attribute("data-md-color-scheme") == scheme
        if page.locator("pre.mermaid").count():  # diagrams are drawn after load: check them drawn
            page.evaluate("document.querySelector('pre.mermaid, div.mermaid').scrollIntoView()")
            page.wait_for_function("!document.querySelector('pre.mermaid')", timeout=20000)
        # Code blocks off the screen are skipped by the browser until a reader scrolls to them
        # (content-visibility, docs/assets/site.css): axe reads colours from the rendering, so the
        # whole page is drawn as a reader who scrolls through it sees it. Material fades code colours
        # in 125 ms (a transition): on a busy machine axe read a block's light-scheme background
        # mid-fade in the dark scheme, so it reads the colours the fade ends on.
        page.add_style_tag(content="* { content-visibility: visible !important; transition: none !important; }")
        page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        violations = axe_violations(page)
    finally:
        context.close()
    assert outside == []
    blocking = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not blocking, f"{path or '/'} ({scheme}):\n{describe(blocking)}"
