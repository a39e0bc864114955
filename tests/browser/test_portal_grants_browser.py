"""Who may ask about me, and a guardian's view, in Chromium as a patron uses them: sign in
with card and PIN, give a friend permission for a week, withdraw it; a parent of a
15-year-old at Sonoma sees the child's page. Each page scanned with axe-core (no serious
or critical violation), no sideways scroll at 390 px; screenshots when
CUSTODIAN_SCREENSHOTS names a folder."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from custodian.circulation import services as circulation
from custodian.records.models import Authorization
from tests.browser.chromium import MARKS
from tests.browser.portal_pages import check_page, sign_in
from tests.door import library

pytestmark = MARKS
PIN = "4821"


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_give_and_withdraw_a_permission(browser, live_server):
    patron = library.patron(card_number="21234000080001")
    circulation.set_pin(patron=patron, pin=PIN)
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        page = sign_in(ctx, patron.card_number, PIN)
        page.goto(reverse("portal:grants"))
        assert page.locator("h1").count() == 1
        check_page(page, "grants-empty")
        page.fill("#agent_name", "Ada Lovelace")
        page.check("#cat-loans")
        week = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
        page.fill("#expires_on", week)
        # Without the written statement ticked, nothing is recorded.
        page.click("#grant-form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#grant-error").is_visible()
        check_page(page, "grants-error")
        assert not Authorization.objects.exists()
        page.check("#confirm")
        page.click("#grant-form button[type=submit]")
        page.wait_for_load_state()
        assert "Ada Lovelace" in page.locator("#current-grants").inner_text()
        check_page(page, "grants-given")
        page.click("#current-grants a")
        page.wait_for_load_state()
        check_page(page, "grant-withdraw")
        page.click("#withdraw")
        page.wait_for_load_state()
        assert page.locator("#current-grants").count() == 0
        assert "Withdrawn on" in page.locator("#past-grants").inner_text()
        check_page(page, "grants-withdrawn")
        assert Authorization.objects.get().revoked_at is not None
    finally:
        ctx.close()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_parent_of_a_teenager_sees_only_overdue_and_amount(browser, live_server):
    branch = library.branch()
    parent = library.patron(card_number="21234000080002", first_name="Pat", last_name="Parent")
    circulation.set_pin(patron=parent, pin=PIN)
    teen = library.patron(card_number="21234000080003", first_name="Sam", age=15)
    book = library.item("3900000080001", "A Private Teen Diary", at=branch)
    circulation.check_out(
        patron=teen, item=book, branch=branch, now=timezone.now() - dt.timedelta(days=30)
    )
    circulation.assess_charge(
        patron=teen, kind="overdue", amount="3.00", item=book, now=timezone.now()
    )
    circulation.link_guardian(child=teen, guardian_patron=parent, relationship="parent")
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        page = sign_in(ctx, parent.card_number, PIN)
        page.goto(reverse("portal:children"))
        check_page(page, "children")
        page.click("#wards a")
        page.wait_for_load_state()
        text = page.locator("main").inner_text()
        assert "$3.00" in text and "A Private Teen Diary" not in text
        check_page(page, "child-teen")
    finally:
        ctx.close()
    # The teenager's own page says who is linked.
    circulation.set_pin(patron=teen, pin=PIN)
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        page = sign_in(ctx, teen.card_number, PIN)
        page.goto(reverse("portal:grants"))
        assert "Pat Parent" in page.locator("#guardians").inner_text()
        check_page(page, "grants-teen")
    finally:
        ctx.close()


pytest.importorskip("playwright")
