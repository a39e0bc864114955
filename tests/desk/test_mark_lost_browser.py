"""Marking a loan lost, in Chromium: the account page's "Mark lost" link, the confirmation
that says what will happen, and the account afterwards. Each page is scanned (axe, labels,
raw codes, sideways scrolling at 390 px) and, with CUSTODIAN_SCREENSHOTS set, saved
(portal-mark-lost-*.png)."""

import datetime as dt

import pytest
from django.utils import timezone

from custodian.accounts.models import Role
from custodian.circulation import services as circulation
from custodian.records.models import Item
from tests.browser.chromium import MARKS
from tests.browser.portal_pages import page_problems
from tests.door import library

pytestmark = MARKS

PASSWORD = "a long test passphrase 42"


@pytest.fixture
def borrower(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    branch = library.branch()
    django_user_model.objects.create_user(
        username="cleo", password=PASSWORD, role=Role.DESK, branch=branch
    )
    patron = library.patron(home=branch)
    now = timezone.now()
    for n, title in enumerate(("The Missing Atlas", "A Novel Still Out")):
        item = library.item(f"390000000070{n}", title, at=branch)
        circulation.check_out(
            patron=patron, item=item, branch=branch, now=now - dt.timedelta(days=30 - n * 20)
        )
    return patron


def test_marking_a_loan_lost(browser, live_server, borrower):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.goto("/staff/login/")
    page.fill("#id_username", "cleo")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"/desk/patron/{borrower.ref}/")
    problems = page_problems(page, "mark-lost-account-before")
    page.click("a[aria-label='Mark lost: The Missing Atlas']")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "The Missing Atlas" in main and "$25.00" in main
    assert "cannot be checked out" in main
    problems += page_problems(page, "mark-lost-confirm")

    page.click("button >> text=Mark it lost")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "is marked lost" in main and "Lost item" in main
    lost_row = page.locator("tr", has_text="The Missing Atlas").first.inner_text()
    assert "Lost" in lost_row and "Marked lost" in lost_row and "Overdue" not in lost_row
    assert page.locator("a[aria-label='Mark lost: The Missing Atlas']").count() == 0
    assert Item.objects.get(barcode="3900000000700").status == "lost"
    problems += page_problems(page, "mark-lost-account-after")
    ctx.close()
    assert problems == [], problems
