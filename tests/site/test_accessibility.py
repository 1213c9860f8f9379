"""Accessibility of the example site, checked by axe-core in headless Chromium.

One page of every kind, in the light and the dark colour scheme: no
violations (contrast, ARIA, names, heading order, keyboard access to
scrolling regions). Skips only when Chromium or the axe package is missing;
`.ci/run` installs both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser import browser  # noqa: F401  (the shared Chromium fixture)

PAGES = ["index.html", "journeys/buy-first-bike.html", "journeys/research-bikes.html", "personas/commuter.html",
         "touchpoints/checkout-page.html", "channels/web.html", "teams/ecommerce.html", "catalog.html",
         "backlog.html", "lint.html", "rules.html", "search.html"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations(browser, example_site: Path, scheme: str) -> None:  # noqa: F811
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="axe-playwright-python is not installed")
    axe = axe_module.Axe()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = []
    try:
        for name in PAGES:
            assert (example_site / name).is_file(), name
            page.goto((example_site / name).as_uri())
            for violation in axe.run(page).response["violations"]:
                targets = [node["target"] for node in violation["nodes"][:3]]
                problems.append(f"{name}: {violation['id']} ({violation['impact']}) at {targets}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
