"""The patron's own door, walked in Chromium as issue 10's "Done when" says, at each profile.

Each profile's demo library (`custodian demo`, then `custodian serve`: demo_site.py) is
signed in to as its showcase patrons, with the card number and PIN the demo prints. The
desk's side of each step (a clerk lends and takes back books, a manager opens the record,
a friend asks at the counter, the Director takes a sealed order) runs through the same door
and disclosure services in the demo's own settings (portal_desk.py). Per profile:

1. sign in, see the loans, renew all;
2. reading history on → borrow and return at the desk → see it → turn it off → gone, and
   the desk sees none;
3. download the data as JSON and find every category of the documented schema;
4. a staff read appears in "who has looked";
5. grant a friend loans for a week → the desk answers that friend citing the grant →
   withdraw → the desk refuses the friend;
6. (Sonoma) a guardian of a 15-year-old sees only whether anything is overdue and the
   amount owed;
7. a sealed case's reads never appear in "who has looked".

Then the same walk in Spanish at Sonoma (the browser asks for Spanish), and the key pages
in Spanish at the other three. Every portal page visited is screenshotted (full page, in
$CUSTODIAN_SCREENSHOTS/portal-walk/ when set) and scanned: one <h1>, the page's language
declared, every control labelled, no serious or critical axe-core violation.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.browser import page_checks as checks
from tests.browser.chromium import MARKS
from tests.browser.demo_site import ROOT, ServedDemo, _env

pytestmark = [m for m in MARKS if m.name != "django_db"]

PROFILES = ("sonoma-county", "jackson-county", "jensen-memorial", "westchester")
SCHEMA = json.loads((ROOT / "docs" / "take-my-data.schema.json").read_text())
CATEGORIES = SCHEMA["properties"]["categories"]["required"]
FRIEND = "Alex Friendly"


class Missing(Exception):
    """A step whose page is not built (the walk reports it as skipped, never as passed)."""


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    base = os.environ.get("CUSTODIAN_SCREENSHOTS")
    folder = Path(base) / "portal-walk" if base else tmp_path_factory.mktemp("portal-walk")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


# The profile each test without a `profile` parameter walks.
FIXED_PROFILE = {
    "test_the_walk_in_spanish_at_sonoma": "sonoma-county",
    "test_the_language_switch_changes_the_page_and_stays": "jackson-county",
}


@pytest.fixture(scope="module")
def demos(request, tmp_path_factory):
    """The demo library of every profile the selected tests walk, built at once in the
    background (a run narrowed with -k builds only what it needs)."""
    needed = set()
    for item in request.session.items:
        if item.module is sys.modules[__name__]:
            params = getattr(item, "callspec", None)
            name = params.params.get("profile") if params else None
            needed.add(name or FIXED_PROFILE.get(item.originalname, "sonoma-county"))
    with ExitStack() as stack:
        built = {}
        for name in PROFILES:
            if name in needed:
                demo = ServedDemo(tmp_path_factory.mktemp(f"walk-{name}"), profile=name)
                stack.callback(demo.stop)
                built[name] = demo
        yield built


class Walk:
    """One patron's browser session at one demo, with the checks every page gets."""

    def __init__(self, browser, demo: ServedDemo, shots: Path, axe, language: str):
        self.demo, self.site = demo, demo.site()
        self.shots, self.axe, self.language = shots, axe, language
        self.env = _env(demo.data_dir, demo.profile)
        showcase = json.loads((demo.data_dir / "demo-patrons.json").read_text())["showcase"]
        self.cards = {e["label"]: e for e in showcase}
        self.browser = browser
        self.problems: list[str] = []
        self.visited: list[str] = []
        self.ctx = None

    # ---- the patron's side ------------------------------------------------------------

    def sign_in(self, label: str):
        if self.ctx is not None:
            self.ctx.close()
        entry = self.cards.get(label)
        if entry is None or not entry.get("pin"):
            raise Missing(f"the demo has no showcase {label!r} with a PIN")
        self.ctx = self.browser.new_context(
            base_url=self.site.url,
            locale="es-MX" if self.language == "es" else "en-US",
            viewport={"width": checks.DESK[0], "height": checks.DESK[1]},
            accept_downloads=True,
        )
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(60_000)
        self.look("/my/", "sign-in")
        self.page.fill("#id_card_number", entry["card_number"])
        self.page.fill("#id_pin", entry["pin"])
        with self.page.expect_navigation():
            self.page.click("form[action='/my/'] button[type=submit]")
        assert self.page.locator("form[action='/my/sign-out/']").count() == 1, (
            f"{label} could not sign in at {self.site.profile}"
        )
        return entry

    def look(self, path: str | None, name: str):
        """Open `path` (or stay), then screenshot and check the page."""
        if path is not None:
            response = self.page.goto(path)
            assert response is not None, path
            if response.status == 404 or "Not built yet." in self.page.content()[:400]:
                raise Missing(f"{path} is not built")
            assert response.ok, f"{path} answered {response.status}"
        page = self.page
        shot = f"{self.site.profile}--{self.language}--{name}"
        page.screenshot(path=str(self.shots / f"{shot}.png"), full_page=True)
        checks.unfold(page)
        where = f"{self.site.profile} {self.language} {name} ({page.url})"
        lang = page.evaluate("document.documentElement.lang")
        if lang != self.language:
            self.problems.append(f"{where}: <html lang={lang!r}>, expected {self.language!r}")
        if (h1 := page.locator("h1").count()) != 1:
            self.problems.append(f"{where}: {h1} <h1> elements")
        self.problems += [f"{where}: {p}" for p in checks.unlabelled_controls(page)]
        self.problems += [f"{where}: {p}" for p in checks.axe_violations(page, self.axe)]
        self.visited.append(name)
        return page

    def submit(self, selector: str, name: str):
        with self.page.expect_navigation():
            self.page.click(selector)
        return self.look(None, name)

    def text(self, selector: str = "main") -> str:
        return " ".join(self.page.locator(selector).first.inner_text().split())

    # ---- the desk's side ----------------------------------------------------------------

    def desk(self, action: str, *args: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "tests.browser.portal_desk", action, *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"desk {action}: {done.stderr[-1500:]}"
        return json.loads(done.stdout.strip().splitlines()[-1])

    def close(self):
        if self.ctx is not None:
            self.ctx.close()


# ---- the steps ------------------------------------------------------------------------


def see_loans_and_renew(walk: Walk) -> None:
    walk.sign_in("adult")
    page = walk.look("/my/account/", "account")
    loans = page.locator("#loans tbody tr")
    assert loans.count() >= 1, "the showcase adult has loans"
    renew_all = "#loans form[action='/my/renew/']:has(input[name=all]) button"
    renew_one = "#loans form[action='/my/renew/'] button"
    walk.submit(renew_all if page.locator(renew_all).count() else renew_one, "renewed")
    # Each renewal (or its refusal, explained) is said on the page.
    assert page.locator(".messages .message").count() >= 1, "no word on the renewal"


def reading_history(walk: Walk) -> None:
    entry = walk.sign_in("adult")
    card = entry["card_number"]
    page = walk.look("/my/reading-history/", "history")
    on = "form[action='/my/reading-history/']:has(input[name=keep][value=on]) button"
    if page.locator(on).count():
        walk.submit(on, "history-on")
    assert page.locator(
        "form[action='/my/reading-history/']:has(input[name=keep][value=off])"
    ).count(), "reading history did not turn on"
    lent = walk.desk("lend", card, "1")["lent"]
    walk.desk("take_back", card, ",".join(x["barcode"] for x in lent))
    page = walk.look("/my/reading-history/", "history-kept")
    kept = walk.text()
    for item in lent:
        assert item["title"] in kept, f"{item['title']!r} not in the reading history"
    walk.submit(
        "form[action='/my/reading-history/']:has(input[name=keep][value=off]) button",
        "history-confirm",
    )
    confirm = "form[action='/my/reading-history/']:has(input[name=confirm]) button"
    if page.locator(confirm).count():
        walk.submit(confirm, "history-off")
    walk.look("/my/reading-history/", "history-gone")
    gone = walk.text()
    for item in lent:
        assert item["title"] not in gone, f"{item['title']!r} still listed after turning off"
    desk = walk.desk("desk_history", card)
    assert desk["titles"] == [] and desk["kept"] in (False, None), desk


def take_my_data(walk: Walk) -> None:
    walk.sign_in("reader")
    page = walk.look("/my/data/", "data")
    link = page.locator("a[href='/my/data/json/'], form[action='/my/data/json/'] button")
    if not link.count():
        raise Missing("the JSON download on /my/data/")
    with page.expect_download() as download:
        link.first.click()
    data = json.loads(Path(download.value.path()).read_text())
    assert set(SCHEMA["required"]) <= set(data), sorted(set(SCHEMA["required"]) - set(data))
    missing = [c for c in CATEGORIES if c not in data["categories"]]
    assert not missing, f"categories missing from the download: {missing}"


def _looks(walk: Walk) -> list[str]:
    page = walk.look("/my/who-looked/", "who-looked")
    return [" ".join(t.split()) for t in page.locator("ol.looks > li").all_inner_texts()]


def staff_read_is_listed(walk: Walk) -> None:
    entry = walk.sign_in("adult")
    before = _looks(walk)
    walk.desk("staff_read", entry["card_number"])
    after = _looks(walk)
    assert len(after) == len(before) + 1 or after[:1] != before[:1], "the read is not listed"
    manager = "Gerente de la sucursal" if walk.language == "es" else "Branch manager"
    assert manager in after[0], after[0]


def grant_a_friend(walk: Walk) -> None:
    entry = walk.sign_in("adult")
    card = entry["card_number"]
    page = walk.look("/my/who-may-ask/", "grants")
    if not page.locator("#grant-form").count():
        raise Missing("the grant form on /my/who-may-ask/")
    page.fill("#agent_name", FRIEND)
    page.check("#cat-loans")
    page.fill("#expires_on", (dt.date.today() + dt.timedelta(days=7)).isoformat())
    page.check("#confirm")
    walk.submit("#grant-form button[type=submit]", "granted")
    assert FRIEND in walk.text("#current-grants"), "the grant is not listed"
    answer = walk.desk("friend_asks", card, FRIEND)
    assert answer["authorization"], f"the desk did not find the grant: {answer}"
    assert "loans" in " ".join(answer["authorization"]["fields"])
    if page.locator("#director-decides, #desk-refuses").count():
        # Westchester: the Director decides even with the patron's consent on file.
        assert answer["outcome"] in ("refer", "deny"), answer
    else:
        assert answer["outcome"] in ("release", "partial_release"), answer
        assert "loans.titles" in answer["release"], answer
    page.click(f"#current-grants a:has-text('{FRIEND}')")
    page.wait_for_selector("#withdraw-form")
    walk.look(None, "withdraw")
    walk.submit("#withdraw", "withdrawn")
    assert not page.locator("#current-grants").count() or FRIEND not in walk.text("#current-grants")
    refused = walk.desk("friend_asks", card, FRIEND)
    assert not refused["authorization"], refused
    assert "loans.titles" not in refused["release"], refused


def guardian_of_a_teen(walk: Walk) -> None:
    if walk.site.profile != "sonoma-county":
        return
    walk.sign_in("guardian")
    page = walk.look("/my/children/", "children")
    teen = walk.cards.get("teen")
    hrefs = [
        href
        for href in page.locator("main a[href^='/my/children/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        if href.rstrip("/") != "/my/children"
    ]
    if not hrefs:
        raise Missing("the guardian's list of linked children")
    overdue, owed = (
        ("¿Hay algo atrasado?", "Monto adeudado")
        if walk.language == "es"
        else ("Anything overdue?", "Amount owed")
    )
    views = []
    for i, href in enumerate(hrefs):
        walk.look(href, f"child-{i}")
        shown = [" ".join(t.split()) for t in page.locator("#child-summary dt").all_inner_texts()]
        views.append(shown)
        if shown == [overdue, owed]:
            break
    else:
        raise AssertionError(f"no linked child shows only {overdue!r} and {owed!r}: {views}")
    assert teen, "the demo has no showcase teen"
    for hidden in ("#child-loans", "#child-holds", "#child-history", "#child-payments"):
        assert page.locator(hidden).count() == 0, f"{hidden} shown to a teen's guardian"


def sealed_reads_never_appear(walk: Walk) -> None:
    entry = walk.sign_in("reader")
    before = _looks(walk)
    sealed = walk.desk("sealed_order", entry["card_number"])
    assert sealed["sealed"], sealed
    after = _looks(walk)
    assert after == before, "a sealed case's step appeared in 'who has looked'"
    text = walk.text().lower()
    for word in ("fisa", "sealed", "secrecy", "sellad", "secreto"):
        assert word not in text, word


STEPS = (
    see_loans_and_renew,
    reading_history,
    take_my_data,
    staff_read_is_listed,
    grant_a_friend,
    guardian_of_a_teen,
    sealed_reads_never_appear,
)
KEY_PAGES = (
    ("account", "/my/account/"),
    ("history", "/my/reading-history/"),
    ("data", "/my/data/"),
    ("who-looked", "/my/who-looked/"),
    ("grants", "/my/who-may-ask/"),
    ("settings", "/my/settings/"),
    ("tell-the-director", "/my/tell-the-director/"),
    ("privacy", "/my/privacy/"),
    ("pin", "/my/pin/"),
    ("catalogue", "/my/catalogue/"),
)


def _walk(browser, demo, shots, axe, language, steps) -> None:
    walk = Walk(browser, demo, shots, axe, language)
    missing = []
    try:
        for step in steps:
            try:
                step(walk)
            except Missing as gap:
                missing.append(f"{step.__name__}: {gap}")
    finally:
        walk.close()
    assert not walk.problems, "\n  ".join(["pages with problems:", *walk.problems])
    if missing:
        pytest.skip("not built yet: " + "; ".join(missing))


@pytest.mark.parametrize("profile", PROFILES)
def test_the_walk_in_english(profile, browser, demos, shots, axe):
    _walk(browser, demos[profile], shots, axe, "en", STEPS)


def test_the_walk_in_spanish_at_sonoma(browser, demos, shots, axe):
    _walk(browser, demos["sonoma-county"], shots, axe, "es", STEPS)


def _key_pages_in_spanish(walk: Walk) -> None:
    walk.sign_in("adult")
    english_h1 = {
        "account": "My account",
        "history": "My reading history",
        "data": "Take my data",
        "who-looked": "Who has looked at my record",
        "privacy": "The library's privacy policy",
    }
    for name, path in KEY_PAGES:
        page = walk.look(path, name)
        h1 = " ".join(page.locator("h1").first.inner_text().split())
        assert h1 and h1 != english_h1.get(name), f"{path}: <h1> {h1!r} is not Spanish"
        # No English left in the page's own words (the patron's data may be in any language).
        words = " ".join(page.locator("main h1, header nav, footer").all_inner_texts())
        assert not re.search(r"\b(the library|your|Sign out|My account)\b", words), (path, words)


@pytest.mark.parametrize("profile", PROFILES[1:])
def test_key_pages_in_spanish(profile, browser, demos, shots, axe):
    _walk(browser, demos[profile], shots, axe, "es", (_key_pages_in_spanish,))


def test_the_language_switch_changes_the_page_and_stays(browser, demos, shots, axe):
    walk = Walk(browser, demos["jackson-county"], shots, axe, "en")
    try:
        walk.sign_in("adult")
        page = walk.look("/my/account/", "before-switch")
        page.goto("/my/language/")
        page.check("input[name=language][value=es]")
        with page.expect_navigation():
            page.click("main form[action='/my/language/'] button[type=submit]")
        walk.language = "es"
        walk.look("/my/account/", "after-switch")
        assert page.evaluate("document.documentElement.lang") == "es"
        # Signed in, the choice is kept on the record. A fresh session in a browser asking for English: the sign-in page is English ...
        walk.language = "en"
        walk.sign_in("adult")
        # ... and once signed in, the Spanish kept on the patron's record is used.
        walk.language = "es"
        walk.look("/my/account/", "next-session")
        # Back to English, through the switch on the page, for whoever walks this demo next.
        page = walk.page
        page.goto("/my/language/")
        page.check("input[name=language][value=en]")
        with page.expect_navigation():
            page.click("main form[action='/my/language/'] button[type=submit]")
        assert page.evaluate("document.documentElement.lang") == "en"
    finally:
        walk.close()
    assert not walk.problems, "\n  ".join(walk.problems)
