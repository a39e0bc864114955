"""Signing in to the portal, changing the PIN, and the desk's PIN reset, in Debian's headless
Chromium: each page used as a person would, scanned with axe-core (no serious or critical
violation), with every control labelled and nothing scrolling sideways at phone width.
Set CUSTODIAN_SCREENSHOTS to a folder to keep full-page screenshots."""

import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from axe_playwright_python.sync_playwright import Axe

from custodian.circulation import patrons as pin_hashing
from custodian.circulation import services as circulation
from custodian.portal import services_signin as signin
from tests.browser import page_checks as checks
from tests.browser.chromium import MARKS
from tests.door import library

pytestmark = MARKS

PIN = "2468"
NEW = "5082"
PASSWORD = "a long test passphrase 42"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}
AXE = Axe()


@pytest.fixture
def people(django_user_model, settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The least Argon2 work: the server thread and the test share two busy cores.
    monkeypatch.setattr(
        pin_hashing, "_pins", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )
    signin._dummy_hash.cache_clear()
    branch = library.branch("SEB")
    clerk = django_user_model.objects.create_user(
        username="dora", password=PASSWORD, role="desk", branch=branch
    )
    patron = library.patron(home=branch)
    circulation.set_pin(patron=patron, pin=PIN)
    yield {"clerk": clerk, "patron": patron}
    signin._dummy_hash.cache_clear()


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def go(path, viewport=PHONE):
        ctx = browser.new_context(base_url=live_server.url, viewport=viewport)
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15000)
        page.goto(path)
        return page

    yield go
    for ctx in contexts:
        ctx.close()


def check(page, name: str) -> None:
    """The checks at desk width, then at phone width; screenshots of both when asked."""
    shots = os.environ.get("CUSTODIAN_SCREENSHOTS")
    folder = Path(shots) if shots else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    problems = (
        checks.axe_violations(page, AXE)
        + checks.unlabelled_controls(page)
        + checks.sideways_scroll(page, folder / f"{name}-phone.png" if folder else None)
    )
    assert not problems, (name, problems)
    assert page.locator("h1").count() == 1, name


def test_a_patron_signs_in_changes_the_pin_and_signs_out(open_page, people):
    patron = people["patron"]
    page = open_page("/my/")
    check(page, "portal-sign-in")
    page.fill("#id_card_number", patron.card_number)
    page.fill("#id_pin", "1357")
    page.click("button[type=submit]")
    assert "did not match our records" in page.inner_text("main")
    assert page.input_value("#id_card_number") == ""  # nothing typed is sent back
    check(page, "portal-sign-in-wrong")

    page.fill("#id_card_number", patron.card_number)
    page.fill("#id_pin", PIN)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("button", has_text="Sign out").is_visible()
    page.goto("/my/pin/")
    check(page, "portal-pin")
    page.fill("#id_old_pin", PIN)
    page.fill("#id_new_pin", "1234")
    page.fill("#id_new_pin_again", "1234")
    page.click("main button[type=submit]")
    assert "too easy to guess" in page.inner_text("main")
    page.fill("#id_old_pin", PIN)
    page.fill("#id_new_pin", NEW)
    page.fill("#id_new_pin_again", NEW)
    page.click("main button[type=submit]")
    assert "Your PIN has been changed" in page.inner_text("main")

    page.click("button:has-text('Sign out')")
    assert page.locator("h1").inner_text() == "You have signed out"
    check(page, "portal-signed-out")
    page.goto("/my/pin/")
    assert page.url.endswith("/my/")
    assert page.locator("#id_card_number").is_visible()


def test_the_desk_resets_a_pin_after_photo_id(open_page, people):
    patron = people["patron"]
    for _ in range(signin.CARD_LIMIT):
        signin.authenticate(card_number=patron.card_number, pin="1357", address="10.0.0.9")
    page = open_page("/staff/login/", viewport=DESK)
    assert "Library patrons: sign in to your account here" in page.inner_text("main")
    page.fill("#id_username", "dora")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"/desk/patron/{patron.ref}/")
    page.click("text=Reset PIN or unlock online sign-in")
    assert "Online sign-in is locked" in page.inner_text("main")
    check(page, "desk-pin-reset")

    page.click("main button:has-text('Reset the PIN')")
    assert "The PIN was not changed" in page.inner_text("main")
    page.check("#evidence_photo_id")
    page.click("main button:has-text('Reset the PIN')")
    assert page.locator("h1").inner_text().startswith("The PIN has been reset")
    shown = page.locator(".pin-shown").inner_text()
    check(page, "desk-pin-reset-done")
    assert circulation.verify_pin(patron=type(patron).objects.get(pk=patron.pk), pin=shown)
