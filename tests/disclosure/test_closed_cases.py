"""Hardening from issue 7: a closed case takes no further step, and says so (409), changing
nothing, on the API and the screens. Before the fix, reviewing a case declined in writing
reopened it and broke `case_closed_only_when_done`: a 500."""

import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from custodian.disclosure import services
from custodian.disclosure.models import Case
from tests.disclosure.intakes import emergency_release, officer

pytestmark = pytest.mark.django_db


def _declined_in_writing(staff):
    """An administrative warrant the Director declines in writing: the case is closed."""
    case = services.intake(user=staff["desk"], data=officer()).case
    services.write_decision(
        user=staff["director"],
        case=case,
        disclose=False,
        text="Not disclosed.",
        basis="An administrative warrant is not a court order.",
    )
    case.refresh_from_db()
    assert case.status == "declined" and case.closed_at is not None
    return case


def _state(case):
    """Everything a step on a case could change."""
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.closed_at,
        case.assigned_role,
        case.cost_recovery,
        json.dumps(case.decision, sort_keys=True),
        case.reviews.count(),
        case.written_decisions.count(),
        case.releases.count(),
        case.costs.count(),
        list(case.events.values_list("kind", flat=True)),
    )


def _api(client, case, path, body):
    return client.post(
        f"/api/disclosure/cases/{case.ref}/{path}",
        json.dumps(body),
        content_type="application/json",
    )


# Each step on a closed case, over the API and as the screen's form posts it.
STEPS = {
    "review": (
        "reviews",
        {"instrument_valid": True, "counsel_consulted": True},
        "disclosure:review",
        {"instrument_valid": "yes", "counsel_consulted": "on"},
        "takes no further review",
    ),
    "written decision": (
        "written-decisions",
        {"disclose": True, "text": "Disclose after all.", "basis": "Second thoughts."},
        "disclosure:decision",
        {"disclose": "yes", "text": "Disclose after all.", "basis": "Second thoughts."},
        "written decision can no longer be added",
    ),
    "release": (
        "releases",
        {"handed_to": "J. Smith"},
        "disclosure:release",
        {"handed_to": "J. Smith", "fields": ["registration.address"]},
        "nothing more may be released",
    ),
    "close": (
        "close",
        {"reason": "Done."},
        "disclosure:close",
        {"reason": "Done."},
        "already closed",
    ),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_a_step_on_a_case_declined_in_writing_is_refused_with_409(staff, door, step):
    case = _declined_in_writing(staff)
    before = _state(case)
    path, body, view, form, says = STEPS[step]
    client = Client()
    client.force_login(staff["director"])

    resp = _api(client, case, path, body)
    assert resp.status_code == 409, resp.content
    assert says in resp.json()["detail"]
    assert _state(case) == before

    resp = client.post(reverse(view, args=[case.ref]), form, follow=True)
    assert resp.status_code == 200
    page = resp.content.decode()
    assert says in page and "Server Error" not in page
    assert _state(case) == before


def test_the_closed_case_page_offers_no_review_or_decision(staff, door):
    case = _declined_in_writing(staff)
    client = Client()
    client.force_login(staff["director"])
    page = client.get(reverse("disclosure:case", args=[case.ref])).content.decode()
    assert 'id="review-form"' not in page and 'id="decision-form"' not in page
    assert 'id="release-form"' not in page


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_staff_time_on_a_closed_case_is_billed_and_does_not_reopen_it(staff, door):
    """Costs are the one step a closed case still takes: Westchester bills the requester for
    the work after it is done. Recording them changes no status."""
    case = _declined_in_writing(staff)
    assert case.cost_recovery, "Westchester: the requester bears the costs"
    client = Client()
    client.force_login(staff["director"])
    resp = _api(client, case, "costs", {"description": "Search", "staff_minutes": 30})
    assert resp.status_code == 201
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.closed_at) == ("declined", case.closed_at)
    assert after.costs.count() == 1


def test_counsel_review_after_close_is_refused_with_409(staff, door):
    """An emergency release stays open until counsel's review is recorded; that closes it.
    A second review, or closing it again, is refused and changes nothing."""
    case, _ = emergency_release(staff)
    services.record_counsel_review(
        user=staff["director"], case=case, counsel_name="A. Lawyer", conclusion="Proper."
    )
    case.refresh_from_db()
    assert case.closed_at is not None and case.status == "released"
    before = _state(case)
    client = Client()
    client.force_login(staff["director"])
    for path, body in (
        ("counsel-review", {"counsel_name": "B. Lawyer", "conclusion": "Improper."}),
        ("close", {"reason": "Done."}),
        ("reviews", {"instrument_valid": None, "emergency_confirmed": True}),
        ("releases", {"handed_to": "Sgt. Lee"}),
    ):
        resp = _api(client, case, path, body)
        assert resp.status_code == 409, (path, resp.content)
        assert "closed" in resp.json()["detail"], path
    resp = client.post(
        reverse("disclosure:counsel", args=[case.ref]),
        {"counsel_name": "B. Lawyer", "conclusion": "Improper."},
        follow=True,
    )
    assert resp.status_code == 200
    assert "counsel's review can no longer be recorded" in resp.content.decode().replace(
        "&#x27;", "'"
    )
    assert _state(case) == before
    assert case.counsel_review.counsel_name == "A. Lawyer"


def test_a_further_review_of_a_declined_but_open_case_is_still_allowed(staff, door):
    """Declined on review (not in writing) stays open to a further review, e.g. after the
    board is consulted: the 409 is for closed cases only."""
    case = services.intake(user=staff["desk"], data=officer()).case
    services.review(user=staff["director"], case=case, instrument_valid=False)
    case.refresh_from_db()
    assert case.status == "declined" and case.closed_at is None
    services.review(user=staff["director"], case=case, instrument_valid=True)
    case.refresh_from_db()
    assert case.status == "approved" and case.reviews.count() == 2
