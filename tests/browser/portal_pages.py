"""What every portal browser test does to a page: sign in with card and PIN, then save the
screenshots and run the scans a patron's page must pass (one <h1>, axe-core with no serious
or critical violation, every control labelled, no sideways scroll at 390 px, no raw code).

Screenshots go to $CUSTODIAN_SCREENSHOTS as portal-<name>.png and portal-<name>--390px.png.
"""

import os
import time
from importlib import import_module
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse

from custodian.portal import session
from tests.browser.page_checks import (
    axe_violations,
    raw_codes,
    shown_text,
    sideways_scroll,
    unfold,
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


def page_problems(page, name: str, *, folded_too: bool = False) -> list[str]:
    """Desk-width screenshot, the scans (with every fold opened first when `folded_too`),
    then the 390 px screenshot: what is wrong with the page, each line named."""
    folder = shots_folder()
    if folder:
        page.screenshot(path=str(folder / f"portal-{name}.png"), full_page=True)
    if folded_too:
        unfold(page)
    problems = [] if page.locator("h1").count() == 1 else ["not exactly one <h1>"]
    problems += axe_violations(page, AXE) + unlabelled_controls(page)
    problems += sideways_scroll(page, folder / f"portal-{name}--390px.png" if folder else None)
    problems += [f"raw code {c!r}" for c in raw_codes(shown_text(page))]
    return [f"{name}: {p}" for p in problems]


def check_page(page, name: str, *, folded_too: bool = False) -> None:
    problems = page_problems(page, name, folded_too=folded_too)
    assert problems == [], problems


def signed_in_context(browser, live_server, patron=None, *, height: int = 900):
    """A browser context already signed in as `patron` (the sign-in form has its own tests),
    or signed out when `patron` is None."""
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": height})
    if patron is None:
        return ctx
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[session.PATRON_KEY] = str(patron.ref)
    store[session.EVIDENCE_KEY] = ["card_number", "pin"]
    store[session.SEEN_KEY] = time.time()
    store.save()
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": store.session_key}
    ctx.add_cookies([{**cookie, "url": live_server.url}])
    return ctx


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
