"""The director's case screens in Debian's headless Chromium: a long case page with its
summary and folded sections, the override, and case lists whose whole row opens the case.

Real engine, real door, real audit log (Sonoma's profile). With CUSTODIAN_SCREENSHOTS set,
full-page screenshots of the long case page and the list are saved there.
"""

import os
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from custodian.disclosure import services
from custodian.disclosure.models import Case
from tests.browser.chromium import MARKS
from tests.browser.page_checks import axe_violations, raw_codes, shown_text, sideways_scroll
from tests.disclosure.intakes import officer
from tests.disclosure.library import make_library

PASSWORD = "a long test passphrase 42"

pytestmark = MARKS


def _shot(name):
    folder = os.environ.get("CUSTODIAN_SCREENSHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder) / name


@pytest.fixture
def users(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return {
        r: django_user_model.objects.create_user(username=f"{r}1", password=PASSWORD, role=r)
        for r in ("desk", "branch_manager", "director")
    }


@pytest.fixture
def sign_in(browser, live_server, users):
    contexts = []

    def go(who):
        ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15000)
        page.goto("/staff/login/")
        page.fill("#id_username", users[who].username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield go
    for ctx in contexts:
        ctx.close()


def _immigration_case(users):
    """An immigration officer with an administrative warrant (Sonoma refers it to the Director)."""
    data = officer(stated_purpose="Locate a person")
    return services.intake(user=users["desk"], data=data).case


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_long_case_page_summary_folds_and_the_override(sign_in, users, db):
    make_library()
    case = _immigration_case(users)
    for note in ("Officer left a copy of the warrant.", "Called counsel; awaiting advice."):
        services.add_note(user=users["director"], case=case, note=note)
    page = sign_in("director")
    page.goto(f"/disclosure/cases/{case.ref}/")
    # The summary first: where it stands, what waits, on whom, by when.
    assert page.inner_text("#case-waiting") == "The legal review"
    assert page.inner_text("#case-waits-on") == "The Library Director"
    assert page.is_visible("#case-due")
    # Only the section needing action is open (and the request); the rest fold.
    assert page.is_visible("#review-form")
    assert not page.is_visible("#timeline") and not page.is_visible("#decision-form")
    page.click("#fold-timeline > summary")
    assert page.is_visible("#timeline")
    # The decision form starts with nothing chosen.
    page.click("#fold-decision > summary")
    assert page.locator("#decision-form input:checked").count() == 0
    # Disclosing the address (the engine referred it) without the override is refused.
    page.check("#decision-form input[name=disclose][value=yes]")
    page.check("#decision-form input[name=fields][value='registration.address']")
    page.fill("#decision-form textarea[name=text]", "Disclose the address named on its face.")
    page.fill("#decision-form textarea[name=basis]", "Counsel's advice on the reissued warrant.")
    page.click("#decision-form button")
    page.wait_for_load_state()
    assert "more than the policy engine" in page.inner_text(".messages, main")
    assert Case.objects.get(pk=case.pk).written_decisions.count() == 0
    page.click("#fold-decision > summary")
    page.check("#decision-form input[name=disclose][value=yes]")
    page.check("#decision-form input[name=fields][value='registration.address']")
    page.fill("#decision-form textarea[name=text]", "Disclose the address named on its face.")
    page.fill("#decision-form textarea[name=basis]", "Counsel's advice on the reissued warrant.")
    page.check("#decision-form input[name=override]")
    page.fill("#decision-form textarea[name=override_reason]", "A judge reissued the warrant.")
    page.fill("#decision-form input[name=override_counsel]", "Town Attorney Ames")
    page.fill("#decision-form input[name=counsel_reviewed_on]", timezone.localdate().isoformat())
    page.click("#decision-form button")
    page.wait_for_load_state()
    assert page.inner_text("#case-status") == "Release approved"
    assert page.inner_text("#case-waiting") == "Producing the disclosure package"
    assert page.is_visible("#release-form")
    page.click("#fold-timeline > summary")
    assert "Director's override of the policy engine" in page.inner_text("#timeline")
    text = shown_text(page)
    assert raw_codes(text) == [], raw_codes(text)
    assert axe_violations(page, _axe()) == []
    shot = _shot("case-page-director-long.png")
    if shot:
        page.reload()  # as it opens: the summary, the request, the section needing action
        page.screenshot(path=str(_shot("case-page-director-folded.png")), full_page=True)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.screenshot(path=str(shot), full_page=True)


def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_case_list_rows_open_the_case_by_click_or_keyboard(sign_in, users, db):
    make_library()
    case = _immigration_case(users)
    page = sign_in("director")
    page.goto("/disclosure/cases/")
    row = page.locator("#queue-table tbody tr").first
    assert "Immigration officer: J. Smith, ICE" in row.inner_text()
    # A click on the "Age" cell, not on the link, opens the case: the row is the link.
    # (Playwright sees the row link over the cell, as intended: click the cell's spot.)
    box = row.locator("td[data-label=Age]").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.url.endswith(f"/disclosure/cases/{case.ref}/")
    page.go_back()
    page.wait_for_load_state()
    # The keyboard reaches the row's one real link and opens it with Enter.
    page.focus("#queue-table a.row-link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/disclosure/cases/{case.ref}/")
    page.goto("/disclosure/cases/")
    assert axe_violations(page, _axe()) == []
    assert sideways_scroll(page, _shot("case-list-director-phone.png")) == []
    shot = _shot("case-list-director.png")
    if shot:
        page.screenshot(path=str(shot), full_page=True)
