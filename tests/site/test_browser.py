"""The example site in a real browser: headless Chromium driven by Playwright.

Opens every page over ``file://``, fails on console errors, failed requests
and any request to a non-file URL, follows the navigation, searches for a pain
point by a word of its text and opens the result, and saves screenshots of the
home page and a journey page under ``test-artifacts/`` (gitignored).

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and
``pip install playwright``; never ``playwright install``. Skipped, saying
which, when either is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import REPO

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


class Watch:
    """Collects console errors, page errors, failed requests and non-local requests of a page."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url} {r.failure}"))
        page.on("request", self._request)

    def _request(self, request):
        url = request.url
        if not (url.startswith("file://") or url.startswith("http://127.0.0.1") or url.startswith("data:")
                or url.startswith("about:")):
            self.problems.append(f"network request: {url}")


def test_every_page_loads_cleanly(browser, example_site: Path):
    page = browser.new_page()
    watch = Watch(page)
    pages = sorted(example_site.rglob("*.html"))
    assert len(pages) > 30
    for path in pages:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert page.title(), path
        # focus the search box so the lazily loaded index is fetched on every page too
        page.focus("#search-q")
        page.wait_for_function("Array.isArray(window.CJMC_SEARCH) && window.CJMC_SEARCH.length > 0")
    assert not watch.problems, "\n".join(watch.problems[:30])
    page.close()


def test_navigation_search_and_screenshots(browser, example_site: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    watch = Watch(page)
    page.goto((example_site / "index.html").as_uri())
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    # follow the header navigation and come back
    for label, expected in [("Backlog", "backlog.html"), ("Findings", "lint.html"), ("Rules", "rules.html"),
                            ("Personas & catalog", "catalog.html"), ("Portfolio", "index.html")]:
        page.get_by_role("navigation", name="Site").get_by_role("link", name=label).click()
        page.wait_for_load_state("load")
        assert page.url.endswith(expected), (label, page.url)

    # a journey card, then its map
    page.get_by_role("link", name="Buying a first commuter bike online", exact=True).first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("journeys/buy-first-bike.html")
    assert page.locator("table.jmap").is_visible()
    # the flow links to the steps, so it is a named group (links inside role=img would be hidden)
    flow = page.locator("figure.diagram-flow svg[role=group]")
    assert flow.count() == 1 and "Flow of the journey" in flow.get_attribute("aria-label")
    assert page.locator("figure.diagram-flow").get_attribute("tabindex") == "0"  # keyboard can scroll it
    page.screenshot(path=str(ARTIFACTS / "journey-buy-first-bike.png"), full_page=True)

    # search for a pain point by one word of its text and open the result
    page.fill("#search-q", "lunchtime")
    hit = page.locator("#search-results a", has_text="Long hold times")
    hit.first.wait_for(state="visible")
    hit.first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("journeys/buy-first-bike.html#pp-long-hold-times"), page.url
    assert page.locator("#pp-long-hold-times").is_visible()

    # the search page (the header form submitted with Enter)
    page.fill("#search-q", "dispatch")
    page.press("#search-q", "Enter")
    page.wait_for_load_state("load")
    assert "search.html" in page.url
    assert page.locator("#search-page-results li").count() > 0

    # the backlog filters and sorts in place
    page.goto((example_site / "backlog.html").as_uri())
    total = page.locator("#backlog tbody tr").count()
    page.select_option("select[name=severity]", "critical")
    visible = page.locator("#backlog tbody tr:visible").count()
    assert 0 < visible < total
    page.get_by_role("button", name="Severity / status").click()
    assert page.locator("th[aria-sort=ascending]").count() == 1

    # a flow node links to the step's details
    page.goto((example_site / "journeys" / "buy-first-bike.html").as_uri())
    page.locator('figure.diagram-flow a[*|href="#step-sees-shipping-cost"]').first.click()
    assert page.url.endswith("#step-sees-shipping-cost")
    assert not watch.problems, "\n".join(watch.problems)
    page.close()


def test_keyboard_skip_link(browser, example_site: Path):
    page = browser.new_page()
    page.goto((example_site / "journeys" / "buy-first-bike.html").as_uri())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to content" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.close()
