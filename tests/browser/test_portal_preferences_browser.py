"""Settings (/my/settings/) in Chromium as a patron uses it: choose phone messages with
titles at Jensen Memorial, save, and see that the example phone message still names no
title (Regulation 4); then email, where the example does. axe-core (no serious or
critical violation), labelled controls, no sideways scroll at 390 px; screenshots when
CUSTODIAN_SCREENSHOTS names a folder."""

from django.test import override_settings
from django.urls import reverse

from custodian.circulation import services as circulation
from custodian.records.models import Patron
from tests.browser.chromium import MARKS
from tests.browser.portal_pages import check_page
from tests.door import library

pytestmark = MARKS
PIN = "4821"


@override_settings(CUSTODIAN_PROFILE="jensen-memorial")
def test_choose_phone_with_titles_and_see_the_policy_win(browser, live_server):
    patron = library.patron(card_number="21234000080061")
    circulation.set_pin(patron=patron, pin=PIN)
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        page.set_default_timeout(15000)
        page.goto(reverse("portal:home"))
        page.fill("#id_card_number", patron.card_number)
        page.fill("#id_pin", PIN)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(reverse("portal:preferences"))
        assert page.locator("h1").count() == 1
        assert not page.is_checked("#titles")  # off by default
        check_page(page, "settings")
        page.check("#channel-phone")
        page.check("#titles")
        page.click("form.preferences button[type=submit]")
        page.wait_for_load_state()
        assert "Your settings are saved." in page.inner_text("main")
        examples = page.inner_text("section[aria-labelledby=examples-heading]")
        assert "Phone message" in examples and "An example title" not in examples
        check_page(page, "settings-phone")
        stored = Patron.objects.get(pk=patron.pk)
        assert (stored.notice_channel, stored.titles_in_notices) == ("phone", True)
        page.check("#channel-email")
        page.click("form.preferences button[type=submit]")
        page.wait_for_load_state()
        examples = page.inner_text("section[aria-labelledby=examples-heading]")
        assert "An example title" in examples
        check_page(page, "settings-email")
    finally:
        ctx.close()
