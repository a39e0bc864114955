"""Guardians in the portal: a parent's own card, linked at the desk, shows them a child's
account no further than each profile's guardian rule allows for the child's age band."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from custodian.audit.models import AuditEntry
from custodian.circulation import services as circulation
from custodian.circulation.errors import InvalidRecord
from custodian.cli import app
from custodian.records.models import ResponsibleParty
from tests.door import library
from tests.portal.signin import signed_in

pytestmark = pytest.mark.django_db

OVERDUE_TITLE = "The Secret Diary Of A Teenager"
CURRENT_TITLE = "Dragons For Beginners"


@pytest.fixture
def parent(main_branch):
    return library.patron(card_number="21234000070001", first_name="Pat", last_name="Parent")


def _child(main_branch, *, age, card="21234000070002", first_name="Sam"):
    """A child of `age` with one overdue and one current loan and a fine."""
    child = library.patron(card_number=card, first_name=first_name, last_name="Parent", age=age)
    late = library.item(f"39{card[-6:]}01", OVERDUE_TITLE, at=main_branch)
    now_item = library.item(f"39{card[-6:]}02", CURRENT_TITLE, at=main_branch)
    now = timezone.now()
    circulation.check_out(
        patron=child, item=late, branch=main_branch, now=now - dt.timedelta(days=30)
    )
    circulation.check_out(patron=child, item=now_item, branch=main_branch, now=now)
    circulation.assess_charge(patron=child, kind="overdue", amount="2.25", item=late, now=now)
    return child


def _page(client, parent, child):
    signed_in(client, parent)
    response = client.get(reverse("portal:child", args=[child.ref]))
    assert response.status_code == 200
    return response.content.decode()


# --- linking ---------------------------------------------------------------------------


def test_link_guardian_links_audits_and_refuses_nonsense(main_branch, parent):
    child = _child(main_branch, age=10)
    party = circulation.link_guardian(child=child, guardian_patron=parent, relationship="parent")
    assert party.guardian_patron == parent and party.name == "Pat Parent"
    entry = AuditEntry.objects.get(action="guardian_link")
    assert entry.patron_ref == str(child.ref)
    assert entry.fields == [f"responsible_party.guardian_patron.{parent.ref.hex}"]
    assert "Pat" not in entry.body and parent.card_number not in entry.body
    with pytest.raises(InvalidRecord):
        circulation.link_guardian(child=child, guardian_patron=parent, relationship="parent")
    with pytest.raises(InvalidRecord):
        circulation.link_guardian(child=child, guardian_patron=child, relationship="parent")
    with pytest.raises(InvalidRecord):
        circulation.link_guardian(child=child, guardian_patron=parent, relationship="uncle")
    assert ResponsibleParty.objects.filter(patron=child).count() == 1


def test_link_guardian_uses_the_party_named_when_the_card_was_issued(main_branch, parent):
    child = _child(main_branch, age=10)
    circulation.add_responsible_party(patron=child, name="pat  parent", relationship="guardian")
    circulation.link_guardian(child=child, guardian_patron=parent, relationship="guardian")
    party = ResponsibleParty.objects.get(patron=child)
    assert party.guardian_patron == parent


def test_cli_link_guardian(main_branch, parent):
    child = _child(main_branch, age=10)
    run = CliRunner().invoke(
        app, ["patrons", "link-guardian", child.card_number, parent.card_number, "--json"]
    )
    assert run.exit_code == 0, run.output
    assert str(child.ref) in run.output and child.card_number not in run.output
    assert ResponsibleParty.objects.get(patron=child).guardian_patron == parent
    again = CliRunner().invoke(
        app, ["patrons", "link-guardian", child.card_number, "99999999999999"]
    )
    assert again.exit_code == 2 and "Nothing was changed" in " ".join(again.output.split())
    bad = CliRunner().invoke(
        app,
        ["patrons", "link-guardian", child.card_number, parent.card_number, "--relationship", "x"],
    )
    assert bad.exit_code == 2


# --- what a guardian sees, per profile ---------------------------------------------------


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_15_year_old_only_overdue_status_and_amount_owed(client, main_branch, parent):
    """Sonoma III.B.2.b: 13 through 17, whether overdue and how much is owed; no titles."""
    child = _child(main_branch, age=15)
    circulation.link_guardian(child=child, guardian_patron=parent, relationship="parent")
    page = _page(client, parent, child)
    assert 'id="overdue-status"' in page and 'id="amount-owed">$2.25' in page
    assert OVERDUE_TITLE not in page and CURRENT_TITLE not in page
    assert 'id="child-loans"' not in page and "III.B.2.b" in page
    entry = AuditEntry.objects.filter(patron_ref=str(child.ref), action="read").get()
    assert entry.actor == "patron" and entry.role == "guardian"
    assert entry.outcome == "partial_release" and entry.clauses == ["III.B.2.b"]


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_under_13_sees_titles_too(client, main_branch, parent):
    """Sonoma III.B.2.a: under 13, the child's records (titles checked out, overdue)."""
    child = _child(main_branch, age=10)
    circulation.link_guardian(child=child, guardian_patron=parent, relationship="parent")
    page = _page(client, parent, child)
    assert OVERDUE_TITLE in page and CURRENT_TITLE in page and "III.B.2.a" in page
    assert 'id="withheld"' not in page


