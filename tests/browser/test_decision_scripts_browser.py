"""The page the clerk reads from with an officer at the counter fits one 1280×800 screen:
the headline, the words to say and the duties, before anything is unfolded.

Sonoma, an immigration officer in person with an administrative warrant (the issue's
walk). The request is taken through the intake service (tests/browser/test_every_screen.py
and the intake tests walk the steps); this test measures the decision page in Chromium.
"""

import os

import pytest
from django.test import override_settings
from django.urls import reverse

from custodian.disclosure import services
from custodian.disclosure.services import Intake
from tests.browser.chromium import MARKS
from tests.browser.page_checks import (
    axe_violations,
    duplicated_clauses,
    shown_text,
    sideways_scroll,
    unfold,
    unlabelled_controls,
)
from tests.disclosure.library import CARD, make_library

PASSWORD = "a long test passphrase 42"
WIDTH, HEIGHT = 1280, 800

pytestmark = MARKS


@pytest.fixture
def desk(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return django_user_model.objects.create_user(username="desk1", password=PASSWORD, role="desk")


def _officer_at_the_desk(user):
    return services.intake(
        user=user,
        data=Intake(
            requester_kind="immigration",
            channel="in_person",
            evidence=["officer_credentials"],
            officer_name="J. Smith",
            officer_badge="4471",
            officer_agency="ICE",
            stated_purpose="Locate a person",
            card_number=CARD,
            instrument_type="administrative_warrant",
            instrument_signed_by="agency_officer",
            instrument_scope=["registration.address"],
            requested=["registration.address", "loans.titles"],
        ),
    )


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_the_officer_decision_page_fits_one_screen(browser, live_server, desk):
    make_library()
    screen = _officer_at_the_desk(desk)
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page = ctx.new_page()
        page.set_default_timeout(15000)
        page.goto("/staff/login/")
        page.fill("#id_username", "desk1")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(reverse("disclosure:request", args=[screen.request.ref]))
        page.wait_for_load_state()

        shots = os.environ.get("CUSTODIAN_SCREENSHOTS")
        if shots:  # before any assertion, so a failure leaves the picture to look at
            page.screenshot(path=f"{shots}/decision-officer-1280x800.png")
            page.screenshot(path=f"{shots}/decision-officer-full.png", full_page=True)
        # What the clerk needs, visible at once without scrolling or unfolding.
        boxes = {
            "headline": page.locator("#headline").bounding_box(),
            "script": page.locator("#script").bounding_box(),
            "duties": page.locator("#must-do + ol.checklist").bounding_box(),
        }
        for name, box in boxes.items():
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, (name, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        said = page.locator("#script q.say").all_inner_texts()
        assert said[0] == (
            "I can't give out information about anyone's library use. "
            "I need to call the Library Director first."
        )
        assert "May I see your badge? I need to take down your name and badge number." in said
        for line in page.locator("#script q.say").all():
            assert line.is_visible()
        # The policy's words are folded: present, one click away, not on screen yet.
        clause = page.locator("#say-state_no_voluntary_consent details.clause")
        assert not clause.locator("blockquote").is_visible()
        clause.locator("summary").click()
        text = clause.locator("blockquote").inner_text()
        assert clause.locator("blockquote").is_visible()
        assert "does not voluntarily consent to allow the officer" in text
        # Every duty of the decision is on the list the clerk can see, each once.
        duties = page.locator("#must-do + ol.checklist")
        for item in screen.must_do:
            assert page.locator(f"#check-{item.code}").count() == 1
            assert duties.locator(f"#check-{item.code}").count() == 1
        # Unfolded, each clause still appears once; every control is labelled; axe finds
        # nothing serious; a phone-width screen does not scroll sideways.
        unfold(page)
        assert duplicated_clauses(shown_text(page), "sonoma-county") == []
        assert unlabelled_controls(page) == []
        from axe_playwright_python.sync_playwright import Axe

        assert axe_violations(page, Axe()) == []
        assert sideways_scroll(page) == []
    finally:
        ctx.close()
