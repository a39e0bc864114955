"""The 404 and form-expired (CSRF failure) pages in a real browser: styled, plain, no code.

Set CUSTODIAN_SCREENSHOTS to a folder to keep full-page screenshots of both.
"""

import os

import pytest

from tests.browser.chromium import MARKS

pytestmark = MARKS


@pytest.fixture
def page(browser, live_server):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.set_default_timeout(15000)
    yield page
    ctx.close()


def _shot(page, name):
    shots = os.environ.get("CUSTODIAN_SCREENSHOTS")
    if shots:
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


def _styled(page):
    # The stylesheet loaded (the header is drawn dark, not the browser's default transparent).
    bg = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    text = page.inner_text("main")
    assert "Traceback" not in text and "CSRF" not in text
    assert page.get_attribute("main a[href='/']", "href") == "/"
    return text


def test_404_page_in_the_browser(page):
    response = page.goto("/desk/patron/not-a-real-place/")
    assert response.status == 404
    text = _styled(page)
    assert "Page not found" in text
    _shot(page, "error-404")


def test_csrf_failure_page_in_the_browser(page):
    page.goto("/staff/login/")
    page.context.clear_cookies()  # the form's safety token is gone, as after a long break
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "whatever")
    with page.expect_response(
        lambda r: r.url.endswith("/staff/login/") and r.request.method == "POST"
    ) as info:
        page.click("button[type=submit]")
    assert info.value.status == 403
    text = _styled(page)
    assert "The form could not be sent" in text
    _shot(page, "error-csrf")
