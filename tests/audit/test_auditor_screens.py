"""The auditor's screens at /audit/: the access log (filters checked: bad ones answer 400),
verifying the chain, re-checking the decisions; the auditor only, each check audited."""

import datetime as dt
import re
import uuid

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from custodian.accounts.models import Role
from custodian.audit.models import AuditEntry
from tests.audit import decision_library as lib
from tests.audit import helpers as h
from tests.door import library

pytestmark = pytest.mark.django_db

VIEWS = [
    ("get", "/audit/"),
    ("get", "/audit/log/"),
    ("get", "/audit/verify/"),
    ("post", "/audit/verify/"),
    ("get", "/audit/decisions/"),
    ("post", "/audit/decisions/"),
]


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def new_entries(before: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))


@pytest.fixture
def auditor():
    client = Client()
    client.force_login(library.staff(Role.AUDITOR, "audrey"))
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# -- who may open them ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role if r != Role.AUDITOR], ids=lambda r: r.value)
def test_every_other_role_is_refused_every_view_and_it_is_audited(role):
    client = Client()
    client.force_login(library.staff(role, f"not-auditor-{role}"))
    for method, url in VIEWS:
        before = last_seq()
        assert getattr(client, method)(url).status_code == 403, (method, url)
        [entry] = new_entries(before)
        assert (entry.action, entry.actor) == ("denied", f"not-auditor-{role}")


def test_signed_out_visitors_are_sent_to_sign_in():
    for method, url in VIEWS:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and "/staff/login/" in response["Location"], url


def test_the_auditor_s_home_links_to_every_audit_screen_and_the_report(auditor):
    html = text(auditor.get("/staff/", follow=True))
    for href in ("/audit/log/", "/audit/verify/", "/audit/decisions/", "/disclosure/board/"):
        assert f'href="{href}"' in html, href
    assert "/admin/" not in html


def test_the_auditor_may_open_the_transparency_report(auditor):
    html = text(auditor.get("/disclosure/board/"))
    # ...and its sub-navigation offers nothing the auditor is refused.
    assert 'href="/disclosure/intake/"' not in html and 'href="/disclosure/cases/"' not in html


# -- the access log ------------------------------------------------------------------------


def test_the_log_reads_in_words_newest_first(auditor):
    h.append(4)
    html = text(auditor.get("/audit/log/"))
    assert "Checked out an item" in html and "Opened a patron&#x27;s record" in html
    assert "Circulation desk staff" in html and "Library business" in html
    assert "4 entries" in html
    for code in ("check_out", "library_business", "loans.due_dates"):
        assert code not in html, code
    assert not re.search(r"\d{4}-\d\d-\d\dT\d", html)  # no ISO timestamps
    # Newest first: entries 4, 3, 2 are about patrons 0, 2, 1.
    assert html.index(h.PATRONS[0]) < html.index(h.PATRONS[2]) < html.index(h.PATRONS[1])


def test_filters_by_staff_patron_and_outcome(auditor):
    h.append(6)  # desk0, desk1, desk2 in turn; patrons 0, 1, 2 in turn
    library.staff(Role.DESK, "desk1")
    html = text(auditor.get("/audit/log/", {"staff": "desk1"}))
    assert "2 entries match" in html
    html = text(auditor.get("/audit/log/", {"patron": h.PATRONS[2]}))
    assert "2 entries match" in html and h.PATRONS[0] not in html
    html = text(auditor.get("/audit/log/", {"outcome": "refused"}))
    assert "No entry matches this search" in html
    html = text(auditor.get("/audit/log/", {"outcome": "released"}))
    assert "6 entries match" in html


def test_filters_by_date_in_the_library_s_days(auditor):
    h.append(3)
    today = timezone.localdate()
    html = text(auditor.get("/audit/log/", {"from": today.isoformat(), "to": today.isoformat()}))
    assert "3 entries match" in html
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert "No entry matches" in text(auditor.get("/audit/log/", {"from": tomorrow}))
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert "No entry matches" in text(auditor.get("/audit/log/", {"to": yesterday}))


