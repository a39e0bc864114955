"""The Retention screen in headless Chromium, as the director opens it: the schedule and
today's dry run, checked with axe-core, for raw codes, clauses cited twice and sideways
scrolling at phone width. CUSTODIAN_SCREENSHOTS keeps the screenshots."""

import datetime as dt
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from custodian.accounts.models import Role
from tests.browser.chromium import MARKS
from tests.browser.page_checks import (
    axe_violations,
    duplicated_clauses,
    raw_codes,
    shown_text,
    sideways_scroll,
)
from tests.records.factories import make_patron
from tests.retention import rows

pytestmark = MARKS

PASSWORD = "a long test passphrase 42"


@pytest.fixture
def director(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return django_user_model.objects.create_user(
        username="diane", password=PASSWORD, role=Role.DIRECTOR
    )


@pytest.mark.parametrize("profile", ["jackson-county", "sonoma-county"])
def test_the_director_reads_the_schedule_and_todays_dry_run(
    browser, live_server, director, settings, profile
):
    settings.CUSTODIAN_PROFILE = profile
    long_ago = timezone.now() - dt.timedelta(days=2000)
    reader = make_patron(keeps_reading_history=True)
    for _ in range(4):
        rows.reading_history(long_ago, patron=reader)
    rows.searches(long_ago)
    held = make_patron(keeps_reading_history=True)
    rows.reading_history(long_ago, patron=held)
    rows.place_hold(held, sealed=True)

    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.goto("/staff/login/")
    page.fill("#id_username", "diane")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto("/staff/retention/")
    assert page.locator("h1").inner_text() == "How long records are kept"

    text = shown_text(page)
    assert "5 records would be deleted or made anonymous" in text
    assert "1 kept for legal holds (1 of them under a sealed hold)" in text
    assert duplicated_clauses(text, profile) == []
    assert raw_codes(text) == []
    assert axe_violations(page, Axe()) == []
    shots = os.environ.get("CUSTODIAN_SCREENSHOTS")
    folder = Path(shots) / "retention" if shots else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"director--retention--{profile}.png"), full_page=True)
    phone = folder / f"director--retention--{profile}--390px.png" if folder else None
    assert sideways_scroll(page, phone) == []
    ctx.close()
