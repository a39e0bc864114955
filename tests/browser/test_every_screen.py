"""Every main staff screen, as each role of the demo sees it, and every patron portal screen
(/my/, as the demo's opted-in reader and its guardian, signed in with card and PIN), in
Debian's headless Chromium.

The site is the demo a new user gets (`custodian demo`, then `custodian serve`: see
demo_site.py). Each role signs in once; for each (role, screen) the test saves a full-page
screenshot at desk width (1280 px, as it opens) and at phone width (390 px, every folded
section open) and checks, with the folds open and in one go so a failure lists everything
wrong with the screen:

- no raw code or machine timestamp in what the person reads (custodian.testing.plain_words);
- no clause cited twice on the page (its id, or a sentence of its text), outside the
  case timeline (`#timeline`/`.timeline`), which records the clause of each step done;
- no sideways scrolling at 390 px;
- every form control labelled;
- no serious or critical violation in an axe-core scan (axe-playwright-python).

Screenshots go to $CUSTODIAN_SCREENSHOTS/every-screen/ (CI keeps them), or to a temporary
folder when the variable is unset.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from tests.browser import page_checks as checks
from tests.browser.chromium import MARKS
from tests.browser.demo_site import DemoSite, ServedDemo

# No test database: everything the screens show comes from the demo's own, in its server.
pytestmark = [m for m in MARKS if m.name != "django_db"]

SIGNED_OUT = "signed_out"
DESK_ROLES = ("desk", "branch_manager", "director", "designee")
ROLES = (*DESK_ROLES, "it_admin", "auditor")
# Patrons in the portal (/my/), signed in with a demo card and PIN: the opted-in reader
# (history kept) and the guardian linked to the demo's teenager and child.
PATRONS = {"patron": "reader", "guardian": "guardian"}
PROFILE = "sonoma-county"


def _url(name: str, *args) -> str | None:
    """The path of a named URL, or None where that screen is not built (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Screen:
    name: str
    roles: tuple[str, ...]
    # The path to open for (site, role); None skips, saying `missing`.
    path: Callable[[DemoSite, str], str | None]
    missing: str = "this screen is not built"
    # Instead of opening the path, do this there (a form post); returns the response.
    act: Callable | None = None
    # Whose demo: the Sonoma demo has every screen but the invoice (no requester bears costs).
    profile: str = PROFILE
    # An index of situations that each name their sections (the privacy page): a clause's
    # id may repeat there, its text may not.
    clause_ids_repeat: bool = False


def _ref(key: str, name: str) -> Callable[[DemoSite, str], str | None]:
    def path(site: DemoSite, role: str) -> str | None:
        ref = site.refs.get(key)
        if ref is None:
            return None
        return _url(name, *(ref if isinstance(ref, list) else [ref]))

    return path


def _line(key: str, name: str, line: int = 1) -> Callable[[DemoSite, str], str | None]:
    """A screen named by a patron's ref and a line of their account page (a loan)."""

    def path(site: DemoSite, role: str) -> str | None:
        ref = site.refs.get(key)
        return None if ref is None else _url(name, ref, line)

    return path


def _named(name: str, query: str = "") -> Callable[[DemoSite, str], str | None]:
    def path(site: DemoSite, role: str) -> str | None:
        url = _url(name)
        return url and url + query

    return path


def _check_in(page, path: str, site: DemoSite, role: str):
    """Check in an item on loan (a different one for each role) from the find screen."""
    barcode = site.refs["loaned_barcodes"][ROLES.index(role)]
    page.goto(path)
    form = page.locator(f"form[action='{reverse('desk:check_in')}']").first
    form.locator("input[name=barcode]").fill(barcode)
    with page.expect_navigation() as nav:
        form.locator("button[type=submit]").click()
    text = page.inner_text("main")
    assert barcode in text and "not checked in" not in text, text[:500]
    return nav.value


def _press(page, path: str, site: DemoSite, role: str):
    """Open the screen and press its form's button: the page with the answer."""
    page.goto(path)
    with page.expect_navigation() as nav:
        page.locator("main form button[type=submit]").first.click()
    return nav.value


# The done-when walk at Sonoma: an immigration officer with an administrative warrant.
IMMIGRATION_OFFICER = {
    "requester_kind": "immigration",
    "channel": "in_person",
    "officer_name": "J. Smith",
    "officer_badge": "4471",
    "officer_agency": "Immigration and Customs Enforcement",
    "stated_purpose": "Locate a person",
    "evidence": ["officer_credentials"],
    "instrument_type": "administrative_warrant",
    "instrument_signed_by": "agency_officer",
    "instrument_scope": ["registration.address"],
    "requested": ["registration.address", "loans.titles"],
}


def _answer(page, answers: dict) -> None:
    """Answer what the intake step on screen asks, from `answers` (the rest is left alone)."""
    form = page.locator("#intake-form")
    for name, value in answers.items():
        controls = form.locator(f"[name='{name}']")
        if not controls.count() or not controls.first.is_visible():
            continue
        kind = controls.first.evaluate("el => el.type")
        if kind in ("radio", "checkbox"):
            for v in value if isinstance(value, list) else [value]:
                form.locator(f"[name='{name}'][value='{v}']").check()
        elif kind.startswith("select"):
            controls.first.select_option(value)
        else:
            controls.first.fill(value)


def _intake_walk(step: int):
    """Walk the intake to step `step` (1-4), or past the last step to the decision (5)."""

    def act(page, path: str, site: DemoSite, role: str):
        answers = {**IMMIGRATION_OFFICER, "card_number": site.refs["card"]}
        response = page.goto(path)
        for _ in range(step - 1):
            _answer(page, answers)
            with page.expect_navigation() as nav:
                page.locator("#intake-form button[name=go][value=next]").click()
            response = nav.value
        if step <= 4:
            current = page.evaluate(
                "() => [...document.querySelectorAll('.intake-steps li')]"
                ".findIndex(li => li.getAttribute('aria-current') === 'step') + 1"
            )
            assert current == step, (
                f"the intake stayed on step {current}: " + page.inner_text("main")[:400]
            )
        return response

    return act


SCREENS = (
    Screen("sign-in", (SIGNED_OUT,), _named("accounts:login")),
    Screen("home", ROLES, _named("accounts:home")),
    Screen("desk-find", DESK_ROLES, _named("desk:find")),
    Screen("patron-account", DESK_ROLES, _ref("patron", "desk:patron")),
    Screen("check-in", DESK_ROLES, _named("desk:find"), act=_check_in),
    Screen("disclosure-home", DESK_ROLES, _named("disclosure:home")),
    Screen("intake", DESK_ROLES, _named("disclosure:intake")),
    # The intake's later steps and its decision, as the clerk at the counter walks them.
    Screen("intake-how", ("desk",), _named("disclosure:intake"), act=_intake_walk(2)),
    Screen("intake-shows", ("desk",), _named("disclosure:intake"), act=_intake_walk(3)),
    Screen("intake-wants", ("desk",), _named("disclosure:intake"), act=_intake_walk(4)),
    Screen("decision-immigration", ("desk",), _named("disclosure:intake"), act=_intake_walk(5)),
    Screen("decision", DESK_ROLES, _ref("decision_request", "disclosure:request")),
    Screen("case-list", DESK_ROLES, _named("disclosure:cases")),
    Screen("case", DESK_ROLES, _ref("case", "disclosure:case")),
    Screen("board", ("director", "designee", "auditor"), _named("disclosure:board")),
    Screen(
        "package",
        DESK_ROLES,
        _ref("package", "disclosure:package_page"),
        missing="the demo released nothing",
    ),
    Screen("incident-report", DESK_ROLES, _ref("officer_case", "disclosure:incident_report")),
    Screen(
        "invoice",
        DESK_ROLES,
        _ref("invoice_case", "disclosure:invoice"),
        missing="no case in the Westchester demo has costs borne by the requester",
        profile="westchester",
    ),
    # The IT administrator's staff accounts (custodian/accounts/staff_views.py).
    Screen("people", ("it_admin",), _named("accounts:people")),
    Screen("person-new", ("it_admin",), _named("accounts:person_new")),
    Screen("person", ("it_admin",), _ref("staff_person", "accounts:person")),
    Screen("person-password", ("it_admin",), _ref("staff_person", "accounts:person_password")),
    # The auditor's screens (custodian/audit/views.py).
    # The desk's PIN reset for a patron (custodian/desk/pin_views.py).
    Screen("pin-reset", DESK_ROLES, _ref("patron", "desk:pin_reset")),
    # The Director's list of patrons' concerns (custodian/portal/concern_staff_views.py).
    Screen("concerns", ("director", "designee"), _named("concerns:list")),
    # The records' lifetime (issue 11): legal holds, closing an account.
    Screen("legal-holds", ("director", "designee"), _named("holds:list")),
    Screen("close-account", DESK_ROLES, _ref("patron", "desk:close_account")),
    Screen("mark-lost", DESK_ROLES, _line("patron", "desk:mark_lost")),
    Screen(
        "statistics",
        ("director", "designee", "branch_manager", "it_admin", "auditor"),
        _named("statistics:index"),
    ),
    Screen("retention", ("director", "it_admin", "auditor"), _named("retention:schedule")),
    # The patron's portal (custodian/portal), signed out and signed in.
    Screen("portal-sign-in", (SIGNED_OUT,), _named("portal:home")),
    Screen(
        "portal-privacy", (SIGNED_OUT, "patron"), _named("portal:privacy"), clause_ids_repeat=True
    ),
    Screen("portal-account", ("patron", "guardian"), _named("portal:home")),
    Screen("portal-catalogue", ("patron",), _named("portal:catalogue")),
    Screen("portal-history", ("patron", "guardian"), _named("portal:history")),
    Screen("portal-data", ("patron",), _named("portal:data")),
    Screen("portal-data-print", ("patron",), _named("portal:data_print")),
    Screen("portal-looked", ("patron",), _named("portal:looked")),
    Screen("portal-grants", ("patron",), _named("portal:grants")),
    Screen("portal-settings", ("patron",), _named("portal:preferences")),
    Screen("portal-concerns", ("patron",), _named("portal:concerns")),
    Screen("portal-pin", ("patron",), _named("portal:pin")),
    Screen("portal-children", ("guardian",), _named("portal:children")),
    Screen("portal-child", ("guardian",), _ref("teen", "portal:child")),
    Screen("audit-home", ("auditor",), _named("audit:index")),
    Screen("access-log", ("auditor",), _named("audit:log")),
    Screen("access-log-filtered", ("auditor",), _named("audit:log", "?staff=desk")),
    Screen("verify", ("auditor",), _named("audit:verify")),
    Screen("verify-result", ("auditor",), _named("audit:verify"), act=_press),
    Screen("decision-recheck", ("auditor",), _named("audit:decisions")),
    Screen("decision-recheck-result", ("auditor",), _named("audit:decisions"), act=_press),
)

# Role by role (each signs in once), the other profiles' screens last (their demo is built then).
CASES = sorted(
    [(role, s) for role in (SIGNED_OUT, *ROLES, *PATRONS) for s in SCREENS if role in s.roles],
    key=lambda case: case[1].profile != PROFILE,
)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    base = os.environ.get("CUSTODIAN_SCREENSHOTS")
    folder = Path(base) / "every-screen" if base else tmp_path_factory.mktemp("every-screen")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


class Demos:
    """The demo site of each profile (all built at once, in the background, when the first
    is needed), and one browser context per (profile, role) there, signed in once and
    reused for all that role's screens."""

    def __init__(self, browser, tmp_path_factory, stack: ExitStack):
        self.browser, self.tmp, self.stack = browser, tmp_path_factory, stack
        self.demos: dict[str, ServedDemo] = {}
        self.pages: dict[tuple[str, str], object] = {}

    def site(self, profile: str) -> DemoSite:
        if not self.demos:
            for name in dict.fromkeys(s.profile for _, s in CASES):
                demo = ServedDemo(self.tmp.mktemp(f"demo-{name}"), profile=name)
                self.stack.callback(demo.stop)
                self.demos[name] = demo
        return self.demos[profile].site()

    def page(self, profile: str, role: str):
        if (profile, role) not in self.pages:
            site = self.site(profile)
            ctx = self.browser.new_context(
                base_url=site.url, viewport={"width": checks.DESK[0], "height": checks.DESK[1]}
            )
            self.stack.callback(ctx.close)
            page = ctx.new_page()
            page.set_default_timeout(60_000)  # a loaded CI machine is slow, not broken
            if role in PATRONS:
                card, pin = site.refs["portal"][PATRONS[role]]
                page.goto(reverse("portal:home"))
                page.fill("#id_card_number", card)
                page.fill("#id_pin", pin)
                with page.expect_navigation():
                    page.click("main form button[type=submit]")
                assert page.locator("#id_pin").count() == 0, f"{role} could not sign in"
            elif role != SIGNED_OUT:
                username, password = site.logins[role]
                page.goto(reverse("accounts:login"))
                page.fill("#id_username", username)
                page.fill("#id_password", password)
                with page.expect_navigation():
                    page.click("button[type=submit]")
                assert reverse("accounts:login") not in page.url, f"{role} could not sign in"
            self.pages[profile, role] = page
        return self.pages[profile, role]


@pytest.fixture(scope="module")
def demos(browser, tmp_path_factory):
    with ExitStack() as stack:
        yield Demos(browser, tmp_path_factory, stack)


@pytest.mark.parametrize(("role", "screen"), CASES, ids=[f"{role}-{s.name}" for role, s in CASES])
def test_screen(role, screen, demos, shots, axe):
    site = demos.site(screen.profile)
    path = screen.path(site, role)
    if path is None:
        pytest.skip(f"{screen.name}: {screen.missing}")
    page = demos.page(screen.profile, role)
    response = screen.act(page, path, site, role) if screen.act else page.goto(path)
    assert response is not None and response.ok, (
        f"{screen.name} as {role}: {path} answered {response.status if response else 'nothing'}"
    )
    name = f"{role}--{screen.name}"
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    checks.unfold(page)  # the checks read the folded sections too
    text = checks.shown_text(page)
    problems = [
        *checks.raw_codes(text),
        *checks.duplicated_clauses(
            checks.text_beside_logs(page), site.profile, ids=not screen.clause_ids_repeat
        ),
        *checks.unlabelled_controls(page),
        *checks.axe_violations(page, axe),
        *checks.sideways_scroll(page, shots / f"{name}--390px.png"),
    ]
    assert not problems, f"{screen.name} as {role} ({page.url}):\n  " + "\n  ".join(problems)
