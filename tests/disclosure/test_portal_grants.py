"""A grant the patron made ("who may ask about me") as the desk meets it: the person named
asks, the intake finds the live grant, the engine applies its scope, the page cites it.

Real door, real engine, real audit log: this is the path a desk takes.
"""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from custodian.accounts.models import Role
from custodian.audit.models import AuditEntry
from custodian.circulation import services as circulation
from custodian.disclosure import services
from custodian.disclosure.checklists import decision_page
from custodian.disclosure.services import Intake
from custodian.records.models import Authorization
from tests.door import library

pytestmark = pytest.mark.django_db

CARD = "21234000012345"
LOANS = ["loans.count", "loans.due_dates", "loans.titles"]


@pytest.fixture
def desk(db):
    return library.staff(Role.DESK, "deskclerk", at=library.branch())


@pytest.fixture
def patron(db):
    return library.patron(card_number=CARD)


def grant(patron, *, fields=LOANS, days=7, signed=None, agent="Ada Lovelace", portal=True):
    signed = signed or timezone.localdate()
    row = circulation.record_authorization(
        patron=patron,
        agent_name=agent,
        fields=list(fields),
        signed_on=signed,
        expires_on=signed + dt.timedelta(days=days),
    )
    Authorization.objects.filter(pk=row.pk).update(made_in_portal=portal)
    row.refresh_from_db()
    return row


def friend_asks(requested=("loans.titles",), name="  ada   LOVELACE ", evidence=("photo_id",)):
    return Intake(
        requester_kind="authorized_agent",
        requester_name=name,
        channel="in_person",
        card_number=CARD,
        evidence=list(evidence),
        requested=list(requested),
    )


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_releases_what_the_grant_covers_and_cites_it(desk, patron):
    made = grant(patron)
    screen = services.intake(user=desk, data=friend_asks(["loans.titles", "charges.amount"]))
    d = screen.decision
    assert d["outcome"] == "partial_release"
    assert d["release"] == ["loans.titles"] and d["withhold"] == ["charges.amount"]
    assert "III.B.1.c" in [c["clause"] for c in d["citations"]]
    # On file, so it counts as written authorisation; the photo ID is still the desk's.
    assert screen.request.evidence == ["photo_id", "written_authorization"]
    assert d["authorization"]["id"] == made.pk
    line = decision_page(screen)["grant"]
    today = timezone.localdate()
    until = today + dt.timedelta(days=7)
    assert line == (
        f"The patron's written authorisation made on {today.day} {today:%B %Y} in their "
        f"online account, valid until {until.day} {until:%B %Y}, covers: loans."
    )
    # The lookup is audited against the patron, without the friend's name.
    entry = AuditEntry.objects.filter(action="grant_lookup").get()
    assert entry.patron_ref == str(patron.ref) and entry.outcome == "release"
    # ("ada" alone could be hex in a ref: the surname cannot.)
    assert "lovelace" not in entry.body.lower()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_without_photo_id_asks_for_it(desk, patron):
    grant(patron)
    screen = services.intake(user=desk, data=friend_asks(evidence=()))
    assert screen.decision["release"] == []
    assert screen.decision["needs_proof"] == ["photo_id"]


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_someone_else_gets_nothing(desk, patron):
    grant(patron)
    screen = services.intake(user=desk, data=friend_asks(name="Charles Babbage"))
    assert screen.decision["release"] == []
    assert "written_authorization" not in screen.request.evidence
    assert decision_page(screen)["grant"].startswith("No written authorisation")


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_revoked_grant_is_refused(desk, patron):
    made = grant(patron)
    circulation.revoke_authorization(authorization=made)
    screen = services.intake(user=desk, data=friend_asks())
    # Nothing is told; with no authorisation Sonoma treats them as anyone else (III.C.1).
    assert screen.decision["release"] == [] and screen.decision["outcome"] in ("refer", "deny")
    assert screen.decision["authorization"] is None
    assert "written_authorization" not in screen.request.evidence


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_expired_grant_is_refused(desk, patron):
    grant(patron, days=7)
    # The desk's clock eight days on (the intake's `now`): the grant ended the day before.
    later = timezone.now() + dt.timedelta(days=8)
    screen = services.intake(user=desk, data=friend_asks(), now=later)
    assert screen.decision["release"] == [] and screen.decision["authorization"] is None
    # On its last day it still counts.
    last_day = timezone.now() + dt.timedelta(days=7)
    screen = services.intake(user=desk, data=friend_asks(), now=last_day)
    assert screen.decision["release"] == ["loans.titles"]


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_westchester_a_portal_grant_still_goes_to_the_director(desk, patron):
    grant(patron)
    screen = services.intake(user=desk, data=friend_asks())
    d = screen.decision
    assert d["outcome"] == "refer" and d["refer_to"] == "director"
    assert [c["clause"] for c in d["citations"]] == ["5"]
    assert "forward_to_director" in d["obligations"]
    assert screen.case is not None and screen.case.assigned_role == "director"
    # The grant is recorded as the patron's own written consent on the request.
    assert "written_authorization" in screen.request.evidence
    assert screen.request.decision["authorization"]["made_in_portal"] is True


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_decision_page_shows_the_grant(client, desk, patron):
    grant(patron)
    screen = services.intake(user=desk, data=friend_asks())
    client.force_login(desk)
    html = client.get(reverse("disclosure:request", args=[screen.request.ref])).content.decode()
    assert 'id="grant-line"' in html and "covers: loans." in html


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_photo_id_added_afterwards_releases_what_the_grant_covers(desk, patron):
    grant(patron)
    first = services.intake(user=desk, data=friend_asks(evidence=()))
    assert first.decision["needs_proof"] == ["photo_id"]
    again = services.add_proof(user=desk, req=first.request, evidence=["photo_id"])
    assert again.decision["release"] == ["loans.titles"]
    assert again.decision["authorization"]["fields"] == sorted(LOANS)


@pytest.mark.parametrize("withdrawn", [False, True])
@override_settings(CUSTODIAN_PROFILE="westchester")
def test_the_directors_review_rests_only_on_a_grant_still_in_force(desk, patron, withdrawn):
    """Westchester 5: the Director decides a third party's document. A portal grant the
    patron withdraws while the case waits must not be released on afterwards."""
    row = grant(patron)
    screen = services.intake(user=desk, data=friend_asks())
    assert screen.case is not None and screen.case.assigned_role == "director"
    if withdrawn:
        circulation.revoke_authorization(authorization=row)
    director = library.staff(Role.DIRECTOR, "director", at=desk.branch)
    rv = services.review(user=director, case=screen.case, instrument_valid=True)
    if withdrawn:
        assert "loans.titles" not in rv.decision["release"]
    else:
        assert rv.decision["release"] == ["loans.titles"]
