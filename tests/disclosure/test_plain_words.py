"""No screen, PDF or CLI output of the demo shows a raw code or a machine timestamp.

The demo library (custodian/synth: a generated library and its week of disclosure requests)
is built once per profile; every staff page is then opened as every demo role, every PDF
is read back as text, and the CLI's plain output is captured. `raw_codes_in` (the shared
checker, custodian/testing/plain_words.py) must find nothing in any of it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rich.console import Console
from typer.testing import CliRunner

from custodian.records.selectors import patron_by_card
from custodian.testing.plain_words import pdf_text, raw_codes_in, visible_text

PROFILES = ("sonoma-county", "westchester")
ROLES = ("desk", "manager", "director", "designee", "itadmin", "auditor")
ROLES_BY_CODE = ("desk", "branch_manager", "director", "designee", "it_admin", "auditor", "")

# Each page (or output) the test reads, by name. The demo has no invoice under Sonoma's
# policy and no incident report under Westchester's: such a page is skipped for that profile.
PAGES = (
    "sign-in",
    "staff home",
    "staff accounts",
    "desk find",
    "desk patron",
    "disclosure intake",
    "disclosure decision",
    "disclosure case list",
    "disclosure case",
    "transparency report (board)",
    "refused page",
    "package page",
    "package PDF",
    "incident report",
    "incident report PDF",
    "invoice",
    "invoice PDF",
    "audit pages",
    "CLI transparency-report",
    "CLI audit tail",
    "CLI staff list",
    "CLI demo",
)


# ---------------------------------------------------------------- the checker itself


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Asked for registration.address.", ["registration.address"]),
        ("officer_credentials, law_enforcement", ["officer_credentials", "law_enforcement"]),
        ("partial_release search_warrant written_decision", None),
        ("Cited contract.scope: only what it names", ["contract.scope"]),
        ("Handed over 2026-12-02T03:15:00.123456+00:00", ["2026-12-02T03:15:00.123456+00:00"]),
        ("at 2026-12-02 03:15:00.123456", ["2026-12-02 03:15:00.123456"]),
        ("due 2026-12-02T03:15", ["2026-12-02T03:15"]),
        ("Waiting on branch_manager", ["branch_manager"]),
    ],
)
def test_the_checker_finds_codes_and_machine_timestamps(text, found):
    assert raw_codes_in(text) == (found if found is not None else text.split())


@pytest.mark.parametrize(
    "text",
    [
        # Codes that are also English words are not flagged.
        "The patron asked on the phone; we deny a public request in writing.",
        "2 December 2026, 3:15 pm. Policy III.C.2.h and Regulation 4; clause 1.a.",
        # Inside a longer identifier, a file name or a URL it is not a code on a screen.
        "my_search_warrant_form package-registration.address.pdf /x/partial_release",
        "ada@example.org, 21000000000001, $12.50",
    ],
)
def test_the_checker_leaves_plain_english_alone(text):
    assert raw_codes_in(text) == []


def test_visible_text_reads_what_a_person_sees_or_hears():
    html = (
        "<html><head><title>Case</title><script>var k = 'law_enforcement'</script>"
        "<style>.partial_release{}</style></head><body><p title='Postal address'>Hi</p>"
        "<input type='hidden' name='f' value='search_warrant'>"
        "<select><option value='loans.titles'>Titles checked out</option></select>"
        "<img alt='written_decision'></body></html>"
    )
    text = visible_text(html)
    assert "Postal address" in text and "Titles checked out" in text
    assert raw_codes_in(text) == ["written_decision"]


# ---------------------------------------------------------------- the demo, read in full


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page another change removed: nothing to read there
        return None


class _Reader:
    """Opens pages as each role and keeps the codes found, by page name."""

    def __init__(self):
        self.found: dict[str, dict[str, list[str]]] = defaultdict(dict)
        self.seen: dict[str, int] = defaultdict(int)
        self.clients = {}
        users = get_user_model().objects
        for role in ROLES:
            client = Client()
            client.force_login(users.get(username=role))
            self.clients[role] = client
        self.clients["anonymous"] = Client()

    def text(self, page: str, where: str, text: str):
        self.seen[page] += 1
        codes = raw_codes_in(text)
        if codes:
            self.found[page][where] = sorted(set(codes))

    def get(self, page: str, url: str | None, roles=ROLES, *, pdf=False, **extra):
        if url is None:
            return
        for role in roles:
            response = self.clients[role].get(url, follow=not pdf, **extra)
            if pdf and response.get("Content-Type", "").startswith("application/pdf"):
                self.text(page, f"{role} {url}", pdf_text(response.content))
            elif not pdf and response.status_code < 500:
                body = response.content.decode()
                self.text(page, f"{role} {url} ({response.status_code})", visible_text(body))
            elif response.status_code >= 500:
                self.found[page][f"{role} {url}"] = [f"HTTP {response.status_code}"]


def _read_the_demo(printed: str) -> _Reader:
    from custodian.disclosure.models import Case, DisclosureRequest, Release
    from custodian.synth.services import showcase_card_numbers

    r = _Reader()
    r.text("CLI demo", "custodian demo", printed)
    r.get("sign-in", _url("accounts:login"), roles=("anonymous",))
    r.get("staff home", _url("accounts:home"))
    r.get("staff accounts", _url("accounts:people"))
    r.get("desk find", _url("desk:find"))
    for card in showcase_card_numbers():
        ref = patron_by_card(card).ref
        r.get("desk patron", _url("desk:patron", ref), roles=("desk", "manager", "director"))
    r.get("disclosure intake", _url("disclosure:intake"))
    for req in DisclosureRequest.objects.order_by("pk"):
        r.get("disclosure decision", _url("disclosure:request", req.ref))
    r.get("disclosure case list", _url("disclosure:cases"))
    year = timezone.localdate().year
    r.get("transparency report (board)", _url("disclosure:board") + f"?year={year}")
    # A role the board is refused to: the styled refusal, in words.
    r.get("refused page", _url("disclosure:board"), roles=("desk", "manager"))
    for case in Case.objects.order_by("pk"):
        r.get("disclosure case", _url("disclosure:case", case.ref))
        r.get("incident report", _url("disclosure:incident_report", case.ref))
        r.get(
            "incident report PDF",
            _url("disclosure:incident_report", case.ref) + "?format=pdf",
            pdf=True,
        )
        if case.cost_recovery:
            r.get("invoice", _url("disclosure:invoice", case.ref))
            r.get("invoice PDF", _url("disclosure:invoice", case.ref) + "?format=pdf", pdf=True)
    for rel in Release.objects.select_related("case").order_by("pk"):
        r.get("package page", _url("disclosure:package_page", rel.case.ref, rel.ref))
        # The custodians open the stored PDF (the releaser's one hand-over is not spent).
        url = _url("disclosure:package", rel.case.ref, rel.ref, "pdf")
        r.get("package PDF", url, roles=("director", "designee"), pdf=True)
    for name in ("audit:index", "audit:log", "audit:decisions"):
        r.get("audit pages", _url(name), roles=("auditor", "director"))

    from custodian.cli import app

    runner = CliRunner()
    for page, args in [
        ("CLI transparency-report", ["transparency-report", "--year", str(year)]),
        ("CLI audit tail", ["audit", "tail", "-n", "200"]),
        ("CLI staff list", ["staff", "list"]),
        # Reuses the demo just built, and prints the staff logins with their roles.
        ("CLI demo", ["demo", "--no-serve"]),
    ]:
        result = runner.invoke(app, args, env={"COLUMNS": "200"})
        r.text(page, " ".join(args), result.output)
        if result.exit_code != 0:
            r.found[page]["exit"] = [f"exit {result.exit_code}: {result.output[-300:]}"]
    # For machines, the codes as they are.
    result = runner.invoke(app, ["audit", "tail", "-n", "5", "--json"])
    r.tail_json = [json.loads(line) for line in result.output.splitlines()]
    return r


@pytest.fixture(scope="module", params=PROFILES)
def demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo under one profile, read in full; everything rolled back afterwards."""
    from custodian.synth import services as synth

    profile = request.param
    data_dir = tmp_path_factory.mktemp(f"demo-{profile}")
    with (
        django_db_blocker.unblock(),
        override_settings(DATA_DIR=data_dir, CUSTODIAN_PROFILE=profile),
        transaction.atomic(),
    ):
        out = io.StringIO()
        synth.prepare_demo(patrons=120, seed=5, console=Console(file=out, width=120))
        reader = _read_the_demo(out.getvalue())
        transaction.set_rollback(True)
    return profile, reader


