"""Reader pages in a real Chromium: axe-core finds nothing serious, in light and dark mode.

A real ``dateline serve`` shows the demo newsroom (SQLite: these tests check markup and
styles, which do not depend on the database). Each kind of reader page is checked with
axe-core (``node_modules/axe-core``, installed by ``scripts/install``), then the parts
axe cannot judge are checked directly: the skip link, a visible focus ring, the measure
of body text, reading without JavaScript, and the print stylesheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dateline.store import open_store
from tests.browser.conftest import Server, site_env
from tests.public_pages import build_demo_site, public_pages

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
KINDS = ("home", "section", "article", "author", "topic", "search", "not-found")
BLOCKING = ("serious", "critical")
PHONE = (412, 915)
DESKTOP = (1280, 900)


@dataclass(frozen=True)
class Site:
    """The running server and the path of each kind of page on it."""

    url: str
    pages: dict[str, str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("a11y")
    database_url = f"sqlite:///{folder / 'dateline.db'}"
    store = open_store(database_url)
    try:
        build_demo_site(store)
        pages = public_pages(store)
    finally:
        store.close()
    env = site_env(folder, database_url)
    env.update(DATELINE_WEATHER_PROVIDER="off", DATELINE_INGEST="0")
    server = Server(env, folder)
    try:
        yield Site(server.url, pages)
    finally:
        server.stop()


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    """The browser at phone size, in light mode with scripts on; put back afterwards."""
    browser.set_window_size(*PHONE)
    yield browser
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    browser.set_window_size(*PHONE)


def emulate(browser: Any, media: str = "", scheme: str = "light") -> None:
    """Emulate a CSS media type (``print``) and ``prefers-color-scheme``."""
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"media": media, "features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )


def visit(browser: Any, site: Site, kind: str) -> None:
    browser.get(site.url + site.pages[kind])
    not_found = "couldn’t find that page" in browser.page_source
    assert not_found == (kind == "not-found"), f"{site.pages[kind]} shows the wrong page"


def run_axe(browser: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the current page (WCAG 2.x A and AA, and best practices)."""
    if not AXE_JS.is_file():
        pytest.skip(f"{AXE_JS} is missing: run scripts/install (npm ci) to install axe-core")
    browser.execute_script(AXE_JS.read_text(encoding="utf-8"))
    browser.set_script_timeout(60)
    result: dict[str, Any] = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]})
          .then(r => done({violations: r.violations}))
          .catch(e => done({error: String(e)}));
        """
    )
    assert "error" not in result, result.get("error")
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"]]
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}\n    {v['helpUrl']}")
        lines.extend(f"    at {t}" for t in targets[:8])
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_serious_violations(page: Any, site: Site, kind: str, scheme: str) -> None:
    emulate(page, scheme=scheme)
    visit(page, site, kind)
    dark = page.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark == (scheme == "dark")
    violations = run_axe(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core on the {kind} page ({scheme}):\n" + describe(blocking)


LANDMARKS = """
const roles = sel => [...document.querySelectorAll(sel)];
return {
  banner: roles('body > header').length,
  navigation: roles('nav').map(n => n.getAttribute('aria-label') || ''),
  main: roles('main').length,
  contentinfo: roles('body > footer').length,
  h1: roles('h1').length,
  h1InMain: roles('main h1').length,
  outside: roles('body > *').filter(e => !['HEADER', 'MAIN', 'FOOTER', 'SCRIPT'].includes(e.tagName)
    && !e.classList.contains('skip-link')).map(e => e.tagName),
  levels: roles('main h1, main h2, main h3, main h4, main h5, main h6')
    .map(h => Number(h.tagName[1])),
};
"""


@pytest.mark.parametrize("kind", KINDS)
def test_landmarks_and_headings(page: Any, site: Site, kind: str) -> None:
    visit(page, site, kind)
    found = page.execute_script(LANDMARKS)
    assert found["banner"] == 1 and found["main"] == 1 and found["contentinfo"] == 1, found
    assert found["navigation"] and all(found["navigation"]), f"a nav without a name: {found}"
    assert found["outside"] == [], f"content outside the landmarks: {found}"
    assert found["h1"] == 1 and found["h1InMain"] == 1, found
    levels = found["levels"]
    assert levels[0] == 1, levels
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not skips, f"heading levels skipped on the {kind} page: {levels}"


FLAWS = (
    '<img src="/no-such.png"><p style="color:#bbb;background:#fff">Pale text</p>'
    '<input type="text" name="unlabelled">'
)


def test_axe_reports_flaws_planted_in_a_page(page: Any, site: Site) -> None:
    """The check above can fail: axe runs here and sees a missing alt, label and contrast."""
    visit(page, site, "article")
    page.execute_script(
        "document.querySelector('main').insertAdjacentHTML('beforeend', arguments[0])", FLAWS
    )
    found = {v["id"]: v["impact"] for v in run_axe(page)}
    assert found.get("image-alt") == "critical", found
    assert found.get("label") == "critical", found
    assert found.get("color-contrast") == "serious", found


def luminance(css_color: str) -> float:
    """Relative luminance (WCAG) of a computed ``rgb(...)``/``rgba(...)`` colour."""
    red, green, blue = (int(v) / 255 for v in re.findall(r"\d+", css_color)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def test_dark_mode_follows_the_system_setting(page: Any, site: Site) -> None:
    shades = {}
    for scheme in ("light", "dark"):
        emulate(page, scheme=scheme)
        visit(page, site, "article")
        shades[scheme] = page.execute_script(
            "const s = getComputedStyle(document.body); return [s.backgroundColor, s.color];"
        )
    light_paper, light_ink = (luminance(c) for c in shades["light"])
    dark_paper, dark_ink = (luminance(c) for c in shades["dark"])
    assert light_paper > 0.8 and light_ink < 0.1, shades["light"]
    assert dark_paper < 0.1 and dark_ink > 0.6, shades["dark"]


def press_tab(browser: Any, times: int = 1) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    actions = ActionChains(browser)
    for _ in range(times):
        actions.send_keys(Keys.TAB)
    actions.perform()


FOCUSED = """
const e = document.activeElement;
const box = e.getBoundingClientRect();
const s = getComputedStyle(e);
return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: e.textContent.trim(),
        href: e.getAttribute('href'), top: box.top, bottom: box.bottom,
        outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
        boxShadow: s.boxShadow};
