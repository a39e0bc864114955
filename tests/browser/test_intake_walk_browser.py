"""The scripted walk of the demo at Sonoma (issue 9, "Done when"): an immigration officer
with an administrative warrant at the counter. The clerk completes the intake in at most
six screens, each step passes an axe scan, and the page the clerk reads from shows its
headline and the words to say on a 1280×800 screen before any scrolling or folding.
"""

import os

import pytest
from django.test import override_settings

from custodian.disclosure.models import DisclosureRequest
from tests.browser.chromium import MARKS
from tests.disclosure.library import CARD, make_library

PASSWORD = "a long test passphrase 42"
SCREEN = {"width": 1280, "height": 800}
FAILING = ("serious", "critical")

pytestmark = MARKS


@pytest.fixture
def clerk(django_user_model, settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_library()
    return django_user_model.objects.create_user(username="desk1", password=PASSWORD, role="desk")


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def signed_in(browser, live_server, clerk, **context):
    ctx = browser.new_context(base_url=live_server.url, viewport=SCREEN, **context)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.goto("/staff/login/")
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return ctx, page


def serious(page, axe) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in axe.run(page).response["violations"]
        if v.get("impact") in FAILING
    ]


def shot(page, name):
    folder = os.environ.get("CUSTODIAN_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"intake-{name}.png"), full_page=True)


def press(page, button):
    page.click(button)
    page.wait_for_load_state()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_officer_with_an_administrative_warrant_in_six_screens(
    browser, live_server, clerk, axe
):
    ctx, page = signed_in(browser, live_server, clerk)
    loads = []
    page.on("load", lambda p: loads.append(p.url))
    problems = {}

    page.goto("/disclosure/intake/")
    problems["who"] = serious(page, axe)
    shot(page, "1-who")
    page.check("input[name=requester_kind][value=immigration]")
    press(page, "#continue")

    problems["how"] = serious(page, axe)
    page.check("input[name=channel][value=in_person]")
    page.fill("input[name=officer_name]", "J. Smith")
    page.fill("input[name=officer_badge]", "4471")
    page.fill("input[name=officer_agency]", "ICE")
    shot(page, "2-how")
    press(page, "#continue")

    problems["shows"] = serious(page, axe)
    page.check("input[name=evidence][value=officer_credentials]")
    page.check("input[name=instrument_type][value=administrative_warrant]")
    page.check("input[name=instrument_signed_by][value=agency_officer]")
    page.check("input[name=instrument_scope][value='registration.address']")
    assert not page.locator("input[name=card_number]").count()  # no card fields for them
    shot(page, "3-shows")
    press(page, "#continue")

    problems["wants"] = serious(page, axe)
    page.fill("input[name=card_number]", CARD)
    page.check("input[name=requested][value='registration.address']")
    page.check("input[name=requested_groups][value=out]")  # everything they have out
    # The group box ticks its lines (a little script; the server expands it anyway).
    assert page.is_checked("input[name=requested][value='loans.titles']")
    shot(page, "4-wants")
    press(page, "#decide")

    assert "/disclosure/request/" in page.url, page.inner_text("main")[:500]
    assert len(loads) <= 6, loads
    assert problems == {"who": [], "how": [], "shows": [], "wants": []}, problems
    req = DisclosureRequest.objects.get()
    assert req.requester_kind == "immigration" and req.instrument_type == "administrative_warrant"
    assert "loans.titles" in req.requested and "ill.records" in req.requested

    # The page the clerk reads from: the headline and the words to say above the fold.
    shot(page, "5-decision")
    headline = page.locator("#headline").bounding_box()
    say = page.locator("#script").bounding_box()
    height = page.evaluate("document.documentElement.scrollHeight")
    print(
        f"intake: {len(loads)} page loads; decision page {height} px tall, "
        f"words to say end at {say['y'] + say['height']:.0f} px"
    )
    assert headline["y"] + headline["height"] <= SCREEN["height"]
    assert say["y"] + say["height"] <= SCREEN["height"], f"page {height} px tall"
    ctx.close()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_without_javascript_the_steps_errors_and_groups_still_work(browser, live_server, clerk):
    ctx, page = signed_in(browser, live_server, clerk, java_script_enabled=False)
    page.goto("/disclosure/intake/")
    press(page, "#continue")  # nothing chosen: the error is at the field, focus on it
    assert page.inner_text("#id_requester_kind_error") == "Choose who is asking."
    assert page.get_attribute("input[name=requester_kind] >> nth=0", "autofocus") is not None
    page.check("input[name=requester_kind][value=guardian]")
    press(page, "#continue")
    page.check("input[name=channel][value=in_person]")
    page.fill("input[name=requester_name]", "A. Parent")
    press(page, "#continue")
    assert not page.locator("input[name=instrument_type]").count()  # no document for a parent
    page.check("input[name=evidence][value=library_card]")
    page.fill("input[name=card_number]", CARD)
    press(page, "#continue")
    press(page, "#back")  # back and forward: the card number is still there
    assert page.input_value("input[name=card_number]") == CARD
    press(page, "#continue")
    page.check("input[name=requested_groups][value=money]")
    assert not page.is_checked("input[name=requested][value='charges.amount']")  # no script
    press(page, "#decide")
    assert "/disclosure/request/" in page.url, page.inner_text("main")[:500]
    req = DisclosureRequest.objects.get()
    assert req.requested == ["charges.amount", "charges.details", "payments.records"]
    ctx.close()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_an_error_takes_the_focus_and_passes_the_scan(browser, live_server, clerk, axe):
    ctx, page = signed_in(browser, live_server, clerk)
    page.goto("/disclosure/intake/")
    page.check("input[name=requester_kind][value=law_enforcement]")
    press(page, "#continue")
    page.check("input[name=channel][value=in_person]")
    press(page, "#continue")
    # A date range that ends before it starts, and no answer to "a document?".
    page.fill("input[name=instrument_date_from]", "2026-05-01")
    page.fill("input[name=instrument_date_to]", "2026-01-01")
    press(page, "#continue")
    assert "Say whether they hold a document" in page.inner_text("#id_instrument_type_error")
    assert "ends before it starts" in page.inner_text("#id_instrument_date_to_error")
    focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    assert focused == ["instrument_type", "none"]
    shot(page, "error-at-the-field")
    assert serious(page, axe) == []
    ctx.close()
