"""The Retention screen: the schedule in words with each clause cited once, today's dry run
(counts only, nothing changed), for the IT person, the director and auditors only."""

import datetime as dt
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from custodian.audit.models import AuditEntry
from custodian.records.models import PastLoan
from tests.browser.page_checks import duplicated_clauses, raw_codes
from tests.records.factories import make_patron
from tests.retention import rows

pytestmark = pytest.mark.django_db

URL = "/staff/retention/"


def _user(role):
    return get_user_model().objects.create_user(username=f"{role}-screen", password=None, role=role)


def _text(page: str) -> str:
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", body).split()))


@pytest.mark.parametrize("role", ["it_admin", "director", "auditor"])
def test_the_roles_that_run_and_check_retention_see_the_schedule(client, role):
    client.force_login(_user(role))
    response = client.get(URL)
    assert response.status_code == 200
    text = _text(response.content.decode())
    assert "How long records are kept" in text
    assert "Where the policy says nothing: the library's defaults" in text  # Sonoma is silent
    assert "Security-camera footage" in text and "Deleted 30 days after it was recorded." in text


@pytest.mark.parametrize("role", ["desk", "branch_manager", "designee"])
def test_other_staff_are_refused_and_the_refusal_is_logged(client, role):
    client.force_login(_user(role))
    before = AuditEntry.objects.filter(action="denied").count()
    assert client.get(URL).status_code == 403
    assert AuditEntry.objects.filter(action="denied").count() == before + 1


def test_signed_out_goes_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_the_dry_run_counts_changes_nothing_and_shows_no_one(client):
    reader = make_patron(keeps_reading_history=True)
    held = make_patron(keeps_reading_history=True)
    long_ago = timezone.now() - dt.timedelta(days=2000)
    loans = [rows.reading_history(long_ago, patron=reader) for _ in range(3)]
    rows.reading_history(long_ago, patron=held)
    rows.place_hold(held, sealed=True)
    client.force_login(_user("director"))
    before = AuditEntry.objects.count()

    text = _text(client.get(URL).content.decode())

    assert "3 records would be deleted or made anonymous" in text
    assert "1 kept for legal holds (1 of them under a sealed hold)" in text
    assert PastLoan.objects.count() == 4 and AuditEntry.objects.count() == before
    for secret in (reader.card_number, str(reader.ref), str(held.ref), loans[0].item.title):
        assert secret not in text
    assert "Preservation letter" not in text  # a sealed hold: a count, no reason, no case


@pytest.mark.parametrize(
    "profile", ["sonoma-county", "jackson-county", "jensen-memorial", "westchester"]
)
def test_each_clause_is_cited_once_and_no_raw_code_shows(client, settings, profile):
    settings.CUSTODIAN_PROFILE = profile
    client.force_login(_user("it_admin"))
    text = _text(client.get(URL).content.decode())
    assert duplicated_clauses(text, profile) == []
    assert raw_codes(text) == []
    for name in ("reading_history", "computer_sessions", "room_bookings", "reference_interviews"):
        assert name not in text


def test_jackson_cites_iv_d_and_its_shredding(client, settings):
    settings.CUSTODIAN_PROFILE = "jackson-county"
    client.force_login(_user("director"))
    text = _text(client.get(URL).content.decode())
    assert "Set by clause IV.d of the policy" in text
    assert "manually shredding" in text  # the clause's own words, quoted once
    assert "Set by clause III of the policy" in text


@pytest.mark.parametrize(("role", "shown"), [("director", True), ("it_admin", True),
                                             ("auditor", True), ("desk", False)])  # fmt: skip
def test_the_staff_menu_leads_there_for_those_who_may_open_it(client, role, shown):
    client.force_login(_user(role))
    page = client.get("/staff/", follow=True).content.decode()
    assert (f'href="{URL}"' in page) is shown
