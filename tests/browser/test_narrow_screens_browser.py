"""Staff pages on a phone (390 x 844): nothing scrolls sideways, and a card that may not be
used is warned about in the first screenful.

The demo library (generated into the test database, as `custodian demo` makes it) is served
by a live server in this process, so the run uses whichever database the suite runs on.
Full-page screenshots go to $CUSTODIAN_SCREENSHOTS/narrow-*.png when that is set.
"""

import json
import os
from pathlib import Path

import pytest

from custodian.disclosure.models import Case
from custodian.records.models import Loan, Patron
from custodian.records.sealing import card_index
from custodian.synth import services as synth
from tests.browser.chromium import MARKS

pytestmark = MARKS

PHONE = {"width": 390, "height": 844}
ALERTS = ("card_stolen", "card_lost", "expired", "blocked")

# The page's width, and the outermost elements that stick out past the right edge.
WIDTH = """() => {
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    const p = el.parentElement;
    if (r.width && r.right > 390.5 && !(p && p.getBoundingClientRect().right > 390.5)) {
      wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    }
  }
  return {width: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


@pytest.fixture
def demo(settings, tmp_path):
    """The demo library and its logins (role -> (username, password))."""
    settings.DATA_DIR = tmp_path
    logins = synth.prepare_demo(patrons=120, seed=5, console=None)
    return {login.role: (login.username, login.password) for login in logins}


@pytest.fixture
def sign_in(browser, live_server, demo):
    contexts = []

    def go(role):
        ctx = browser.new_context(base_url=live_server.url, viewport=PHONE)
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(20000)
        page.goto("/staff/login/")
        username, password = demo[role]
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/staff/login/" not in page.url, page.content()[:500]
        return page

    yield go
    for ctx in contexts:
        ctx.close()


def _shoot(page, name: str) -> None:
    folder = os.environ.get("CUSTODIAN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"narrow-{name}.png"), full_page=True)


def _ref_of(card_number: str) -> str:
    return str(Patron.objects.values_list("ref", flat=True).get(card_index=card_index(card_number)))


def test_staff_pages_fit_a_phone_and_alerts_show_in_the_first_screenful(sign_in, settings):
    cards = json.loads((settings.DATA_DIR / "demo-patrons.json").read_text())
    showcase = {s["label"]: s["card_number"] for s in cards["showcase"]}
    alerts = {s["label"]: s["card_number"] for s in cards["alerts"]}
    assert set(alerts) == set(ALERTS), "the demo has one card of each kind the desk warns about"
    adult = _ref_of(showcase["adult"])
    case = Case.objects.filter(sealed=False).order_by("-pk").first()
    assert case is not None, "the demo week left open cases"
    barcode = Loan.objects.exclude(patron__ref=adult).values_list("item__barcode", flat=True)[0]

    problems: list[str] = []

    def check(page, name: str) -> None:
        assert page.url and "/staff/login/" not in page.url
        found = page.evaluate(WIDTH)
        if found["width"] > PHONE["width"]:
            problems.append(f"{name}: {found['width']} px wide ({', '.join(found['wide'])})")
        _shoot(page, name)

    clerk = sign_in("desk")
    clerk.goto("/desk/")
    check(clerk, "desk-find")
    clerk.goto(f"/desk/patron/{adult}/")
    assert clerk.locator("table").count() >= 3  # loans, holds, charges
    check(clerk, "desk-patron")
    clerk.goto("/desk/")
    clerk.fill("#id_barcode", barcode)
    clerk.click("#checkin-heading ~ form button[type=submit]")
    clerk.wait_for_load_state()
    assert f"Checked in item {barcode}" in clerk.content()
    check(clerk, "desk-check-in")
    for label in ALERTS:
        clerk.goto(f"/desk/patron/{_ref_of(alerts[label])}/")
        alert = clerk.locator('[role="alert"].standing-alert')
        assert alert.count() == 1, label
        box = alert.bounding_box()
        if box["y"] + box["height"] > PHONE["height"]:
            problems.append(f"{label}: the alert ends at {box['y'] + box['height']:.0f} px")
        check(clerk, f"desk-{label.replace('_', '-')}")

    director = sign_in("director")
    director.goto(f"/desk/patron/{adult}/")
    assert director.locator("#history-heading").count() == 1  # the adult keeps a history
    check(director, "desk-patron-director")
    for path, name in (
        ("/disclosure/", "disclosure-home"),
        ("/disclosure/cases/", "disclosure-cases"),
        (f"/disclosure/cases/{case.ref}/", "disclosure-case"),
        ("/disclosure/board/", "disclosure-board"),
        ("/staff/", "staff-home"),
    ):
        response = director.goto(path)
        assert response.status == 200, path
        check(director, name)

    it_admin = sign_in("it_admin")
    for path, name in (("/staff/", "staff-home-it"), ("/staff/people/", "staff-people")):
        response = it_admin.goto(path)
        assert response.status == 200, path
        check(it_admin, name)

    assert not problems, "\n".join(problems)
