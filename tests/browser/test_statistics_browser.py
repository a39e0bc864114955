"""The statistics page in Chromium, on a generated library: the Director opens it, sees the
two charts and the table (small figures in words), switches to age bands, and the page is
scanned (axe, labels, raw codes, sideways scrolling at 390 px). With CUSTODIAN_SCREENSHOTS
set it is saved as portal-statistics*.png.
"""

import pytest
from django.utils import timezone

from custodian.accounts.models import Role
from custodian.synth.generator import generate
from tests.browser.chromium import MARKS
from tests.browser.portal_pages import page_problems

pytestmark = MARKS

PASSWORD = "a long test passphrase 42"


@pytest.fixture
def director(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    generate(patrons=1500, seed=2026)
    return django_user_model.objects.create_user(
        username="dana", password=PASSWORD, role=Role.DIRECTOR
    )


def test_the_statistics_page_with_charts(browser, live_server, director):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.goto("/staff/login/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    year = timezone.localdate().year
    page.goto(f"/staff/statistics/?year={year}")
    main = page.inner_text("main")
    assert f"Check-outs in {year}, by branch and month" in main
    assert page.locator("svg.chart").count() == 2
    assert page.locator("svg.chart title").count() == 2
    assert page.locator("#statistics-table tbody tr").count() >= 3
    problems = page_problems(page, "statistics")

    page.select_option("#rows", "age_band")
    page.select_option("#columns", "none")
    page.click("button >> text=Show")
    page.wait_for_load_state()
    assert f"Check-outs in {year}, by age band" in page.inner_text("main")
    assert "fewer than 10" in page.inner_text("main") or "withheld" in page.inner_text("main")
    problems += page_problems(page, "statistics-age-bands")
    ctx.close()
    assert problems == [], problems
