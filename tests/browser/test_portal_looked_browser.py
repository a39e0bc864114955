"""Who has looked, and the privacy page, in Chromium: a clerk's read appears with role and
branch, a sealed FISA case never does; the privacy page of each profile, signed out. Each
page is scanned (axe, labels, raw codes, one <h1>, sideways scrolling at 390 px) and, with
CUSTODIAN_SCREENSHOTS set, saved.
"""

import pytest
from django.test import override_settings

from custodian import door
from custodian.accounts.models import Role
from custodian.disclosure import services as disclosure
from tests.browser.chromium import MARKS
from tests.browser.page_checks import (
    shown_text,
)
from tests.browser.portal_pages import page_problems, signed_in_context
from tests.disclosure.intakes import fisa_order
from tests.door import library

pytestmark = MARKS


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
    ctx = signed_in_context(browser, live_server, patron)
    page = ctx.new_page()
    problems: list[str] = []
    page.goto("/my/who-looked/")
    before = page.locator("ol.looks").inner_text()
    assert "Opened your record" in before and "Desk staff, at MAIN Library" in before
    assert "clerk" not in page.content()
    problems += page_problems(page, "who-looked", folded_too=True)

    case = disclosure.intake(user=other_clerk, data=fisa_order(card_number=patron.card_number)).case
    assert case.sealed
    disclosure.get_case(director, case.ref)
    page.goto("/my/who-looked/")
    assert page.locator("ol.looks").inner_text() == before
    problems += page_problems(page, "who-looked-after-sealed-case", folded_too=True)
    ctx.close()
    assert problems == []


@pytest.mark.parametrize(
    "profile", ["sonoma-county", "jackson-county", "jensen-memorial", "westchester"]
)
def test_the_privacy_page_of_each_profile(browser, live_server, profile):
    with override_settings(CUSTODIAN_PROFILE=profile):
        ctx = signed_in_context(browser, live_server)
        page = ctx.new_page()
        problems: list[str] = []
        page.goto("/my/privacy/")
        assert page.locator("h1").inner_text() == "The library's privacy policy"
        assert "Who may be told what about you" in shown_text(page)
        problems += page_problems(page, f"privacy-{profile}", folded_too=True)
        ctx.close()
    assert problems == []