def test_the_log_is_paginated(auditor):
    h.append(55)
    first = text(auditor.get("/audit/log/"))
    assert "page 1 of 2" in first and "Older entries" in first
    second = text(auditor.get("/audit/log/", {"page": "2"}))
    assert "page 2 of 2" in second and "Newer entries" in second


@pytest.mark.parametrize(
    "params, says",
    [
        ({"staff": "nobody-by-that-name"}, "“staff” must be one of"),
        ({"patron": "Rosalind Quackenbush"}, "not a name or card number"),
        ({"patron": "21234000012345"}, "must be a patron reference"),
        ({"from": "yesterday"}, "“from” must be a date"),
        ({"to": "2026-13-45"}, "“to” must be a date"),
        ({"from": "99999-01-01"}, "“from” must be a date"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "on or before"),
        ({"outcome": "release; drop table"}, "“outcome” must be one of"),
        ({"page": "abc"}, "“page” must be a whole number"),
        ({"page": "99"}, "from 1 to 1"),
        ({"page": "0"}, "“page” must be a whole number"),
    ],
)
def test_a_bad_filter_answers_400_saying_which(auditor, params, says):
    h.append(2)
    response = auditor.get("/audit/log/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html
    assert "Quackenbush" not in html and "21234000012345" not in html  # not echoed back


def test_searching_for_one_patron_is_itself_audited(auditor):
    h.append(2)
    before = last_seq()
    text(auditor.get("/audit/log/", {"staff": ""}))  # browsing writes nothing
    assert new_entries(before) == []
    ref = h.PATRONS[1]
    text(auditor.get("/audit/log/", {"patron": ref.upper()}))  # any case; stored canonical
    [entry] = new_entries(before)
    assert (entry.actor, entry.role, entry.action, entry.patron_ref) == (
        "audrey",
        "auditor",
        "audit_log_search",
        ref,
    )


def test_a_staff_change_reads_in_words_in_the_log(auditor):
    from custodian.accounts import services

    library.staff(Role.IT_ADMIN, "ines")
    user = library.staff(Role.DESK, "dora")
    services.set_role(username="dora", role="designee", actor="ines", actor_role="it_admin")
    html = text(auditor.get("/audit/log/", {"staff": "ines"}))
    assert "Changed a staff member&#x27;s role" in html
    assert f"Staff account {user.pk}: role Director&#x27;s designee" in html
    assert "Running staff accounts" in html


# -- verifying the chain -------------------------------------------------------------------


def test_verify_explains_first_and_runs_on_the_button(auditor):
    h.append(5)
    before = last_seq()
    page = text(auditor.get("/audit/verify/"))
    assert "The log has 5 entries" in page and "Check the chain now" in page
    assert "The chain is" not in page
    assert new_entries(before) == []  # opening the page runs nothing
    page = text(auditor.post("/audit/verify/"))
    assert "The chain is intact." in page and "All 5 entries link up" in page
    [entry] = new_entries(before)
    assert (entry.action, entry.outcome, entry.actor) == ("audit_verify", "intact", "audrey")


def test_verify_names_the_first_changed_entry_in_words(auditor):
    h.append(6)
    h.disable_triggers()
    changed = h.body(3).replace('"library_business"', '"law_enforcement"')
    h.sql("UPDATE audit_auditentry SET body = %s WHERE seq = %s", [changed, 3])
    page = text(auditor.post("/audit/verify/"))
    assert "The chain is broken at entry 3." in page
    assert "Entry 3 was changed after it was written" in page
    assert AuditEntry.objects.order_by("-seq").first().outcome == "broken"


def test_a_log_too_big_for_a_page_is_left_to_the_command_line(auditor, monkeypatch):
    from custodian.audit import views

    h.append(3)
    monkeypatch.setattr(views, "VERIFY_SCREEN_LIMIT", 2)
    before = last_seq()
    page = text(auditor.post("/audit/verify/"))
    assert "too many to check while a page waits" in page and "custodian audit verify" in page
    assert "The chain is" not in page and new_entries(before) == []


# -- re-checking the decisions -------------------------------------------------------------


@pytest.fixture
def week():
    with override_settings(CUSTODIAN_PROFILE=lib.PROFILE):
        yield lib.record_a_week()


def test_decisions_that_agree_say_so(auditor, week):
    before = last_seq()
    page = text(auditor.get("/audit/decisions/"))
    assert "Check every decision now" in page and "Every decision" not in page
    with override_settings(CUSTODIAN_PROFILE=lib.PROFILE):
        page = text(auditor.post("/audit/decisions/"))
    assert "Every decision is one the policy in force at the time gives." in page
    entries = [e for e in new_entries(before) if e.action == "audit_check_decisions"]
    assert [e.outcome for e in entries] == ["agree"]


def test_a_decision_the_policy_would_not_give_is_named_in_words(auditor, week):
    from custodian.audit.services import append_access

    seq = append_access(
        actor="desk",
        role="desk",
        purpose="library_business",
        patron_ref=None,
        fields=["history.titles"],
        outcome="release",
        clauses=["III.B.1.a"],
    )
    with override_settings(CUSTODIAN_PROFILE=lib.PROFILE):
        page = text(auditor.post("/audit/decisions/"))
    assert "Some decisions are not what the policy in force at the time gives." in page
    assert f"Audit entry {seq}" in page
    assert "Outcome recorded released, policy gives denied" in page
    assert "partial_release" not in page and "history.titles" not in page
    assert AuditEntry.objects.order_by("-seq").first().outcome == "disagree"


def test_no_patron_data_on_any_audit_page(auditor, week):
    from custodian.records.models import Patron

    patron = Patron.objects.first()
    with override_settings(CUSTODIAN_PROFILE=lib.PROFILE):
        pages = [
            auditor.get("/audit/"),
            auditor.get("/audit/log/"),
            auditor.get("/audit/log/", {"patron": str(patron.ref)}),
            auditor.post("/audit/verify/"),
            auditor.post("/audit/decisions/"),
        ]
    values = (patron.card_number, patron.last_name, patron.first_name, "Det. Ruiz")
    assert all(values)
    for response in pages:
        html = text(response)
        for value in values:
            assert value not in html


def test_a_patron_ref_of_another_form_is_accepted_as_the_same_ref(auditor):
    h.append(3)
    compact = uuid.UUID(h.PATRONS[0]).hex
    assert "1 entry match" in text(auditor.get("/audit/log/", {"patron": compact}))


def test_a_policy_version_that_will_not_load_is_said_in_words_not_a_500(auditor, monkeypatch):
    from custodian.audit import replaying
    from custodian.policy.errors import ProfileError

    def broken(**kwargs):
        raise ProfileError("/tmp/somewhere: no profile.toml")

    monkeypatch.setattr(replaying, "check_all", broken)
    page = text(auditor.post("/audit/decisions/"))
    assert "The check could not run" in page and "custodian audit check-decisions" in page
    assert "/tmp/somewhere" not in page
    assert AuditEntry.objects.order_by("-seq").first().outcome == "failed"


def test_the_audit_and_staff_pages_show_no_raw_code_or_machine_timestamp(auditor):
    from custodian.accounts import services
    from custodian.testing.plain_words import raw_codes_in, visible_text

    h.append(4)
    library.staff(Role.IT_ADMIN, "ines")
    library.staff(Role.DESK, "dora")
    services.set_role(username="dora", role="branch_manager", actor="ines", actor_role="it_admin")
    it = Client()
    it.force_login(library.staff(Role.IT_ADMIN, "ivan"))
    pages = {
        "/audit/": auditor.get("/audit/"),
        "/audit/log/": auditor.get("/audit/log/"),
        "/audit/verify/ (run)": auditor.post("/audit/verify/"),
        "/staff/people/": it.get("/staff/people/"),
    }
    for name, response in pages.items():
        assert raw_codes_in(visible_text(text(response))) == [], name
