from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect


@pytest.fixture(autouse=True)
def _close_contexts_left_open(request: pytest.FixtureRequest):
    """Close the browser contexts a journey opened itself (several users at once).

    Left open, their pages keep polling the session-wide live server after the test ended:
    requests without database access, in a thread racing the next tests."""
    browser = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    yield
    if browser is not None:
        for context in list(browser.contexts):
            context.close()


@pytest.fixture
def login(live_server, page: Page, password: str) -> Callable[[str], Page]:
    """Log in through the real form, in French (the browser's locale)."""

    def do(email: str) -> Page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
        return page

    return do


DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Callable[[Page, str], list[str]]:
    """`screenshots(page, "inbox")`: the page at 1440x900 and at 390x844, saved in the
    test artefacts (`--output`, test-results/ by default) as screenshots/<name>-desktop.png
    and -phone.png, for a reviewer to look at. The page is left at the desktop size.
    Also checks that nothing on the phone is wider than the screen."""
    output = Path(request.config.getoption("--output", default="test-results")) / "screenshots"
    output.mkdir(parents=True, exist_ok=True)

    def shoot(page: Page, name: str) -> list[str]:
        paths = []
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")
            path = output / f"{name}-{label}.png"
            page.screenshot(path=str(path))
            paths.append(str(path))
            if label == "phone":
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 1, f"{name}: {overflow}px wider than a 390px phone"
        page.set_viewport_size(DESKTOP)
        return paths

    return shoot
