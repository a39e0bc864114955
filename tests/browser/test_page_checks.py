"""The checks test_every_screen.py runs on each screen find what they are meant to find.

Each is shown a small page with the fault and the same page without it, so a check that
quietly stopped working (and let every screen pass) fails here.
"""

import pytest

from tests.browser import page_checks as checks
from tests.browser.chromium import MARKS

# Chromium's marks, without the database: these pages are set from strings.
BROWSER = [m for m in MARKS if m.name != "django_db"]
SONOMA = "sonoma-county"
STEP_A = "III.C.2.a"
# A sentence of Sonoma's clause III.B.1, verbatim.
III_B_1 = (
    "All patron information and related records maintained by the Sonoma County Library "
    "shall remain confidential and shall not be disclosed to any person, entity, or "
    "governmental agency except as follows:"
)


def test_a_clause_id_twice_is_found_once_is_not():
    found = checks.duplicated_clauses(f"{STEP_A}: ask for the badge. See {STEP_A}.", SONOMA)
    assert len(found) == 1 and found[0].startswith(f"clause {STEP_A} cited 2 times: "), found
    assert f"See [{STEP_A}]" in found[0]
    assert checks.duplicated_clauses(f"{STEP_A}: ask for the badge.", SONOMA) == []


def test_a_longer_clause_id_is_not_its_shorter_parent():
    assert (
        checks.duplicated_clauses("III.C.2: call. III.C.2.a, III.C.2.b and III.C.2 ¶2", SONOMA)
        == []
    )


def test_a_clause_text_shown_twice_is_found():
    found = checks.duplicated_clauses(f"“{III_B_1}” … {III_B_1}", SONOMA)
    assert len(found) == 1 and "III.B.1's text" in found[0]
    assert checks.duplicated_clauses(III_B_1, SONOMA) == []


def test_raw_codes_timestamps_and_template_syntax_are_found():
    found = checks.raw_codes(
        "Asked for registration.address at 2026-12-02T03:15:00.123456+00:00 {# a note #}"
    )
    assert len(found) == 3
    assert "registration.address" in found[0] and "123456" in found[1]
    assert "{#" in found[2]
    assert checks.raw_codes("Asked for the postal address on 2 December 2026, 3:15 pm") == []


def _browser(test):
    for mark in BROWSER:
        test = mark(test)
    return test


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": checks.DESK[0], "height": checks.DESK[1]})
    yield ctx.new_page()
    ctx.close()


@_browser
def test_unlabelled_controls_are_named(page):
    page.set_content(
        "<label for=a>Card</label><input id=a name=a>"
        "<label><input type=checkbox name=b value=x> Done</label>"
        "<input type=hidden name=c><input aria-label=Search name=d>"
        "<input name=e><select name=f></select><button></button><button>Go</button>"
    )
    assert checks.unlabelled_controls(page) == [
        "form control input[name=e][type=text] has no label",
        "form control select[name=f] has no label",
        "form control button has no label",
    ]


@_browser
def test_sideways_scroll_is_measured_at_phone_width(page):
    page.set_content("<table id=wide style='width:600px'><tr><td>x</td></tr></table>")
    found = checks.sideways_scroll(page)
    assert len(found) == 1 and "table#wide reaches 60" in found[0], found
    assert page.viewport_size == {"width": checks.DESK[0], "height": checks.DESK[1]}
    page.set_content("<p>Short enough for any phone.</p>")
    assert checks.sideways_scroll(page) == []


@_browser
def test_axe_reports_serious_violations_by_rule_and_element(page):
    from axe_playwright_python.sync_playwright import Axe

    page.set_content("<html lang=en><title>t</title><main><h1>x</h1><img id=pic src=x></main>")
    found = checks.axe_violations(page, Axe())
    assert any(f.startswith("axe image-alt (critical)") and "#pic" in f for f in found), found
    page.set_content("<html lang=en><title>t</title><main><h1>x</h1><img src=x alt=A></main>")
    assert checks.axe_violations(page, Axe()) == []