"""


@pytest.mark.parametrize("kind", ["home", "article"])
def test_skip_link_comes_first_and_moves_focus_to_main(page: Any, site: Site, kind: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    visit(page, site, kind)
    press_tab(page)
    first = page.execute_script(FOCUSED)
    assert first["tag"] == "a" and first["href"] == "#main", first
    assert first["text"] == "Skip to content"
    assert first["top"] >= 0 and first["bottom"] <= PHONE[1], f"skip link off screen: {first}"
    ActionChains(page).send_keys(Keys.ENTER).perform()
    landed = page.execute_script(FOCUSED)
    assert landed["tag"] == "main" and landed["id"] == "main", landed
    # The next Tab goes on from the start of the main content, not the navigation.
    press_tab(page)
    after = page.execute_script(
        "return document.querySelector('main').contains(document.activeElement)"
    )
    assert after


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_visible(page: Any, site: Site, scheme: str) -> None:
    """Each of the first Tab stops (links, the search field, buttons) shows a focus ring."""
    emulate(page, scheme=scheme)
    visit(page, site, "article")
    stops = []
    for _ in range(8):
        press_tab(page)
        focused = page.execute_script(FOCUSED)
        stops.append(focused)
        ring = focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2
        assert ring or focused["boxShadow"] != "none", f"no visible focus indicator: {focused}"
    assert any(s["tag"] == "a" and s["href"] not in ("#main", "/") for s in stops), stops


LINE_LENGTHS = """
// Characters on each full line of the article's paragraphs (each paragraph's last line,
// usually short, left out), found from where each character is laid out.
const lines = [];
for (const p of document.querySelectorAll('.story-body p')) {
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  const perLine = [0];
  let left = -Infinity;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (box.width === 0) continue;  // a space collapsed at a line break
      if (box.left < left) perLine.push(0);  // back to the left edge: a new line
      perLine[perLine.length - 1] += 1;
      left = box.left;
    }
  }
  lines.push(...perLine.slice(0, -1));
}
const probe = document.createElement('span');
probe.style.cssText = 'display:inline-block;width:1ch;position:absolute;visibility:hidden';
const first = document.querySelector('.story-body p');
first.appendChild(probe);
const ch = probe.getBoundingClientRect().width;
probe.remove();
return {lines: lines, widthCh: first.getBoundingClientRect().width / ch, window: innerWidth};
"""


def test_article_text_keeps_a_readable_measure(page: Any, site: Site) -> None:
    page.set_window_size(*DESKTOP)
    visit(page, site, "article")
    found = page.execute_script(LINE_LENGTHS)
    assert found["window"] >= 1200, found
    lines = found["lines"]
    assert len(lines) >= 10, found
    mean = sum(lines) / len(lines)
    # About 45 to 75 characters a line reads best (site.css holds the box at 58ch).
    assert 45 <= mean <= 75, f"{mean:.0f} characters a line at a desktop width: {lines}"
    assert max(lines) <= 85, f"a line of {max(lines)} characters: {lines}"
    assert found["widthCh"] <= 75, found


NON_DATA_SCRIPTS = "return document.querySelectorAll('script:not([type=\"application/ld+json\"])')"


@pytest.mark.parametrize("kind", KINDS)
def test_pages_carry_no_script_and_read_with_javascript_off(
    page: Any, site: Site, kind: str
) -> None:
    visit(page, site, kind)
    assert page.execute_script(NON_DATA_SCRIPTS + ".length") == 0
    page.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    page.get(site.url + site.pages[kind])
    heading = page.find_element("css selector", "main h1")
    assert heading.is_displayed() and heading.text.strip()
    if kind == "article":
        paragraphs = page.find_elements("css selector", ".story-body p")
        assert len(paragraphs) >= 3 and all(p.is_displayed() for p in paragraphs)


PRINT_HIDDEN = (".skip-link", "header nav", ".weather", "footer", "form", ".more")


def test_print_stylesheet_keeps_only_the_story(page: Any, site: Site) -> None:
    emulate(page, media="print", scheme="dark")
    visit(page, site, "article")
    shown = page.execute_script(
        """
        const shown = sel => [...document.querySelectorAll(sel)]
          .some(e => getComputedStyle(e).display !== 'none');
        const body = getComputedStyle(document.body);
        return {hidden: arguments[0].filter(shown), story: shown('.story-body p'),
                headline: shown('h1'), color: body.color, background: body.backgroundColor};
        """,
        list(PRINT_HIDDEN),
    )
    assert shown["hidden"] == [], f"still shown in print: {shown['hidden']}"
    assert shown["story"] and shown["headline"]
    assert shown["color"] == "rgb(0, 0, 0)", shown
    assert shown["background"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), shown
