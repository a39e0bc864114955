"""The IT administrator's staff screens and the auditor's screens in Debian's headless
Chromium: used as a person would, each page scanned with axe-core (no serious or critical
violation) and checked for sideways scrolling at phone width. Set CUSTODIAN_SCREENSHOTS to
a folder to keep full-page screenshots."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from custodian.accounts.models import Role, StaffUser
from custodian.audit.models import AuditEntry
from tests.audit import helpers as h
from tests.browser.chromium import MARKS
from tests.door import library

pytestmark = MARKS

PASSWORD = "a long test passphrase 42"
NEW_PASSWORD = "another long passphrase 7"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


@pytest.fixture
def people(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    branch = library.branch("SEB")
    made = {}
    for username, role in (("ines", Role.IT_ADMIN), ("audrey", Role.AUDITOR), ("dora", Role.DESK)):
        made[username] = django_user_model.objects.create_user(
            username=username, password=PASSWORD, role=role, branch=branch
        )
    library.patron()
    return made


@pytest.fixture
def sign_in(browser, live_server, people):
    contexts = []

    def go(username, viewport=DESK):
        ctx = browser.new_context(base_url=live_server.url, viewport=viewport)
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15000)
        page.goto("/staff/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/staff/login/" not in page.url
        return page

    yield go
    for ctx in contexts:
        ctx.close()


AXE = Axe()


def check(page, name: str) -> None:
    """No serious or critical axe violation, no sideways scroll; a screenshot if asked."""
    found = [
        f"{v['id']}: {v['help']}"
        for v in AXE.run(page).response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not found, (name, found)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, (name, f"scrolls sideways by {overflow}px")
    shots = os.environ.get("CUSTODIAN_SCREENSHOTS")
    if shots:
        os.makedirs(shots, exist_ok=True)
        page.screenshot(path=os.path.join(shots, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_the_it_admin_adds_a_clerk_and_sets_a_new_password(sign_in, viewport):
    size = "phone" if viewport is PHONE else "desk"
    page = sign_in("ines", viewport)
    page.click("nav[aria-label=Staff] >> text=Staff accounts")
    page.wait_for_load_state()
    assert "Circulation desk staff" in page.inner_text("table")
    check(page, f"it-admin-staff-list-{size}")

    page.click("text=Add a staff account")
    page.fill("#id_username", "newclerk")
    page.select_option("#id_role", "desk")
    page.select_option("#id_branch", "SEB")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD + " typo")
    page.click("text=Create the account")
    page.wait_for_load_state()
    assert "The two passwords differ" in page.inner_text("main")
    assert not StaffUser.objects.filter(username="newclerk").exists()
    check(page, f"it-admin-create-error-{size}")

    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("text=Create the account")
    page.wait_for_load_state()
    assert "Created newclerk: Circulation desk staff." in page.inner_text(".messages")
    assert StaffUser.objects.get(username="newclerk").branch.code == "SEB"
    check(page, f"it-admin-person-{size}")

    page.click("text=Set a new password")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("text=Set the new password")
    page.wait_for_load_state()
    assert "New password set for newclerk." in page.inner_text(".messages")
    assert [e.action for e in AuditEntry.objects.filter(actor="ines").order_by("seq")] == [
        "staff_create",
        "staff_reset_password",
    ]


def test_the_it_admin_unlocks_and_deactivates(sign_in, client):
    for _ in range(5):
        client.post("/staff/login/", {"username": "dora", "password": "wrong"})
    page = sign_in("ines")
    page.goto("/staff/people/")
    row = page.locator("tr", has_text="dora")
    assert "Yes, after failed sign-ins" in row.inner_text()
    row.locator("a").click()
    page.wait_for_load_state()
    page.click("text=Unlock dora")
    page.wait_for_load_state()
    assert "dora may sign in again." in page.inner_text(".messages")
    page.check("input[name=confirm]")
    page.click("text=Deactivate dora")
    page.wait_for_load_state()
    assert "dora can no longer sign in." in page.inner_text(".messages")
    assert "No (deactivated)" in page.locator("tr", has_text="dora").inner_text()
    assert not StaffUser.objects.get(username="dora").is_active


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_the_auditor_reads_the_log_and_verifies_the_chain(sign_in, viewport):
    size = "phone" if viewport is PHONE else "desk"
    h.append(8)
    page = sign_in("audrey", viewport)
    for link in ("Access log", "Verify the audit chain", "Re-check the decisions"):
        assert page.locator("main a", has_text=link).count() == 1, link
    check(page, f"auditor-home-{size}")

    page.click("main >> text=Access log")
    page.wait_for_load_state()
    assert "Checked out an item" in page.inner_text("table")
    check(page, f"auditor-access-log-{size}")
    page.select_option("#f-outcome", "refused")
    page.click("text=Search")
    page.wait_for_load_state()
    assert "No entry matches this search." in page.inner_text("main")
    page.click("text=Clear the search")
    page.locator("a.ref").first.click()  # a patron's ref: that patron's entries only
    page.wait_for_load_state()
    assert "match" in page.inner_text("caption")
    assert page.input_value("#f-patron") in h.PATRONS

    page.goto("/audit/verify/")
    check(page, f"auditor-verify-{size}")
    page.click("text=Check the chain now")
    page.wait_for_load_state()
    assert "The chain is intact." in page.inner_text("main")
    check(page, f"auditor-verify-result-{size}")

    page.goto("/audit/decisions/")
    page.click("text=Check every decision now")
    page.wait_for_load_state()
    assert page.locator("main .message[role=status], main .message[role=alert]").count() >= 1
    check(page, f"auditor-decisions-{size}")


def test_a_bad_filter_typed_into_the_address_answers_a_styled_400(sign_in):
    page = sign_in("audrey")
    response = page.goto("/audit/log/?from=yesterday")
    assert response.status == 400
    assert "“from” must be a date" in page.inner_text("main")
    check(page, "auditor-bad-filter")
