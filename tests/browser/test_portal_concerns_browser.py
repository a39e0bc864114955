"""Tell the Director, in Chromium: the patron writes, the Director reads the list (the
overdue one marked), answers, and the patron reads the answer. Each page is scanned (axe,
labels, raw codes, sideways scrolling at 390 px) and, with CUSTODIAN_SCREENSHOTS set, saved.
"""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from custodian.accounts.models import Role
from custodian.door import Reader
from custodian.portal.services_concerns import answer_days, file_concern
from tests.browser.chromium import MARKS
from tests.browser.portal_pages import page_problems, signed_in_context
from tests.door import library

pytestmark = MARKS

PASSWORD = "a long test passphrase 42"
WORDS = "Who was told that I borrowed books about immigration law last spring?"
ANSWER = "Nobody outside the library: the access log shows only the desk's own looks."


@pytest.fixture
def people(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    branch = library.branch()
    director = django_user_model.objects.create_user(
        username="director1", password=PASSWORD, role=Role.DIRECTOR
    )
    patron = library.patron(home=branch)
    return patron, director


@override_settings(CUSTODIAN_PROFILE="jackson-county")
def test_a_concern_goes_to_the_director_and_the_answer_comes_back(browser, live_server, people):
    patron, director = people
    # One concern from long ago, past its due date, so the Director's list marks it.
    late = timezone.now() - dt.timedelta(days=answer_days() + 3)
    file_concern(reader=Reader.patron(patron.ref), topic="kept", message="An old one", now=late)
    problems: list[str] = []

    mine = signed_in_context(browser, live_server, patron)
    page = mine.new_page()
    page.set_default_timeout(15000)
    page.goto("/my/tell-the-director/")
    assert "section VIII" in page.inner_text("main")  # Jackson's clause, in words
    page.select_option("#concern-topic", "told")
    page.fill("#concern-message", WORDS)
    page.click("button[type=submit] >> text=Send to the Director")
    page.wait_for_load_state()
    assert "Your message is with the Director" in page.inner_text("main")
    assert WORDS in page.inner_text("main")
    assert "Waiting for the Director" in page.inner_text("main")
    assert WORDS not in page.url
    problems += page_problems(page, "patron-wrote", folded_too=True)

    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    desk = staff.new_page()
    desk.set_default_timeout(15000)
    desk.goto("/staff/login/")
    desk.fill("#id_username", "director1")
    desk.fill("#id_password", PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_load_state()
    desk.click("nav >> text=Patrons' concerns")
    desk.wait_for_load_state()
    listing = desk.inner_text("main")
    assert "2 waiting for an answer" in listing and "1 past the due date" in listing
    assert WORDS not in listing
    problems += page_problems(desk, "director-list", folded_too=True)

    desk.click("text=Who was told about me, or who looked")
    desk.wait_for_load_state()
    assert WORDS in desk.inner_text("main")
    problems += page_problems(desk, "director-concern", folded_too=True)
    desk.fill("#concern-answer", ANSWER)
    desk.click("button >> text=Save the answer and close")
    desk.wait_for_load_state()
    assert "The answer is saved" in desk.inner_text("main")
    assert "1 waiting for an answer" in desk.inner_text("main")

    page.reload()
    main = page.inner_text("main")
    assert ANSWER in main and "Closed" in main
    problems += page_problems(page, "patron-answered", folded_too=True)
    mine.close()
    staff.close()
    assert not problems, "\n".join(problems)
