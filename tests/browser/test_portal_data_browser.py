"""Take my data in Chromium, as a patron uses it: sign in with card and PIN, open the page,
download the JSON (every category in it) and the PDF, open the printable page. Each page
at 1280 and 390 px with axe-core (no serious or critical violation), labelled controls,
no raw codes and no sideways scroll; screenshots when CUSTODIAN_SCREENSHOTS names a folder
(`portal-data.png`, `portal-data-print.png`, and their `--390px` versions)."""

import json
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from custodian.circulation import services as circulation
from custodian.door.takeout import CATEGORIES
from tests.browser.chromium import MARKS
from tests.browser.portal_pages import check_page
from tests.door import library
from tests.portal.takeout_library import full_patron

pytestmark = MARKS
PIN = "5937"


@pytest.fixture
def patron(db):
    patron = full_patron(tag="Walker", past_loans=12, others=2, branch=library.branch())
    circulation.set_pin(patron=patron, pin=PIN)
    return patron


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_take_my_data_in_the_browser(browser, live_server, patron):
    ctx = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, accept_downloads=True
    )
    try:
        page = ctx.new_page()
        page.set_default_timeout(20000)
        page.goto(reverse("portal:home"))
        page.fill("#id_card_number", patron.card_number)
        page.fill("#id_pin", PIN)
        with page.expect_navigation():
            page.click("button[type=submit]")

        page.goto(reverse("portal:data"))
        assert page.locator("h1").inner_text() == "Take my data"
        check_page(page, "data")

        with page.expect_download() as got:
            page.click("text=Download as JSON")
        download = got.value
        assert download.suggested_filename.startswith("my-library-data-")
        doc = json.loads(Path(download.path()).read_text())
        assert list(doc["categories"]) == list(CATEGORIES)
        assert all(c["status"] == "included" for c in doc["categories"].values())
        assert len(doc["categories"]["reading_history"]["records"]) == 12

        with page.expect_download() as got:
            page.click("text=Download as PDF")
        assert Path(got.value.path()).read_bytes().startswith(b"%PDF")

        with page.expect_navigation():
            page.click("text=Open the printable page")
        assert "Walker H title 11" in page.locator("#category-reading_history").inner_text()
        assert page.locator("main section h2").count() == len(CATEGORIES)
        check_page(page, "data-print")
    finally:
        ctx.close()
