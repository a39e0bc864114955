"""The demo's week of disclosure requests: played through the services, decided by the engine."""

import io
import json
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rich.console import Console

from custodian.audit.models import AuditEntry
from custodian.audit.services import verify_log
from custodian.disclosure import selectors, services
from custodian.disclosure.models import Case, DisclosureRequest
from custodian.policy import decide
from custodian.records.models import Patron
from custodian.records.selectors import card_indexes
from custodian.synth import disclosure_cases
from custodian.synth import services as synth

pytestmark = pytest.mark.django_db

SEED = 5


def _demo(settings, tmp_path, profile):
    settings.DATA_DIR = tmp_path
    settings.CUSTODIAN_PROFILE = profile
    out = io.StringIO()
    synth.prepare_demo(patrons=120, seed=SEED, console=Console(file=out, width=120))
    return out.getvalue()


def _case(req):
    return Case.objects.filter(request=req).first()


def _review_block(rv):
    block = {
        "by": rv.by_role,
        "counsel_consulted": rv.counsel_consulted,
        "board_consulted": rv.board_consulted,
        "emergency_confirmed": rv.emergency_confirmed,
    }
    if rv.instrument_valid is not None:
        block["instrument_valid"] = rv.instrument_valid
    return block


def _governing(req):
    """What the engine decides for the request now, after its latest review if any."""
    case = _case(req)
    last = case.reviews.order_by("pk").last() if case else None
    review = _review_block(last) if last else None
    return decide(services.contract_request(req, review=review))


@pytest.mark.parametrize("profile", ["sonoma-county", "westchester"])
def test_every_step_is_the_engines_decision(settings, tmp_path, profile):
    printed = _demo(settings, tmp_path, profile)
    requests = list(DisclosureRequest.objects.order_by("pk"))
    assert len(requests) == 7 and f"{len(requests)} taken at the desk" in printed
    kinds = Counter((r.requester_kind, r.instrument_type) for r in requests)
    assert kinds[("guardian", "")] == kinds[("patron", "")] == 1
    assert kinds[("law_enforcement", "search_warrant")] == kinds[("attorney", "subpoena")] == 1
    assert kinds[("law_enforcement", "fisa_order")] == 1
    for req in requests:
        # The desk's outcome is the engine's first decision for what was asked.
        assert req.outcome == decide(services.contract_request(req))["outcome"]
        case = _case(req)
        if case is None:
            assert req.outcome in ("release", "partial_release", "deny")
            continue
        governing = _governing(req)
        assert case.decision["outcome"] == governing["outcome"]
        released = governing["outcome"] in ("release", "partial_release") and governing["release"]
        if case.status == "released":
            package = case.releases.get()
            assert set(package.fields) <= set(governing["release"]) & set(req.requested)
            if req.instrument_scope:
                assert set(package.fields) <= set(req.instrument_scope)
        elif case.status == "approved":
            assert released
        elif case.status == "declined":
            assert governing["outcome"] == "deny"
        else:
            assert case.status == "open" and not released
            if governing["outcome"] == "refer":
                assert case.assigned_role == governing["refer_to"]


