"""'Who has looked at my record': staff reads and disclosures, never a sealed case's."""

import dataclasses
import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from custodian import door
from custodian.accounts import services as staff_services
from custodian.accounts.models import Role, StaffUser
from custodian.audit.models import AuditEntry
from custodian.disclosure import services as disclosure
from custodian.disclosure.services import Intake
from custodian.policy import get_engine
from custodian.portal import selectors_looked
from custodian.testing.plain_words import raw_codes_in, visible_text
from tests.disclosure.intakes import fisa_order, member_of_the_public
from tests.door import library
from tests.portal.signin import signed_in

pytestmark = pytest.mark.django_db
URL = reverse("portal:looked")


def _staff():
    return {
        role: StaffUser.objects.filter(username=f"{role}-person").first()
        or library.staff(role, f"{role}-person")
        for role in ("desk", "branch_manager", "director")
    }


def _clerk_reads(clerk, patron, fields=("loans.titles",)):
    return door.read_patron(
        reader=door.Reader.staff(clerk),
        patron_ref=patron.ref,
        purpose="library_business",
        fields=list(fields),
    )


def _page(client, patron, **params):
    signed_in(client, patron)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_clerks_read_shows_role_and_branch_but_not_the_username(client, clerk, rosalind):
    _clerk_reads(clerk, rosalind)
    html = _page(client, rosalind)
    text = visible_text(html)
    assert "Opened your record" in text
    assert "Desk staff, at MAIN Library" in text
    assert "Library business" in text
    assert "Titles of items checked out now" in text
    assert clerk.username not in html
    assert raw_codes_in(text) == []


def test_the_profile_may_name_staff(client, clerk, rosalind, monkeypatch):
    clerk.first_name, clerk.last_name = "Ada", "Byron"
    clerk.save()
    _clerk_reads(clerk, rosalind)
    profile = get_engine().profile(settings.CUSTODIAN_PROFILE)
    monkeypatch.setattr(
        profile, "portal", dataclasses.replace(profile.portal, show_staff_names=True)
    )
    assert "(Ada Byron)" in visible_text(_page(client, rosalind))


def test_the_branch_is_the_one_the_staff_member_had_then(client, clerk, rosalind):
    _clerk_reads(clerk, rosalind)
    library.branch("EAST")
    staff_services.set_branch(
        username=clerk.username, branch="EAST", actor="it", actor_role="it_admin"
    )
    _clerk_reads(clerk, rosalind, fields=("loans.due_dates",))
    text = visible_text(_page(client, rosalind))
    assert text.index("at EAST Library") < text.index("at MAIN Library")  # newest first


def test_another_patrons_entries_never_appear(client, clerk, rosalind):
    other = library.patron(card_number="21234000077777", first_name="Zed", last_name="Other")
    _clerk_reads(clerk, other)
    assert "Opened your record" not in visible_text(_page(client, rosalind))


def test_own_reads_are_left_out_and_reading_the_page_is_audited(client, rosalind, clerk):
    html = _page(client, rosalind)
    assert "No one at the library has opened your record" in html
    (entry,) = AuditEntry.objects.filter(action="portal.who_looked")
    assert (entry.actor, entry.role, entry.purpose) == ("patron", "patron", "own_record")
    assert entry.patron_ref == str(rosalind.ref) and entry.fields == []
    # The patron's own visits (this one included) are not listed the next time either.
    assert "No one at the library has opened your record" in _page(client, rosalind)
    assert AuditEntry.objects.filter(action="portal.who_looked").count() == 2


@override_settings(CUSTODIAN_PROFILE="westchester")  # where an emergency may be released
def test_a_disclosure_appears_with_what_was_told_and_to_whom(client, rosalind):
    staff = _staff()
    case = disclosure.intake(
        user=staff["desk"],
        data=Intake(
            requester_kind="law_enforcement",
            channel="phone",
            purpose="emergency",
            card_number=rosalind.card_number,
            requested=["registration.address"],
        ),
    ).case
    disclosure.review(
        user=staff["director"], case=case, instrument_valid=None, emergency_confirmed=True
    )
    disclosure.release(user=staff["director"], case=case, handed_to="Sgt. Lee")
    text = visible_text(_page(client, rosalind))
    assert "Handed over information about you" in text
    assert "To whom A law enforcement officer" in text
    assert "What was told Postal address" in text
    assert "Recorded a request for information about you" in text
    assert staff["director"].username not in text
    assert raw_codes_in(text) == []


def _sealed_case(rosalind):
    staff = _staff()
    screen = disclosure.intake(
        user=staff["desk"], data=fisa_order(card_number=rosalind.card_number)
    )
    assert screen.case.sealed
    return staff, screen.case


