"""My account and My reading history in Chromium, as a patron uses them: sign in with card
and PIN, see loans and renew (one refused, the reason shown), place a hold from the
catalogue and cancel it, turn reading history on, borrow and return at the desk, see it,
turn it off through the confirmation and see it gone. Each page at 1280 and 390 px, with
axe-core (no serious or critical violation), labelled controls and no sideways scroll;
screenshots when CUSTODIAN_SCREENSHOTS names a folder."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from custodian import door
from custodian.accounts.models import Role
from custodian.circulation import services as circulation
from custodian.records.models import Loan, PastLoan, Patron
from tests.browser.chromium import MARKS
from tests.browser.portal_pages import check_page, sign_in
from tests.door import library

pytestmark = MARKS
PIN = "5937"


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


@pytest.fixture
def reader(db):
    """An adult with two loans (someone waits for one of them) and an overdue fine."""
    branch = library.branch()
    patron = library.patron(card_number="21234000090001", home=branch)
    circulation.set_pin(patron=patron, pin=PIN)
    other = library.patron(card_number="21234000090002", first_name="Other")
    old = library.item("3900000090001", "The Overdue Almanac", at=branch)
    new = library.item("3900000090002", "A Wanted Novel", at=branch)
    library.item("3900000090003", "Gardening on the Coast", at=branch)
    now = timezone.now()
    circulation.check_out(patron=patron, item=old, branch=branch, now=now - dt.timedelta(days=25))
    circulation.check_out(patron=patron, item=new, branch=branch, now=now)
    circulation.place_hold(patron=other, item=new, pickup_branch=branch, now=now)
    circulation.assess_charge(patron=patron, kind="overdue", amount="1.50", item=old, now=now)
    return patron


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_account_renew_and_holds(browser, live_server, reader):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    try:
        page = sign_in(ctx, reader.card_number, PIN)
        page.goto(reverse("portal:account"))
        text = page.locator("#loans").inner_text()
        assert "The Overdue Almanac" in text and "Overdue" in text
        check_page(page, "account")

        _submit(page, "#loans form:not(.inline) button")  # Renew all
        messages = page.locator(".messages").inner_text()
        assert "“The Overdue Almanac” was renewed." in messages
        assert "Someone else is waiting for it, so it cannot be renewed." in messages
        check_page(page, "account-renewed")
        assert Loan.objects.get(item__barcode="3900000090001").renewals == 1

        page.goto(reverse("portal:catalogue"))
        page.fill("#catalogue-q", "gardening")
        _submit(page, "form[role=search] button")
        check_page(page, "catalogue")
        _submit(page, "main table button")
        assert "Gardening on the Coast" in page.locator("#holds").inner_text()
        check_page(page, "account-hold-placed")
        _submit(page, "#holds table button")
        assert "Gardening on the Coast" not in page.locator("#holds").inner_text()
    finally:
        ctx.close()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_reading_history_on_and_off(browser, live_server, reader):
    clerk = library.staff(Role.DESK, "clerk", at=library.branch())
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    try:
        page = sign_in(ctx, reader.card_number, PIN)
        page.goto(reverse("portal:history"))
        assert "Your reading history is off." in page.locator("main").inner_text()
        check_page(page, "history-off")
        _submit(page, "main form button")
        assert Patron.objects.get(pk=reader.pk).keeps_reading_history

        staff = door.Reader.staff(clerk)
        door.check_in(reader=staff, item_barcode="3900000090001")
        page.reload()
        assert "The Overdue Almanac" in page.locator("main").inner_text()
        check_page(page, "history-on")

        _submit(page, "main form button")  # Turn it off: asks first
        assert (
            "This deletes the 1 title kept. This cannot be undone."
            in page.locator("main").inner_text()
        )
        check_page(page, "history-off-confirm")
        assert PastLoan.objects.filter(patron=reader).count() == 1
        _submit(page, "main form button")
        text = page.locator("main").inner_text()
        assert "1 title was deleted." in text and "The Overdue Almanac" not in text
        check_page(page, "history-deleted")
        assert not PastLoan.objects.filter(patron=reader).exists()
    finally:
        ctx.close()


pytest.importorskip("playwright")


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_a_lost_loan_on_my_account(browser, live_server, reader):
    circulation.mark_lost(loan=Loan.objects.get(item__barcode="3900000090001"))
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    try:
        page = sign_in(ctx, reader.card_number, PIN)
        page.goto(reverse("portal:account"))
        row = page.locator("#loans tr", has_text="The Overdue Almanac").inner_text()
        assert "Reported lost" in row and "cannot be renewed" in row
        assert "Overdue" not in row.replace("The Overdue Almanac", "")
        assert (
            page.locator("#loans tr", has_text="The Overdue Almanac").locator("button").count() == 0
        )
        check_page(page, "account-lost")
    finally:
        ctx.close()
