"""Legal holds and closing an account, in Chromium: the Director places a hold by card number
on the holds page and releases it; a clerk opens a patron's "Close this account"
confirmation, ticks the proof of identity and closes it. Each page is scanned (axe, labels,
raw codes, sideways scrolling at 390 px) and, with CUSTODIAN_SCREENSHOTS set, saved
(portal-holds-*.png, portal-close-*.png).
"""

import pytest

from custodian.accounts.models import Role
from custodian.holds.models import LegalHold
from custodian.records.models import Patron
from tests.browser.chromium import MARKS
from tests.browser.portal_pages import page_problems
from tests.door import library

pytestmark = MARKS

PASSWORD = "a long test passphrase 42"


@pytest.fixture
def people(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    branch = library.branch()
    made = {
        name: django_user_model.objects.create_user(
            username=name, password=PASSWORD, role=role, branch=branch
        )
        for name, role in (("dana", Role.DIRECTOR), ("cleo", Role.DESK))
    }
    held = library.patron(home=branch)
    leaving = library.patron(
        card_number="21234000044444", first_name="Lena", last_name="Leaving", home=branch
    )
    return made, held, leaving


def _signed_in(browser, live_server, username):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.goto("/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/staff/login/" not in page.url
    return ctx, page


def test_holds_page_and_closing_an_account(browser, live_server, people):
    _staff, held, leaving = people
    problems: list[str] = []

    ctx, page = _signed_in(browser, live_server, "dana")
    page.click("nav >> text=Legal holds")
    page.wait_for_load_state()
    assert "No hold is in force." in page.inner_text("main")
    page.fill("#hold_card_number", held.card_number)
    page.check("input[name=categories][value=reading_history]")
    page.check("input[name=categories][value=video]")
    page.fill("#hold_records_from", "2026-01-01")
    page.fill("#hold_reason", "Preservation letter from the county counsel, 2 March")
    page.click("button >> text=Place the hold")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "The legal hold is placed" in main
    assert "Reading history" in main and "Camera footage" in main
    assert "records dated from 1 January 2026" in main
    assert held.card_number not in page.content()
    assert LegalHold.objects.filter(patron=held, released_at__isnull=True).count() == 1
    problems += page_problems(page, "holds-list", folded_too=True)
    ctx.close()

    ctx, page = _signed_in(browser, live_server, "cleo")
    page.goto(f"/desk/patron/{leaving.ref}/")
    page.click("text=Close this account")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "erases the person for good" in main and "cannot be undone" in main
    problems += page_problems(page, "close-account-confirm")
    page.check("input[name=evidence][value=photo_id]")
    page.check("#understood")
    page.click("button >> text=Close and erase this account")
    page.wait_for_load_state()
    assert "The account is closed" in page.inner_text("main")
    assert not Patron.objects.filter(pk=leaving.pk).exists()
    problems += page_problems(page, "close-account-done")

    # The held patron's confirmation says why it cannot be closed, and offers no button.
    page.goto(f"/desk/patron/{held.ref}/close/")
    assert "a legal hold keeps this patron's records" in page.inner_text("main")
    assert page.locator("#understood").count() == 0
    problems += page_problems(page, "close-account-held")
    ctx.close()
    assert problems == [], problems
