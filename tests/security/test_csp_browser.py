"""The Content-Security-Policy in a real browser: the screens work under it, and a script
injected into a page (the usual cross-site scripting payload) does not run."""

import pytest

from custodian.accounts.models import Role
from tests.browser.chromium import ARGS, CHROMIUM, MARKS
from tests.door import library

pytestmark = MARKS

INJECT = """() => {
  const s = document.createElement('script');
  s.textContent = 'window.__injected = "script ran"';
  document.body.appendChild(s);
  const img = document.createElement('img');
  img.setAttribute('onerror', 'window.__handler = "handler ran"');
  img.src = 'data:,not-an-image';
  document.body.appendChild(img);
}"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _signed_in_page(browser, live_server, *, bypass_csp=False):
    library.staff(Role.DESK, "clerk")
    ctx = browser.new_context(base_url=live_server.url, bypass_csp=bypass_csp)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/staff/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", library.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return ctx, page, violations


def _inject(page) -> tuple:
    page.evaluate(INJECT)
    page.wait_for_timeout(300)
    return page.evaluate("[window.__injected, window.__handler]")


def test_screens_work_under_the_csp_and_an_injected_script_does_not_run(
    browser, live_server, rosalind
):
    ctx, page, violations = _signed_in_page(browser, live_server)
    try:
        assert page.url.endswith("/desk/")
        page.goto(f"/desk/patron/{rosalind.ref}/")
        assert "Quackenbush" in page.content()
        # The stylesheet loaded and applies (it is 'self', so the policy allows it).
        assert page.evaluate("document.styleSheets.length >= 1")
        assert page.evaluate("document.styleSheets[0].cssRules.length") > 0
        assert violations == []  # nothing on the screens themselves was blocked

        assert _inject(page) == [None, None]
        assert violations, "the browser reports the blocked injection"
    finally:
        ctx.close()


def test_the_same_injection_runs_when_the_policy_is_bypassed(browser, live_server, rosalind):
    """The control: without the CSP, the payload above would have run."""
    ctx, page, _ = _signed_in_page(browser, live_server, bypass_csp=True)
    try:
        page.goto(f"/desk/patron/{rosalind.ref}/")
        assert _inject(page) == ["script ran", "handler ran"]
    finally:
        ctx.close()
