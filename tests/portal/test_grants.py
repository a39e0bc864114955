"""Who may ask about me: the patron gives a named person written permission, sees it,
and withdraws it; the desk then answers that person, then refuses them."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from custodian.audit.models import AuditEntry
from custodian.circulation import services as circulation
from custodian.disclosure import services as disclosure
from custodian.disclosure.services import Intake
from custodian.records.models import Authorization
from tests.portal.signin import signed_in

pytestmark = pytest.mark.django_db
GRANTS = reverse("portal:grants")


def _give(client, **overrides):
    data = {
        "agent_name": "Ada Lovelace",
        "categories": ["loans"],
        "expires_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "confirm": "yes",
    }
    data.update(overrides)
    return client.post(GRANTS, data)


def test_signed_out_goes_to_the_sign_in_page(client):
    response = client.get(GRANTS)
    assert response.status_code == 302 and response.url == reverse("portal:home")


def test_a_grant_is_made_in_writing_shown_and_audited_without_the_name(client, rosalind):
    signed_in(client, rosalind)
    response = _give(client)
    assert response.status_code == 302
    row = Authorization.objects.get(patron=rosalind)
    assert row.made_in_portal and row.agent_name == "Ada Lovelace"
    assert row.signed_on == timezone.localdate()
    assert row.expires_on == timezone.localdate() + dt.timedelta(days=7)
    assert set(row.fields) >= {"loans.titles", "loans.due_dates", "overdue.status"}
    assert not set(row.fields) & {"charges.amount", "history.titles", "registration.address"}
    page = client.get(GRANTS).content.decode()
    assert 'id="current-grants"' in page and "Ada Lovelace" in page
    assert "What I have checked out now" in page
    made = AuditEntry.objects.filter(action="grant").get()
    assert made.actor == "patron" and made.patron_ref == str(rosalind.ref)
    assert made.fields == [f"authorizations.records.{row.pk}"]
    for entry in AuditEntry.objects.all():
        assert "lovelace" not in entry.body.lower()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"agent_name": "   "}, "agent_name"),
        ({"categories": []}, "categories"),
        ({"categories": ["loans", "everything"]}, "categories"),
        ({"expires_on": ""}, "expires_on"),
        ({"expires_on": "not a date"}, "expires_on"),
        ({"expires_on": "2001-01-01"}, "expires_on"),
        ({"expires_on": (timezone.localdate() + dt.timedelta(days=400)).isoformat()}, "expires_on"),
        ({"confirm": ""}, "confirm"),
        ({"agent_name": "Ada\x00Lovelace"}, "agent_name"),
        ({"agent_name": "A" * 500}, "agent_name"),
        ({"expires_on": "2026-13-45"}, "expires_on"),
        ({"expires_on": "2026\x00"}, "expires_on"),
    ],
)
def test_a_bad_grant_says_what_is_wrong_and_changes_nothing(client, rosalind, overrides, field):
    signed_in(client, rosalind)
    response = _give(client, **overrides)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="grant-error"' in page
    if field == "agent_name":
        assert 'aria-invalid="true"' in page
    assert not Authorization.objects.exists()
    assert not AuditEntry.objects.filter(action="grant").exists()


def test_withdraw_asks_first_then_revokes(client, rosalind):
    signed_in(client, rosalind)
    _give(client)
    row = Authorization.objects.get()
    url = reverse("portal:grant_withdraw", args=[row.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Withdraw this permission" in confirm.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is None  # a GET changes nothing
    assert client.post(url).status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    page = client.get(GRANTS).content.decode()
    assert 'id="past-grants"' in page and "Withdrawn on" in page
    assert 'id="current-grants"' not in page
    assert AuditEntry.objects.filter(action="grant_revoke", patron_ref=str(rosalind.ref)).exists()
    # Withdrawn already: the page is gone.
    assert client.get(url).status_code == 404


def test_another_patrons_grant_cannot_be_withdrawn(client, rosalind, main_branch):
    from tests.door import library

    other = library.patron(card_number="21234000055555", first_name="Other", last_name="One")
    theirs = circulation.record_authorization(
        patron=other,
        agent_name="Someone",
        fields=["loans.titles"],
        signed_on=timezone.localdate(),
        expires_on=timezone.localdate() + dt.timedelta(days=3),
    )
    signed_in(client, rosalind)
    url = reverse("portal:grant_withdraw", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_friend_for_a_week_then_revoked_at_the_desk(client, rosalind, clerk):
    """The issue's walk: a grant for loans, the desk answers the friend, then refuses."""
    signed_in(client, rosalind)
    _give(client)

    def friend_asks():
        return Intake(
            requester_kind="authorized_agent",
            requester_name="ada lovelace",
            channel="in_person",
            card_number=rosalind.card_number,
            evidence=["photo_id"],
            requested=["loans.titles", "loans.due_dates", "registration.address"],
        )

    answered = disclosure.intake(user=clerk, data=friend_asks())
    assert answered.decision["release"] == ["loans.titles", "loans.due_dates"]
    assert answered.decision["withhold"] == ["registration.address"]
    row = Authorization.objects.get()
    client.post(reverse("portal:grant_withdraw", args=[row.pk]))
    refused = disclosure.intake(user=clerk, data=friend_asks())
    assert refused.decision["release"] == []


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_westchester_page_says_the_director_decides(client, rosalind):
    signed_in(client, rosalind)
    assert 'id="director-decides"' in client.get(GRANTS).content.decode()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_page_does_not_say_the_director_decides(client, rosalind):
    signed_in(client, rosalind)
    assert 'id="director-decides"' not in client.get(GRANTS).content.decode()


def test_my_urls_never_answer_500_to_a_signed_in_patron(client, rosalind):
    """The URL walk signs in as staff; this asks the same of a patron, with odd ids."""
    import uuid

    from django.test import Client

    client = Client(raise_request_exception=False)
    signed_in(client, rosalind)
    urls = [
        GRANTS,
        reverse("portal:grant_withdraw", args=[1]),
        "/my/who-may-ask/" + "9" * 40 + "/withdraw/",
        reverse("portal:children"),
        reverse("portal:child", args=[uuid.uuid4()]),
        reverse("portal:child", args=[rosalind.ref]),  # not their own child
    ]
    bodies = ({}, {"agent_name": "x", "categories": ["%ff"], "expires_on": "99999"})
    for url in urls:
        assert client.get(f"{url}?page=abc&zz=%00").status_code < 500, url
        for body in bodies:
            assert client.post(url, body).status_code < 500, url
