"""What every portal browser test does to a page: sign in with card and PIN, then save the
screenshots and run the scans a patron's page must pass (one <h1>, axe-core with no serious
or critical violation, every control labelled, no sideways scroll at 390 px, no raw code).

Screenshots go to $CUSTODIAN_SCREENSHOTS as portal-<name>.png and portal-<name>--390px.png.
"""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.browser.page_checks import (
    axe_violations,
    raw_codes,
    shown_text,
    sideways_scroll,
    unlabelled_controls,
)

AXE = Axe()


def shots_folder() -> Path | None:
    folder = os.environ.get("CUSTODIAN_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_page(page, name: str) -> None:
    """Desk-width screenshot, the scans, then the 390 px screenshot; one failure lists all."""
    folder = shots_folder()
    if folder:
        page.screenshot(path=str(folder / f"portal-{name}.png"), full_page=True)
    problems = [] if page.locator("h1").count() == 1 else ["not exactly one <h1>"]
    problems += axe_violations(page, AXE) + unlabelled_controls(page)
    problems += sideways_scroll(page, folder / f"portal-{name}--390px.png" if folder else None)
    problems += [f"raw code {c!r}" for c in raw_codes(shown_text(page))]
    assert problems == [], f"{name}: {problems}"


def sign_in(ctx, card_number: str, pin: str):
    """A new page in `ctx`, signed in to the portal through its own form."""
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.goto(reverse("portal:home"))
    page.fill("#id_card_number", card_number)
    page.fill("#id_pin", pin)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page