def _listing(client, patron):
    """The page's list of entries (its own words only, not the explanations around it)."""
    html = _page(client, patron)
    found = re.search(r'<ol class="looks">(.*?)</ol>', html, re.S)
    return visible_text(found.group(1)) if found else ""


def test_a_sealed_case_never_appears_and_nothing_hints_at_it(client, clerk, rosalind):
    _clerk_reads(clerk, rosalind)
    without = _listing(client, rosalind)
    staff, case = _sealed_case(rosalind)
    disclosure.get_case(staff["director"], case.ref)
    disclosure.add_note(user=staff["director"], case=case, note="Counsel called.")
    # The intake looked the card up and read through the door: all of it is in the log...
    logged = AuditEntry.objects.filter(patron_ref=str(rosalind.ref)).exclude(role="patron")
    assert logged.filter(action__startswith="disclosure.").count() >= 3
    assert logged.filter(action="lookup", actor=staff["desk"].username).exists()
    # ...and none of it on the page, which is exactly as it was before the case.
    assert _listing(client, rosalind) == without
    html = _page(client, rosalind)
    assert "Older entries" not in html and "hidden" not in visible_text(html).lower()


def test_a_sealed_case_leaves_no_gap_in_the_paging(client, clerk, rosalind):
    for _ in range(selectors_looked.PER_PAGE - 1):
        _clerk_reads(clerk, rosalind)
    _sealed_case(rosalind)
    _clerk_reads(clerk, rosalind)
    html = _page(client, rosalind)
    # Exactly one page of the patron's visible entries: no second page left by the case.
    assert html.count('class="panel look"') == selectors_looked.PER_PAGE
    assert "Older entries" not in html
    assert selectors_looked.visible_entries(patron_ref=rosalind.ref).count() == (
        selectors_looked.PER_PAGE
    )


def test_a_read_before_the_case_was_sealed_is_hidden_too(client, rosalind):
    """The intake's own lookup comes before the request is saved (and sealed): still hidden."""
    staff, case = _sealed_case(rosalind)
    lookup = AuditEntry.objects.get(action="lookup", actor=staff["desk"].username)
    assert lookup.recorded_at <= case.request.created_at + dt.timedelta(seconds=1)
    assert "Looked up your card" not in _listing(client, rosalind)


def test_a_sealed_cases_package_opened_later_by_someone_else_is_hidden(client, rosalind):
    _sealed_case(rosalind)
    designee = library.staff(Role.DESIGNEE, "designee-person")
    door.read_package(
        reader=door.Reader.staff(designee), patron_ref=rosalind.ref, fields=["loans.titles"]
    )
    assert AuditEntry.objects.filter(action="read_package", actor="designee-person").exists()
    assert "package" not in _listing(client, rosalind)


def test_unsealing_shows_the_case(client, rosalind):
    staff, case = _sealed_case(rosalind)
    disclosure.unseal(user=staff["director"], case=case, reason="The order was lifted.")
    listing = _listing(client, rosalind)
    assert "Recorded a request for information about you" in listing
    assert "Looked up your card" in listing


def test_an_unsealed_request_before_the_sealed_one_still_shows(client, rosalind):
    staff = _staff()
    disclosure.intake(
        user=staff["desk"], data=member_of_the_public(card_number=rosalind.card_number)
    )
    first = _listing(client, rosalind)
    assert "Who asked A member of the public" in first
    assert "To whom" not in first and "What was told" not in first  # refused: nothing told
    assert "Recorded a request for information about you" in first
    _sealed_case(rosalind)
    assert _listing(client, rosalind) == first


def test_signed_out_goes_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url == reverse("portal:home")


@pytest.mark.parametrize("bad", ["x", "-1", "0", "1" * 40, "1.5", "2026\x00"])
def test_a_bad_page_number_is_a_clear_400(client, rosalind, bad):
    signed_in(client, rosalind)
    response = client.get(URL, {"page": bad})
    assert response.status_code == 400
    assert "“page” must be a whole number" in response.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client, clerk, rosalind):
    _clerk_reads(clerk, rosalind)
    assert "Opened your record" in _page(client, rosalind, page=99)


@override_settings(CUSTODIAN_PROFILE="jensen-memorial")
def test_a_desk_role_at_another_profile(client, rosalind, main_branch):
    clerk = library.staff(Role.DESK, "jensen-clerk", at=main_branch)
    _clerk_reads(clerk, rosalind, fields=("loans.due_dates",))
    assert "Desk staff, at MAIN Library" in visible_text(_page(client, rosalind))
