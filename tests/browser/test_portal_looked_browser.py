"""Who has looked, and the privacy page, in Chromium: a clerk's read appears with role and
branch, a sealed FISA case never does; the privacy page of each profile, signed out. Each
page is scanned (axe, labels, raw codes, one <h1>, sideways scrolling at 390 px) and, with
CUSTODIAN_SCREENSHOTS set, saved.
"""

import os
import time
from importlib import import_module
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test import override_settings

from custodian import door
from custodian.accounts.models import Role
from custodian.disclosure import services as disclosure
from custodian.portal import session
from tests.browser.chromium import MARKS
from tests.browser.page_checks import (
    axe_violations,
    raw_codes,
    shown_text,
    sideways_scroll,
    unfold,
    unlabelled_controls,
)
from tests.disclosure.intakes import fisa_order
from tests.door import library

pytestmark = MARKS


def _patron_context(browser, live_server, patron=None):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    if patron is None:
        return ctx
    store = import_module(django_settings.SESSION_ENGINE).SessionStore()
    store[session.PATRON_KEY] = str(patron.ref)
    store[session.EVIDENCE_KEY] = ["card_number", "pin"]
    store[session.SEEN_KEY] = time.time()
    store.save()
    cookie = {"name": django_settings.SESSION_COOKIE_NAME, "value": store.session_key}
    ctx.add_cookies([{**cookie, "url": live_server.url}])
    return ctx


def _check(page, name: str, problems: list[str]) -> None:
    shots = os.environ.get("CUSTODIAN_SCREENSHOTS")
    folder = Path(shots) / "portal-looked" if shots else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    unfold(page)
    found = axe_violations(page, Axe()) + unlabelled_controls(page) + raw_codes(shown_text(page))
    assert page.locator("h1").count() == 1, f"{name}: one <h1>"
    found += sideways_scroll(page, folder / f"{name}--390px.png" if folder else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    problems += [f"{name}: {p}" for p in found]


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_a_staff_read_appears_and_a_sealed_case_never_does(browser, live_server):
    branch = library.branch()
    clerk = library.staff(Role.DESK, "clerk", at=branch)
    director = library.staff(Role.DIRECTOR, "director")
    # Another clerk takes the order: the first clerk's read just before stays theirs (the
    # same clerk's reads within minutes of a sealed intake are hidden with it).
    other_clerk = library.staff(Role.DESK, "clerk2", at=branch)
    patron = library.patron(home=branch)
    door.read_patron(
        reader=door.Reader.staff(clerk),
        patron_ref=patron.ref,
        purpose="library_business",
        fields=["loans.titles", "loans.due_dates"],
    )
    ctx = _patron_context(browser, live_server, patron)
    page = ctx.new_page()
    problems: list[str] = []
    page.goto("/my/who-looked/")
    before = page.locator("ol.looks").inner_text()
    assert "Opened your record" in before and "Desk staff, at MAIN Library" in before
    assert "clerk" not in page.content()
    _check(page, "who-looked", problems)

    case = disclosure.intake(user=other_clerk, data=fisa_order(card_number=patron.card_number)).case
    assert case.sealed
    disclosure.get_case(director, case.ref)
    page.goto("/my/who-looked/")
    assert page.locator("ol.looks").inner_text() == before
    _check(page, "who-looked-after-sealed-case", problems)
    ctx.close()
    assert problems == []


@pytest.mark.parametrize(
    "profile", ["sonoma-county", "jackson-county", "jensen-memorial", "westchester"]
)
def test_the_privacy_page_of_each_profile(browser, live_server, profile):
    with override_settings(CUSTODIAN_PROFILE=profile):
        ctx = _patron_context(browser, live_server)
        page = ctx.new_page()
        problems: list[str] = []
        page.goto("/my/privacy/")
        assert page.locator("h1").inner_text() == "The library's privacy policy"
        assert "Who may be told what about you" in shown_text(page)
        _check(page, f"privacy-{profile}", problems)
        ctx.close()
    assert problems == []