@override_settings(CUSTODIAN_PROFILE="jackson-county")
def test_jackson_guardian_of_a_minor_sees_the_record(client, main_branch, parent):
    """Jackson IV.c: a guardian of a child under 18 who gives the card number has access."""
    child = _child(main_branch, age=15)
    circulation.link_guardian(child=child, guardian_patron=parent, relationship="parent")
    page = _page(client, parent, child)
    assert OVERDUE_TITLE in page and "IV.c" in page


@override_settings(CUSTODIAN_PROFILE="jensen-memorial")
def test_jensen_only_what_recovery_needs(client, main_branch, parent):
    """Jensen Regulation 3: overdue and charges, for recovery only; never titles."""
    child = _child(main_branch, age=10)
    circulation.link_guardian(child=child, guardian_patron=parent, relationship="parent")
    page = _page(client, parent, child)
    assert 'id="recovery-only"' in page and 'id="amount-owed">$2.25' in page
    assert OVERDUE_TITLE not in page and CURRENT_TITLE not in page
    assert "Regulation 3" in page
    entry = AuditEntry.objects.filter(patron_ref=str(child.ref), action="read").get()
    assert entry.purpose == "overdue_recovery"


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_westchester_not_online_photo_id_at_the_desk(client, main_branch, parent):
    """Westchester 3: only the person who signed for financial responsibility, with
    current legal identification: a sign-in is not that, so nothing online."""
    child = _child(main_branch, age=10)
    circulation.link_guardian(
        child=child,
        guardian_patron=parent,
        relationship="parent",
        financially_responsible=True,
        signed_on=timezone.localdate(),
    )
    page = _page(client, parent, child)
    assert 'id="nothing-shown"' in page
    assert OVERDUE_TITLE not in page and "$2.25" not in page


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_westchester_a_parent_who_did_not_sign_cites_clause_3(client, main_branch, parent):
    child = _child(main_branch, age=10)
    circulation.link_guardian(child=child, guardian_patron=parent, relationship="parent")
    page = _page(client, parent, child)
    assert 'id="nothing-shown"' in page and "<strong>3</strong>" in page


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_an_unlinked_child_is_not_found_and_the_attempt_is_logged(client, main_branch, parent):
    child = _child(main_branch, age=10)
    signed_in(client, parent)
    response = client.get(reverse("portal:child", args=[child.ref]))
    assert response.status_code == 404
    assert OVERDUE_TITLE not in response.content.decode()
    entry = AuditEntry.objects.get(patron_ref=str(child.ref), action="read")
    assert entry.outcome == "deny" and entry.role == "guardian"


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_children_page_lists_linked_children(client, main_branch, parent):
    child = _child(main_branch, age=10)
    _child(main_branch, age=8, card="21234000070003", first_name="Notmine")
    circulation.link_guardian(child=child, guardian_patron=parent, relationship="guardian")
    signed_in(client, parent)
    page = client.get(reverse("portal:children")).content.decode()
    assert reverse("portal:child", args=[child.ref]) in page and "Sam" in page
    assert "Legal guardian" in page and "Notmine" not in page


def test_a_patron_with_no_children_is_told_how_to_link(client, parent):
    signed_in(client, parent)
    assert 'id="no-wards"' in client.get(reverse("portal:children")).content.decode()


def test_the_childs_own_view_says_who_is_linked(client, main_branch, parent):
    child = _child(main_branch, age=15)
    circulation.link_guardian(child=child, guardian_patron=parent, relationship="parent")
    signed_in(client, child)
    page = client.get(reverse("portal:grants")).content.decode()
    assert 'id="guardians"' in page and "Pat Parent (Parent)" in page
    assert "linked to their own library card" in page


def test_the_menu_offers_my_children_only_to_a_linked_guardian(main_branch, parent):
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from custodian.portal import session

    child = _child(main_branch, age=10)
    circulation.link_guardian(child=child, guardian_patron=parent, relationship="parent")

    def menu_after_sign_in(patron):
        request = RequestFactory().get("/my/")
        request.session = SessionStore()
        session.sign_in(request, patron_ref=patron.ref)
        return request.session.get(session.CHILDREN_KEY)

    assert menu_after_sign_in(parent) is True
    assert menu_after_sign_in(child) is False