def test_sonoma_cases_on_the_directors_list(settings, tmp_path):
    _demo(settings, tmp_path, "sonoma-county")
    users = get_user_model().objects.in_bulk(["desk", "director"], field_name="username")
    listed = list(selectors.cases_for(users["director"]))
    assert {c.request_id for c in listed} == set(Case.objects.values_list("request_id", flat=True))
    assert sum(c.sealed for c in listed) == 1
    assert not any(c.sealed for c in selectors.cases_for(users["desk"]))

    by = {(c.request.requester_kind, c.request.instrument_type): c for c in listed}
    no_order = [
        c
        for c in listed
        if c.request.is_officer and not c.request.instrument_type and not c.request.purpose
    ]
    assert len(no_order) == 1
    officer = no_order[0]
    # Nothing is told; the Sonoma officer steps are on the case, the clerk's first ones done.
    assert officer.request.decision["release"] == []
    steps = {i.code: i.done for i in officer.request.checklist.filter(kind="officer")}
    assert sorted(steps) == list("abcdefghi")
    assert [code for code, done in sorted(steps.items()) if done] == ["a", "b", "c"]

    warrant = by[("law_enforcement", "search_warrant")]
    package = warrant.releases.get()
    assert warrant.status == "released" and package.by.username == "director"
    assert set(package.fields) == set(warrant.request.instrument_scope) & set(
        _governing(warrant.request)["release"]
    )
    assert "registration.address" in warrant.request.requested
    assert "registration.address" not in package.fields, "asked for, not on the warrant's face"
    assert warrant.written_decisions.filter(disclose=True).exists()

    subpoena = by[("attorney", "subpoena")]
    assert subpoena.status == "open" and subpoena.closed_at is None
    assert subpoena.reviews.get().by_role == "branch_manager"
    assert subpoena.assigned_role == _governing(subpoena.request)["refer_to"]


def test_transparency_report_counts_the_week_without_the_sealed_case(settings, tmp_path):
    _demo(settings, tmp_path, "sonoma-county")
    report = selectors.transparency_counts(timezone.localdate().year)
    shown = [r for r in DisclosureRequest.objects.all() if not services.request_is_sealed(r)]
    assert len(shown) == DisclosureRequest.objects.count() - 1
    assert report["total"] == len(shown)
    assert report["by_outcome"] == dict(Counter(r.outcome for r in shown))
    assert report["by_requester_kind"] == dict(Counter(r.requester_kind for r in shown))
    assert "fisa_order" not in report["by_document_type"]
    released = [r for r in shown if _case(r) is not None and _case(r).releases.exists()]
    assert report["releases"] == len(released) >= 1
    published = selectors.transparency(timezone.localdate().year)
    assert "may therefore omit" in published["note"]
    # The week's requests are few: every figure below 10 is published as words.
    assert published["total"] == ("fewer than 10" if len(shown) < 10 else len(shown))


def test_the_audit_log_verifies_and_names_no_patron(settings, tmp_path):
    _demo(settings, tmp_path, "sonoma-county")
    result = verify_log()
    assert result.ok
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"disclosure.intake", "disclosure.review", "disclosure.release"} <= actions
    bodies = "\n".join(AuditEntry.objects.values_list("body", flat=True))
    asked_about = Patron.objects.filter(
        ref__in=DisclosureRequest.objects.values_list("patron_ref", flat=True)
    )
    assert asked_about.count() >= 5
    for patron in asked_about:
        assert str(patron.ref) in bodies
        assert patron.card_number not in bodies and patron.last_name not in bodies
    # The requests name their patrons only by ref.
    stored = json.dumps(list(DisclosureRequest.objects.values()), default=str)
    assert not any(p.card_number in stored for p in asked_about)

    # A reused demo plays no second week.
    synth.prepare_demo(patrons=120, seed=SEED, console=Console(file=io.StringIO()))
    assert DisclosureRequest.objects.count() == 7
    assert verify_log().count == result.count


def test_the_week_asks_about_the_seeds_patrons(settings, tmp_path):
    _demo(settings, tmp_path, "sonoma-county")
    showcase = set(synth.showcase_card_numbers())
    chosen = disclosure_cases._other_patrons(seed=SEED, exclude=showcase, count=5)
    assert chosen == disclosure_cases._other_patrons(seed=SEED, exclude=showcase, count=5)
    assert chosen != disclosure_cases._other_patrons(seed=SEED + 1, exclude=showcase, count=5)
    refs = {str(r) for r in DisclosureRequest.objects.values_list("patron_ref", flat=True)}
    expected = Patron.objects.filter(card_index__in=card_indexes([*showcase, *chosen]))
    assert refs <= {str(p.ref) for p in expected}
    assert {str(p.ref) for p in expected.filter(card_index__in=card_indexes(chosen))} <= refs
