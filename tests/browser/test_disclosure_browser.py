"""Disclosure requests walked through the real screens in Debian's headless Chromium.

Real engine, real door, real audit log; a live server in this process, so the profile is
switched with override_settings.
"""

import json
import os

import pytest
from django.test import override_settings

from custodian.audit.services import verify_log
from custodian.disclosure import rendering
from custodian.disclosure.models import Case
from tests.browser.chromium import MARKS
from tests.disclosure.library import CARD, TITLES, due_dates, make_library

PASSWORD = "a long test passphrase 42"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = MARKS


@pytest.fixture
def users(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return {
        r: django_user_model.objects.create_user(username=f"{r}1", password=PASSWORD, role=r)
        for r in ("desk", "branch_manager", "director", "designee")
    } | {
        "desk2": django_user_model.objects.create_user(
            username="desk2", password=PASSWORD, role="desk"
        )
    }


@pytest.fixture
def patron(db):
    return make_library()


@pytest.fixture
def sign_in(browser, live_server, users):
    contexts = []

    def go(who):
        ctx = browser.new_context(base_url=live_server.url)
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15000)
        page.goto("/staff/login/")
        page.fill("#id_username", users[who].username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/staff/login/" not in page.url, page.content()[:500]
        return page

    yield go
    for ctx in contexts:
        ctx.close()


def fill_intake(
    page,
    *,
    kind,
    channel="in_person",
    evidence=(),
    requested=(),
    card=CARD,
    officer=None,
    instrument=None,
    signed_by="",
    court="",
    scope=(),
    nondisclosure=False,
    purpose="",
    date_from="",
    date_to="",
    scan=None,
    stated_purpose="",
):
    """Walk the intake's four steps (who, how, what they show or hold, what they want)."""
    page.goto("/disclosure/intake/")
    page.check(f"input[name=requester_kind][value='{kind}']")
    next_step(page)
    page.check(f"input[name=channel][value='{channel}']")
    if officer:
        page.fill("input[name=officer_name]", officer[0])
        page.fill("input[name=officer_badge]", officer[1])
        page.fill("input[name=officer_agency]", officer[2])
    if stated_purpose:
        page.fill("textarea[name=stated_purpose]", stated_purpose)
    if purpose:
        page.select_option("select[name=purpose]", purpose)
    next_step(page)
    for e in evidence:
        page.check(f"input[name=evidence][value='{e}']")
    if page.locator("input[name=instrument_type]").count():
        page.check(f"input[name=instrument_type][value='{instrument or 'none'}']")
    if instrument:
        if signed_by:
            page.check(f"input[name=instrument_signed_by][value='{signed_by}']")
        if court:
            page.check(f"input[name=instrument_court][value='{court}']")
        for f in scope:
            page.check(f"input[name=instrument_scope][value='{f}']")
        if date_from:
            page.fill("input[name=instrument_date_from]", date_from)
        if date_to:
            page.fill("input[name=instrument_date_to]", date_to)
        if nondisclosure:
            page.check("input[name=nondisclosure]")
    card_here = page.locator("input[name=card_number]").count()
    if card and card_here:
        page.fill("input[name=card_number]", card)
    next_step(page)
    if card and not card_here:
        page.fill("input[name=card_number]", card)
    if scan:
        page.set_input_files(
            "input[name=scan]",
            files=[{"name": "document.pdf", "mimeType": "application/pdf", "buffer": scan}],
        )
    for f in requested:
        page.check(f"input[name=requested][value='{f}']")
    page.click("#decide")
    page.wait_for_load_state()


def next_step(page):
    """Continue to the intake's next step; it must take the answers (no error shown)."""
    page.click("#continue")
    page.wait_for_load_state()
    assert not page.locator("#intake-form .message.error").count(), page.inner_text("main")


def police_intake(page, officer, *, kind="law_enforcement", **kw):
    """`fill_intake` for an officer (name, badge, agency) who showed credentials."""
    fill_intake(page, kind=kind, evidence=["officer_credentials"], officer=officer, **kw)


def case_url(page):
    return page.get_attribute("#case-link", "href")


def open_case(sign_in, who, desk):
    """Sign in as `who` and open the case the desk's decision screen links to."""
    url = case_url(desk)
    page = sign_in(who)
    page.goto(url)
    return page, url


def submit(page, form):
    """Press the form's button and wait for the page it leads to."""
    page.click(f"{form} button")
    page.wait_for_load_state()


def hand_over(page, handed_to):
    """Produce the disclosure package from the case page."""
    page.fill("#release-form input[name=handed_to]", handed_to)
    submit(page, "#release-form")


def package(page, kind):
    """The body of the case's released package: kind "JSON" or "PDF"."""
    return page.request.get(page.get_attribute(f"#packages a:text('{kind}')", "href")).body()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_immigration_officer_with_administrative_warrant(sign_in, patron):
    page = sign_in("desk")
    police_intake(
        page,
        ("J. Smith", "4471", "ICE"),
        kind="immigration",
        instrument="administrative_warrant",
        signed_by="agency_officer",
        scope=["registration.address"],
        requested=["registration.address", "loans.titles"],
        scan=PDF,
        stated_purpose="Locate a person",
    )
    assert page.inner_text("#outcome") == "Referred"
    assert page.is_visible("#say-nothing")
    body = page.inner_text("main")
    assert "12 Orchard Lane" not in body and not any(t in body for t in TITLES)
    assert "Director" in page.inner_text("#referral-text")
    # The words to say, each with its clause one click away; then the duties to tick.
    assert "III.C.2.b" in page.inner_text("#say-copy_documents")
    assert "does not voluntarily consent" in page.inner_text("#check-c")
    page.check("#check-c input[name=done]")
    page.click("#check-c details.note summary")
    page.fill("#check-c textarea[name=note]", "Told the officer at 10:05.")
    submit(page, "#check-c")
    assert page.is_checked("#check-c input[name=done]")
    # The incident report, as a printable page and as a PDF.
    page.click("#incident-link")
    page.wait_for_load_state()
    assert page.inner_text("#badge") == "4471"
    assert "Told the officer at 10:05." in page.inner_text("#incident-report")
    resp = page.request.get(page.url + "?format=pdf")
    assert resp.headers["content-type"] == "application/pdf" and resp.body().startswith(b"%PDF")
    case = Case.objects.get()
    assert case.assigned_role == "director" and case.request.scan


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_judge_signed_warrant_released_only_within_its_face(sign_in, patron):
    desk = sign_in("desk")
    police_intake(
        desk,
        ("Det. Ruiz", "311", "SCSO"),
        instrument="search_warrant",
        signed_by="judge",
        court="state",
        scope=["loans.titles"],
        requested=["loans.titles", "registration.address"],
    )
    assert desk.inner_text("#outcome") == "Partly released"
    director, _ = open_case(sign_in, "director", desk)
    # Only what the face of the warrant names can be released.
    offered = director.eval_on_selector_all(
        "#release-form input[name=fields]", "els => els.map(e => e.value)"
    )
    assert offered == ["loans.titles"]
    director.check("#decision-form input[name=disclose][value=yes]")
    director.fill("#decision-form textarea[name=text]", "Comply as to current loans only.")
    director.fill(
        "#decision-form textarea[name=basis]", "Judge-signed state warrant naming current loans."
    )
    submit(director, "#decision-form")
    hand_over(director, "Det. Ruiz, badge 311")
    assert director.inner_text("#case-status") == "Released"
    doc = json.loads(package(director, "JSON"))
    assert list(doc["records"]) == ["loans.titles"]
    assert sorted(doc["records"]["loans.titles"]) == sorted(TITLES)
    assert "12 Orchard Lane" not in json.dumps(doc)
    assert package(director, "PDF").startswith(b"%PDF")


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_fisa_order_sealed_from_patron_and_desk_staff(sign_in, patron):
    desk = sign_in("desk")
    police_intake(
        desk,
        ("SA Kent", "F-9", "FBI"),
        instrument="fisa_order",
        signed_by="judge",
        court="fisa",
        scope=["loans.titles"],
        requested=["loans.titles"],
    )
    assert desk.is_visible("#sealed-notice")
    assert "tell no one" in desk.inner_text("#headline").lower()
    case = Case.objects.get()
    assert case.sealed
    # Gone for the desk: not listed, not openable, not even the decision screen.
    desk.goto("/disclosure/cases/")
    assert str(case.ref) not in desk.content() and "FISA" not in desk.inner_text("main")
    assert desk.goto(f"/disclosure/cases/{case.ref}/").status == 404
    assert desk.goto(f"/disclosure/request/{case.request.ref}/").status == 404
    # Nothing about it on the patron's account page.
    desk.goto(f"/desk/patron/{patron.ref}/")
    text = desk.inner_text("main").lower()
    assert "fisa" not in text and "sealed" not in text and "disclosure" not in text
    other = sign_in("desk2")
    assert other.goto(f"/disclosure/cases/{case.ref}/").status == 404
    manager = sign_in("branch_manager")
    manager.goto("/disclosure/cases/")
    assert str(case.ref) not in manager.content()
    assert manager.goto(f"/disclosure/cases/{case.ref}/").status == 404
    # The director and designees see it.
    designee = sign_in("designee")
    designee.goto("/disclosure/cases/")
    assert designee.is_visible(f"a[href='/disclosure/cases/{case.ref}/']")
    designee.goto(f"/disclosure/cases/{case.ref}/")
    assert designee.is_visible("#sealed-notice") and not designee.is_visible("#unseal-form")
    assert verify_log().ok


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_westchester_caller_with_full_barcode(sign_in, patron):
    page = sign_in("desk")
    fill_intake(
        page,
        kind="patron",
        channel="phone",
        evidence=["card_number"],
        requested=["loans.count", "loans.due_dates", "loans.titles"],
    )
    lines = page.inner_text("#say-now-lines")
    assert lines.strip() == f"3 items, due {rendering.say_dates(due_dates())}"
    assert not any(t in page.inner_text("main") for t in TITLES)
    assert "Titles of items checked out now" in page.inner_text(".withheld")


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_caller_with_only_the_card_number_is_asked_for_the_pin(sign_in, patron):
    # The finding: a caller who reads out the card number was told the address and
    # the titles on loan. Now the screen says nothing may be told and what to ask for.
    page = sign_in("desk")
    asked = ["registration.address", "loans.titles"]
    fill_intake(page, kind="patron", channel="phone", evidence=["card_number"], requested=asked)
    ask = page.inner_text("#ask-for-proof")
    assert "Before I can tell you that, I need the PIN." in ask
    assert page.is_visible("#say-nothing")
    assert not any(t in page.inner_text("main") for t in TITLES)
    shots = os.environ.get("CUSTODIAN_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/ask-for-proof.png", full_page=True)
    # The caller gives the PIN: tick it and decide again, without starting over.
    page.check("#add-proof-form input[name=evidence][value=pin]")
    page.click("#add-proof")
    page.wait_for_load_state()
    assert not page.is_visible("#ask-for-proof")
    assert any(t in page.inner_text("#say-now-lines") for t in TITLES)


@override_settings(CUSTODIAN_PROFILE="jackson-county")
def test_jackson_subpoena_through_director_and_board(sign_in, patron):
    desk = sign_in("desk")
    police_intake(
        desk,
        ("Dep. Jones", "77", "JCSO"),
        instrument="subpoena",
        signed_by="clerk",
        court="state",
        scope=["loans.titles"],
        requested=["loans.titles", "registration.address"],
        date_from="2020-01-01",
        date_to="2099-12-31",
    )
    assert desk.inner_text("#outcome") == "Referred"
    director, url = open_case(sign_in, "director", desk)
    director.goto("/disclosure/cases/")
    assert director.is_visible("#queue-list")
    director.goto(url)

    def review(board):
        director.select_option("#review-form select[name=instrument_valid]", "yes")
        director.check("#review-form input[name=counsel_consulted]")
        if board:
            director.check("#review-form input[name=board_consulted]")
        submit(director, "#review-form")

    review(board=False)  # VIII ¶2: sent back to the Director to confer with the Board
    assert director.inner_text("#case-outcome") == "Referred"
    review(board=True)
    assert director.inner_text("#case-outcome") == "Partly released"
    hand_over(director, "Deputy Jones, JCSO")
    assert director.inner_text("#case-status") == "Released"
    doc = json.loads(package(director, "JSON"))
    assert list(doc["records"]) == ["loans.titles"] and doc["date_from"] == "2020-01-01"
    director.click("#fold-review > summary")  # the reviews fold once the case is released
    assert "Board" in director.inner_text("#reviews") or "board yes" in director.inner_text(
        "#reviews"
    )


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_westchester_emergency_then_counsel_review(sign_in, patron):
    desk = sign_in("desk")
    police_intake(
        desk,
        ("Sgt. Lee", "9", "WPD"),
        channel="phone",
        purpose="emergency",
        requested=["registration.address"],
    )
    assert desk.inner_text("#outcome") == "Referred"
    director, url = open_case(sign_in, "director", desk)
    director.check("#review-form input[name=emergency_confirmed]")
    submit(director, "#review-form")
    assert director.inner_text("#case-outcome") == "Released"
    hand_over(director, "Sgt. Lee, WPD")
    assert director.is_visible("#counsel-due")
    director.goto("/disclosure/cases/")
    assert "Counsel must review" in director.inner_text("#reminder-list")
    director.goto(url)
    director.fill("#counsel-form input[name=counsel_name]", "Town Attorney")
    director.fill("#counsel-form textarea[name=conclusion]", "The emergency release was proper.")
    submit(director, "#counsel-form")
    director.click("#fold-counsel > summary")  # done, so folded: one click shows it
    assert "Town Attorney" in director.inner_text("#counsel-done")
    director.goto("/disclosure/cases/")
    assert not director.is_visible("#reminder-list")