# The mark makes pytest-django create the test database the module's demo is built in.
@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_the_demo_speaks_plain_words(demo, page):
    profile, reader = demo
    if not reader.seen[page] and page not in reader.found:
        pytest.skip(f"the {profile} demo has no {page}")
    assert dict(reader.found.get(page, {})) == {}, f"{profile}: raw codes on {page}"


@pytest.mark.django_db
def test_the_demo_reads_every_kind_of_page(demo):
    """The walk itself works: the pages it must find are there (a broken walk finds no codes)."""
    profile, reader = demo
    always = set(PAGES) - {"incident report", "incident report PDF", "invoice", "invoice PDF"}
    missing = {p for p in always if not reader.seen[p] and p not in reader.found}
    assert missing == set()
    assert reader.seen["disclosure case"] >= 6 * 3 and reader.seen["package PDF"] >= 1
    if profile == "westchester":
        assert reader.seen["invoice PDF"] >= 1
    else:
        assert reader.seen["incident report PDF"] >= 1


@pytest.mark.django_db
def test_codes_stay_for_machines_under_json(demo):
    _, reader = demo
    assert len(reader.tail_json) == 5
    assert all(
        {"seq", "action", "role", "fields", "outcome"} <= set(row) for row in reader.tail_json
    )
    # The newest entries are the CLI's own reads and the pages opened: raw role codes.
    assert {row["role"] for row in reader.tail_json} <= set(ROLES_BY_CODE)


def test_dates_in_a_pdf_are_in_the_librarys_words(settings):
    """The invoice PDF says its dates and money as the page does (no ISO, no cents)."""
    from custodian.disclosure import pdf

    settings.TIME_ZONE = "America/Los_Angeles"
    at = dt.datetime(2026, 12, 3, 3, 15, 9, 123456, tzinfo=dt.UTC)
    inv = {
        "case": "C-1",
        "bill_to": "County Sheriff",
        "attention": "Officer Diaz",
        "address": "1 Main St",
        "lines": [
            {
                "at": at,
                "description": "Search",
                "minutes": 30,
                "rate_cents": 4000,
                "amount_cents": 2000,
            }
        ],
        "total_minutes": 30,
        "total_cents": 2000,
    }
    with timezone.override("America/Los_Angeles"):
        text = pdf_text(pdf.invoice_pdf(inv))
    assert "2 December 2026" in text and "$40.00 an hour = $20.00" in text
    assert raw_codes_in(text) == [] and "2026-12" not in text
