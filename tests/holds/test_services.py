"""Placing and releasing holds: by hand and from a case, released with a reason or when the
case closes; on the timeline and in the audit log, with no personal data."""

import datetime as dt

import pytest
from django.utils import timezone

from custodian.audit.models import AuditEntry
from custodian.disclosure import services as disclosure
from custodian.disclosure.models import Case, CaseEvent
from custodian.holds import services
from custodian.holds.erasure import PatronHeld, erase_patron
from custodian.holds.models import LegalHold
from tests.holds.conftest import make_case

pytestmark = pytest.mark.django_db


def _place(user, patron, **kw):
    values = {"categories": ["reading_history", "searches"], "reason": "Subpoena 26-114"}
    values.update(kw)
    return services.place_hold(user=user, patron_ref=patron.ref, **values)


def _personal(patron):
    return (patron.first_name, patron.last_name, patron.card_number, patron.address)


def test_the_director_places_a_hold_by_hand(director, patron):
    hold = _place(director, patron, records_from=dt.date(2026, 1, 1))
    assert hold.active and not hold.sealed and hold.case is None
    assert hold.categories == ["reading_history", "searches"]
    entry = AuditEntry.objects.filter(action="legal_hold_place").get()
    assert str(entry.patron_ref) == str(patron.ref)
    assert entry.fields == ["legal_hold.reading_history", "legal_hold.searches"]
    assert entry.outcome == "placed"
    for secret in (*_personal(patron), "Subpoena 26-114"):
        assert secret not in entry.body


def test_a_designee_places_one_too(designee, patron):
    assert _place(designee, patron).placed_by == designee


@pytest.mark.parametrize("role", ["clerk", "manager", "it_admin"])
def test_other_roles_may_not_place_a_hold(request, role, patron):
    user = request.getfixturevalue(role)
    with pytest.raises(services.HoldForbidden):
        _place(user, patron)
    assert not LegalHold.objects.exists()
    assert AuditEntry.objects.filter(action="legal_hold_place", outcome="refused").count() == 1


def test_a_hold_needs_a_reason_known_categories_and_an_ordered_range(director, patron):
    with pytest.raises(services.HoldError, match="subpoena"):
        _place(director, patron, reason="  ")
    with pytest.raises(services.HoldError, match="from the list"):
        _place(director, patron, categories=["everything"])
    with pytest.raises(services.HoldError, match="before its start"):
        _place(
            director,
            patron,
            records_from=dt.date(2026, 2, 1),
            records_until=dt.date(2026, 1, 1),
        )
    assert not LegalHold.objects.exists()


def test_a_hold_from_a_case_is_on_its_timeline(director, patron, case):
    hold = _place(director, patron, case=case, categories=["video"])
    assert hold.case == case and not hold.sealed
    event = CaseEvent.objects.get(case=case, kind="legal_hold_placed")
    assert "Camera footage" in event.note and "Subpoena 26-114" in event.note
    assert event.label == "Legal hold placed"


def test_a_sealed_cases_hold_is_sealed_and_the_directors_alone(director, designee, patron):
    sealed = make_case(patron=patron, by=director, sealed=True)
    with pytest.raises(services.HoldForbidden):
        _place(designee, patron, case=sealed)
    hold = _place(director, patron, case=sealed)
    assert hold.sealed
    active, _released = services.holds_for(designee)
    assert active == []
    assert services.holds_for(director)[0] == [hold]
    with pytest.raises(services.HoldNotFound):
        services.get_hold(designee, hold.ref)


def test_a_closed_case_places_no_hold(director, patron, case):
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=timezone.now())
    case.refresh_from_db()
    with pytest.raises(services.HoldError, match="closed"):
        _place(director, patron, case=case)


def test_the_director_releases_a_hold_with_a_reason(director, patron, case):
    hold = _place(director, patron, case=case)
    with pytest.raises(services.HoldError, match="why"):
        services.release_hold(user=director, hold=hold, reason=" ")
    assert LegalHold.objects.get(pk=hold.pk).active
    services.release_hold(user=director, hold=hold, reason="Counsel says the subpoena lapsed")
    hold.refresh_from_db()
    assert not hold.active and hold.released_by == director
    assert hold.release_reason == "Counsel says the subpoena lapsed"
    assert CaseEvent.objects.filter(case=case, kind="legal_hold_released").count() == 1
    entry = AuditEntry.objects.filter(action="legal_hold_release").get()
    assert entry.outcome == "released" and str(entry.patron_ref) == str(patron.ref)
    with pytest.raises(services.HoldError, match="already released"):
        services.release_hold(user=director, hold=hold, reason="Again")


def test_a_clerk_may_not_release_a_hold(director, clerk, patron):
    hold = _place(director, patron)
    with pytest.raises(services.HoldForbidden):
        services.release_hold(user=clerk, hold=hold, reason="No")
    assert LegalHold.objects.get(pk=hold.pk).active


def test_closing_the_case_releases_its_holds(director, patron, case):
    hold = _place(director, patron, case=case)
    by_hand = _place(director, patron, categories=["charges"])
    disclosure.close_case(user=director, case=case, note="Records produced to the court")
    hold.refresh_from_db()
    by_hand.refresh_from_db()
    assert not hold.active and hold.release_reason == services.CASE_CLOSED
    assert hold.released_by == director
    assert by_hand.active  # a hold the director placed by hand is not the case's
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[-2:] == ["closed", "legal_hold_released"]
    assert AuditEntry.objects.filter(action="legal_hold_release").count() == 1


def test_a_case_declined_in_writing_releases_its_holds(director, patron, case):
    hold = _place(director, patron, case=case)
    disclosure.write_decision(
        user=director,
        case=case,
        disclose=False,
        text="Not disclosed.",
        basis="The subpoena does not meet the policy.",
    )
    hold.refresh_from_db()
    assert not hold.active and hold.release_reason == services.CASE_CLOSED


def test_erasure_refuses_while_held_and_goes_ahead_once_released(director, patron):
    hold = _place(director, patron)
    with pytest.raises(PatronHeld):
        erase_patron(patron=patron, actor="director", role="director", reason="patron_asked")
    services.release_hold(user=director, hold=hold, reason="Withdrawn")
    erase_patron(patron=patron, actor="director", role="director", reason="patron_asked")
    hold.refresh_from_db()
    assert hold.patron_id is None and hold.release_reason == "Withdrawn"


def test_words_for_every_category_and_range():
    assert services.categories_in_words([]) == "All of the patron's records"
    assert "Camera footage" in services.categories_in_words(["video"])
    assert services.range_in_words(dt.date(2026, 1, 2), None) == "records dated from 2 January 2026"
    assert services.range_in_words(None, None) == "records of any date"
