"""The Director's override: a written decision that gives more than the policy engine's answer.

Only the Director (not a designee), with a reason and counsel's review recorded (who and
when); it is on the timeline, in the audit log (codes only) and in the transparency report;
a release beyond the engine's answer without it is refused by the service.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from custodian.audit.models import AuditEntry
from custodian.cli import app
from custodian.disclosure import selectors, services
from custodian.disclosure.models import Case, WrittenDecision
from custodian.disclosure.services import DisclosureError, Forbidden
from tests.disclosure.conftest import CARD
from tests.disclosure.fakes import FakeDoor, fake_decide, standard_patron_values
from tests.disclosure.intakes import officer

pytestmark = pytest.mark.django_db

REASON = "The warrant was reissued by a judge; the Director releases the address now."
COUNSEL = "Town Attorney Ames"


def _referred(staff):
    """An administrative warrant: the engine refers it to the Director and releases nothing."""
    case = services.intake(user=staff["desk"], data=officer()).case
    assert case.decision["outcome"] == "refer" and services.engine_fields(case) == []
    return case


def _decide(user, case, **kw):
    base = dict(
        disclose=True,
        text="Disclose the address.",
        basis="Counsel's advice.",
        fields=["registration.address"],
    )
    base.update(kw)
    return services.write_decision(user=user, case=case, **base)


def _override(today=None):
    return dict(
        override=True,
        override_reason=REASON,
        counsel_name=COUNSEL,
        counsel_reviewed_on=today or timezone.localdate(),
    )


def _nothing_recorded(case, status="open"):
    case.refresh_from_db()
    assert case.written_decisions.count() == 0 and case.status == status
    assert not case.events.filter(kind__in=["written_decision", "override"]).exists()


def test_more_than_the_engine_is_refused_without_an_explicit_override(door, staff):
    case = _referred(staff)
    with pytest.raises(DisclosureError, match="more than the policy engine's answer") as exc:
        _decide(staff["director"], case)
    assert exc.value.field == "override" and "releases nothing" in exc.value.message
    # Disclosing with no records named, where the engine releases nothing, is more too.
    with pytest.raises(DisclosureError, match="explicit override"):
        _decide(staff["director"], case, fields=[])
    _nothing_recorded(case)


@pytest.mark.parametrize(
    "missing, field",
    [
        ({"override_reason": "  "}, "override_reason"),
        ({"counsel_name": ""}, "counsel_name"),
        ({"counsel_reviewed_on": None}, "counsel_reviewed_on"),
        ({"fields": []}, "fields"),
    ],
)
def test_override_needs_reason_counsel_and_the_records(door, staff, missing, field):
    case = _referred(staff)
    with pytest.raises(DisclosureError) as exc:
        _decide(staff["director"], case, **{**_override(), **missing})
    assert exc.value.field == field
    _nothing_recorded(case)


def test_counsel_cannot_have_reviewed_it_tomorrow(door, staff):
    case = _referred(staff)
    today = timezone.localdate()
    with pytest.raises(DisclosureError, match="between the day the case was opened and today"):
        _decide(staff["director"], case, **_override(today + dt.timedelta(days=1)), today=today)
    _nothing_recorded(case)


def test_only_the_director_overrides_not_a_designee(door, staff, audit_log):
    case = _referred(staff)
    with pytest.raises(Forbidden, match="Only the Library Director"):
        _decide(staff["designee"], case, **_override())
    assert audit_log[-1]["action"] == "disclosure.override"
    assert audit_log[-1]["outcome"] == "refused"
    _nothing_recorded(case)


def test_an_override_that_overrides_nothing_is_refused(door, staff):
    # A judge-signed warrant: the engine already releases what its face names.
    from tests.disclosure.intakes import law_enforcement

    data = law_enforcement("search_warrant", "judge", court="state", requested=["loans.titles"])
    case = services.intake(user=staff["desk"], data=data).case
    assert services.engine_fields(case) == ["loans.titles"]
    with pytest.raises(DisclosureError, match="Nothing to override"):
        _decide(staff["director"], case, fields=["loans.titles"], **_override())
    # Without the override it is an ordinary written decision.
    wd = _decide(staff["director"], case, fields=["loans.titles"])
    assert not wd.override and not case.events.filter(kind="override").exists()


def test_override_outside_the_face_of_the_document_is_refused(door, staff):
    case = _referred(staff)
    with pytest.raises(DisclosureError, match="Outside what the document names on its face"):
        _decide(staff["director"], case, fields=["loans.titles"], **_override())
    _nothing_recorded(case)


def test_recorded_override_is_on_the_timeline_and_lets_the_release_go(door, staff, audit_log):
    case = _referred(staff)
    wd = _decide(staff["director"], case, **_override())
    case.refresh_from_db()
    assert wd.override and wd.by_role == "director" and wd.counsel_name == COUNSEL
    assert case.status == Case.Status.APPROVED
    event = case.events.get(kind="override")
    assert event.label == "Director's override of the policy engine"
    assert REASON in event.note and COUNSEL in event.note and "Postal address" in event.note
    assert "registration.address" not in event.note
    override_audit = [
        {**e, "patron_ref": str(e["patron_ref"])}
        for e in audit_log
        if e["action"] == "disclosure.override"
    ]
    assert override_audit == [
        {
            "actor": "director-user",
            "role": "director",
            "action": "disclosure.override",
            "outcome": "recorded",
            "patron_ref": str(case.request.patron_ref),
            "fields": ["registration.address"],
        }
    ]
    assert services.releasable_fields(case) == ["registration.address"]
    rel = services.release(user=staff["director"], case=case, handed_to="Agent K")
    assert rel.fields == ["registration.address"]


def test_release_beyond_the_engine_without_override_is_refused(door, staff):
    case = _referred(staff)
    # A disclosing decision slipped in without the override (as an old client or a hand edit
    # might leave it), and the case forced to "approved": the release service still refuses.
    WrittenDecision.objects.create(
        case=case, by=staff["director"], disclose=True, text="Disclose.", basis="None."
    )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.APPROVED)
    case.refresh_from_db()
    refusals = {None: "releases nothing", ("registration.address",): "no Director's override"}
    for fields, message in refusals.items():
        with pytest.raises(DisclosureError, match=message):
            services.release(user=staff["director"], case=case, handed_to="Agent K", fields=fields)
    assert case.releases.count() == 0


def test_release_of_more_fields_than_the_engine_needs_the_override(door, staff):
    # The engine releases one of the two records asked for (no document to limit them).
    case = _referred(staff)
    req = case.request
    req.instrument_type, req.instrument_signed_by, req.instrument_scope = "", "", []
    req.save()
    case.decision = {**case.decision, "outcome": "partial_release", "release": ["loans.titles"]}
    case.status = Case.Status.APPROVED
    case.save()
    assert services.engine_fields(case) == ["loans.titles"]
    with pytest.raises(DisclosureError, match="Postal address"):
        services.release(
            user=staff["director"],
            case=case,
            handed_to="Agent K",
            fields=["loans.titles", "registration.address"],
        )
    with pytest.raises(DisclosureError, match="more than the policy engine's answer") as exc:
        _decide(staff["director"], case, fields=["loans.titles", "registration.address"])
    assert "Titles of items checked out now" in exc.value.message
    _decide(staff["director"], case, fields=["loans.titles", "registration.address"], **_override())
    rel = services.release(
        user=staff["director"],
        case=case,
        handed_to="Agent K",
        fields=["loans.titles", "registration.address"],
    )
    assert rel.fields == ["loans.titles", "registration.address"]


def test_override_counts_in_the_transparency_report_page_and_cli(door, staff, client):
    year = timezone.localdate().year
    assert selectors.transparency_counts(year)["overrides"] == 0
    _decide(staff["director"], _referred(staff), **_override())
    _referred(staff)  # a second request, not overridden
    assert selectors.transparency_counts(year)["overrides"] == 1
    # Published, one override is a figure below the minimum cell size.
    assert selectors.transparency(year)["overrides"] == "fewer than 10"
    client.force_login(staff["auditor"])
    page = client.get(f"/disclosure/board/?year={year}").content.decode()
    assert "overrode the policy engine" in page
    assert (
        '<p id="overrides">' in page
        and "<strong>fewer than 10</strong>" in page.split('id="overrides"')[1]
    )
    result = CliRunner().invoke(app, ["transparency-report", "--year", str(year), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["overrides"] == "fewer than 10"
    result = CliRunner().invoke(app, ["transparency-report", "--year", str(year)])
    assert (
        "overrode the policy engine's answer to disclose more, with counsel's review: fewer than 10"
        in (" ".join(result.output.split()))
    )


@pytest.fixture
def real_audit_door(monkeypatch):
    """The fake door and engine, with the real (hash-chained) audit log."""
    d = FakeDoor()
    d.ref = d.add(CARD, standard_patron_values())
    monkeypatch.setattr("custodian.disclosure.gateways.find_patron_ref", d.find_patron_ref)
    monkeypatch.setattr("custodian.disclosure.gateways.read_fields", d.read_fields)
    monkeypatch.setattr("custodian.disclosure.gateways.decide", fake_decide)
    return d


def test_the_audit_entry_of_an_override_holds_no_patron_data(real_audit_door, staff):
    case = _referred(staff)
    _decide(staff["director"], case, **_override())
    entry = AuditEntry.objects.get(action="disclosure.override")
    assert entry.patron_ref == str(case.request.patron_ref) and entry.outcome == "recorded"
    assert entry.fields == ["registration.address"]
    values = standard_patron_values()
    for secret in (REASON, COUNSEL, CARD, "J. Smith", "Disclose the address", *_strings(values)):
        assert secret not in entry.body, secret


def _strings(values):
    return [v for v in values.values() if isinstance(v, str) and len(v) > 3]


# ---------------------------------------------------------------- the API, same rule


def _api(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def test_api_written_decision_enforces_the_override(client, door, staff):
    case = _referred(staff)
    url = f"/api/disclosure/cases/{case.ref}/written-decisions"
    body = {"disclose": True, "text": "t", "basis": "b", "fields": ["registration.address"]}
    client.force_login(staff["director"])
    resp = _api(client, url, body)
    assert resp.status_code == 400 and resp.json()["field"] == "override"
    client.force_login(staff["designee"])
    resp = _api(client, url, {**body, **_override()})
    assert resp.status_code == 403
    client.force_login(staff["director"])
    resp = _api(client, url, {**body, **_override()})
    assert resp.status_code == 201, resp.json()
    written = resp.json()["written_decisions"][-1]
    assert written["override"] and written["counsel_name"] == COUNSEL
    assert written["counsel_reviewed_on"] == timezone.localdate().isoformat()
    assert resp.json()["status"] == "approved"
    assert [e["kind"] for e in resp.json()["events"]][-2:] == ["written_decision", "override"]
