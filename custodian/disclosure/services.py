"""Disclosure requests from the desk to the director's decision.

Every public function here checks the actor's role, writes the audit log (allowed and
refused attempts alike, with opaque references only), and either completes its whole act
or changes nothing. Patron data is read only through the door (`gateways.read_fields`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from custodian.disclosure import gateways, rendering, vocab
from custodian.disclosure.models import (
    Case,
    CaseEvent,
    ChecklistItem,
    CostRecord,
    CounselReview,
    DisclosureRequest,
    Release,
    Review,
    WrittenDecision,
)

INTAKE_ROLES = {"desk", "branch_manager", "director", "designee"}
CUSTODIAN_ROLES = {"director", "designee"}


class DisclosureError(Exception):
    """A request that cannot be carried out; the message is fit to show at the desk."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Forbidden(DisclosureError):
    status = 403


class NotFound(DisclosureError):
    status = 404


# ---------------------------------------------------------------- settings


def max_scan_bytes() -> int:
    return int(getattr(settings, "CUSTODIAN_DISCLOSURE_MAX_SCAN_BYTES", 10 * 1024 * 1024))


def counsel_review_days() -> int:
    return int(getattr(settings, "CUSTODIAN_DISCLOSURE_COUNSEL_REVIEW_DAYS", 3))


def case_due_days() -> int:
    return int(getattr(settings, "CUSTODIAN_DISCLOSURE_CASE_DUE_DAYS", 2))


def hourly_rate_cents() -> int:
    return int(getattr(settings, "CUSTODIAN_DISCLOSURE_HOURLY_RATE_CENTS", 3500))


# ---------------------------------------------------------------- roles


def role_of(user) -> str:
    return getattr(user, "role", "") if user is not None and user.is_authenticated else ""


def is_custodian(user) -> bool:
    return role_of(user) in CUSTODIAN_ROLES


def _refuse(user, action: str, message: str, patron_ref=None, exc=Forbidden):
    """Audit a refused attempt (in its own transaction, so it survives), then raise."""
    with transaction.atomic():
        gateways.audit(user=user, action=action, outcome="refused", patron_ref=patron_ref)
    raise exc(message)


def can_view_case(user, case: Case) -> bool:
    role = role_of(user)
    if case.sealed:
        return role in CUSTODIAN_ROLES
    if role in CUSTODIAN_ROLES or role == "branch_manager":
        return True
    if role == "desk":
        return case.request.created_by_id == user.pk
    return False


def request_is_sealed(req: DisclosureRequest) -> bool:
    case = getattr(req, "case", None) if _has_case(req) else None
    return case.sealed if case is not None else req.sealed


def _has_case(req: DisclosureRequest) -> bool:
    try:
        req.case  # noqa: B018
    except Case.DoesNotExist:
        return False
    return True


def can_view_request(user, req: DisclosureRequest) -> bool:
    if _has_case(req):
        return can_view_case(user, req.case)
    role = role_of(user)
    if req.sealed:
        return role in CUSTODIAN_ROLES
    if role in CUSTODIAN_ROLES or role == "branch_manager":
        return True
    return role == "desk" and req.created_by_id == user.pk


def get_case(user, case_ref, action: str = "disclosure.case.view") -> Case:
    """The case, if this user may see it; every attempt is audited."""
    try:
        case = Case.objects.select_related("request").get(ref=case_ref)
    except (Case.DoesNotExist, ValueError, ValidationError):
        _refuse(user, action, "No such case.", exc=NotFound)
    if not can_view_case(user, case):
        # A sealed case is indistinguishable from a missing one for those who may not see it.
        _refuse(
            user,
            action,
            "No such case." if case.sealed else "Your role may not open this case.",
            patron_ref=case.request.patron_ref,
            exc=NotFound if case.sealed else Forbidden,
        )
    gateways.audit(user=user, action=action, outcome="allowed", patron_ref=case.request.patron_ref)
    return case


def get_request(user, request_ref, action: str = "disclosure.request.view") -> DisclosureRequest:
    try:
        req = DisclosureRequest.objects.get(ref=request_ref)
    except (DisclosureRequest.DoesNotExist, ValueError, ValidationError):
        _refuse(user, action, "No such request.", exc=NotFound)
    if not can_view_request(user, req):
        sealed = request_is_sealed(req)
        _refuse(
            user,
            action,
            "No such request." if sealed else "Your role may not open this request.",
            patron_ref=req.patron_ref,
            exc=NotFound if sealed else Forbidden,
        )
    gateways.audit(user=user, action=action, outcome="allowed", patron_ref=req.patron_ref)
    return req


# ---------------------------------------------------------------- intake


@dataclass
class Intake:
    requester_kind: str
    channel: str
    requested: list[str]
    requester_name: str = ""
    requester_organisation: str = ""
    financially_responsible: bool = False
    officer_name: str = ""
    officer_badge: str = ""
    officer_agency: str = ""
    stated_purpose: str = ""
    response_address: str = ""
    evidence: list[str] = field(default_factory=list)
    purpose: str = ""
    card_number: str = ""
    patron_age: int | None = None
    instrument_type: str = ""
    instrument_signed_by: str = ""
    instrument_court: str = ""
    instrument_scope: list[str] = field(default_factory=list)
    instrument_date_from: dt.date | None = None
    instrument_date_to: dt.date | None = None
    nondisclosure: bool = False
    desk_notes: str = ""


@dataclass
class ChecklistLine:
    code: str
    label: str
    clause: str
    read_aloud: str
    done: bool
    note: str
    id: int


@dataclass
class DeskScreen:
    """Everything the desk screen shows after a decision."""

    request: DisclosureRequest
    decision: dict
    say_now: list[str]
    must_do: list[ChecklistLine]
    officer_steps: list[ChecklistLine]
    referral: str
    case: Case | None
    custody: bool
    sealed: bool
    headline: str


def _check_choice(value, allowed, label, fieldname, blank_ok=False):
    if blank_ok and value in ("", None):
        return
    if value not in allowed:
        raise DisclosureError(f"Unknown {label}: {value!r}.", fieldname)


def validate_intake(data: Intake) -> None:
    _check_choice(data.requester_kind, vocab.REQUESTER_KINDS, "kind of requester", "requester_kind")
    _check_choice(data.channel, vocab.CHANNELS, "channel", "channel")
    _check_choice(data.purpose, vocab.PURPOSES, "purpose", "purpose", blank_ok=True)
    for ev in data.evidence:
        _check_choice(ev, vocab.EVIDENCE, "evidence", "evidence")
    if not data.requested:
        raise DisclosureError(
            "Say what is being asked for: choose at least one field.", "requested"
        )
    for f in list(data.requested) + list(data.instrument_scope):
        _check_choice(f, vocab.FIELDS, "field", "requested")
    if data.instrument_type:
        _check_choice(
            data.instrument_type, vocab.INSTRUMENT_TYPES, "document type", "instrument_type"
        )
        _check_choice(
            data.instrument_signed_by,
            vocab.SIGNERS,
            "signer",
            "instrument_signed_by",
            blank_ok=True,
        )
        _check_choice(
            data.instrument_court, vocab.COURTS, "court", "instrument_court", blank_ok=True
        )
    elif (
        data.nondisclosure
        or data.instrument_scope
        or data.instrument_signed_by
        or data.instrument_court
        or data.instrument_date_from
        or data.instrument_date_to
    ):
        raise DisclosureError(
            "Choose the type of legal document before describing it.", "instrument_type"
        )
    if (
        data.instrument_date_from
        and data.instrument_date_to
        and data.instrument_date_to < data.instrument_date_from
    ):
        raise DisclosureError(
            "The document's date range ends before it starts.", "instrument_date_to"
        )
    if data.patron_age is not None and not (0 <= int(data.patron_age) <= 130):
        raise DisclosureError("The patron's age must be between 0 and 130.", "patron_age")


def validate_scan(scan) -> str:
    """Return the content type of an uploaded scan, or raise with a clear message."""
    size = getattr(scan, "size", None)
    limit = max_scan_bytes()
    if size is None:
        raise DisclosureError("The document scan could not be read.", "scan")
    if size == 0:
        raise DisclosureError("The document scan is empty.", "scan")
    if size > limit:
        raise DisclosureError(
            f"The document scan is too large ({size / 1048576:.1f} MB); the limit is {limit // 1048576} MB.",
            "scan",
        )
    scan.seek(0)
    head = scan.read(16)
    scan.seek(0)
    kind = sniff(head)
    if kind is None:
        raise DisclosureError(
            "The document scan must be a PDF or an image (PNG, JPEG, GIF, TIFF or WebP).", "scan"
        )
    return kind


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def contract_request(req: DisclosureRequest, review: dict | None = None) -> dict:
    """The engine's question (shared/contract/request.schema.json) for a stored request."""
    requester: dict[str, Any] = {"kind": req.requester_kind}
    if req.financially_responsible:
        requester["financially_responsible"] = True
    instrument = None
    if req.instrument_type:
        instrument = {
            "type": req.instrument_type,
            "court": req.instrument_court or None,
            "scope": list(req.instrument_scope),
            "nondisclosure": bool(req.nondisclosure),
        }
        if req.instrument_signed_by:
            instrument["signed_by"] = req.instrument_signed_by
    return {
        "profile": req.profile,
        "requester": requester,
        "channel": req.channel,
        "evidence": list(req.evidence),
        "patron": {"age": req.patron_age} if req.patron_age is not None else {},
        "purpose": req.purpose or None,
        "instrument": instrument,
        "review": review,
        "requested": list(req.requested),
    }


def _decide(request: dict) -> dict:
    try:
        return gateways.decide(request)
    except gateways.request_error_types() as exc:
        raise DisclosureError(f"The policy engine could not decide this request: {exc}") from exc


def _clauses(decision: dict) -> list[str]:
    return [c.get("clause", "") for c in decision.get("citations", []) if c.get("clause")]


def _citation_text(decision: dict, obligation: str) -> tuple[str, str]:
    """The clause to read aloud for one obligation, where the decision says which."""
    mapping = decision.get("obligation_clauses") or decision.get("obligation_citations") or {}
    cites = decision.get("citations", [])
    wanted = mapping.get(obligation) if isinstance(mapping, dict) else None
    if isinstance(wanted, list):
        wanted = wanted[0] if wanted else None
    for c in cites:
        if wanted and c.get("clause") == wanted:
            return c.get("clause", ""), c.get("text", "")
        if obligation in (c.get("obligations") or []):
            return c.get("clause", ""), c.get("text", "")
    by_clause = {c.get("clause"): c for c in cites}
    for hint in vocab.OBLIGATION_CLAUSE_HINTS.get(obligation, []):
        if hint in by_clause:
            return hint, by_clause[hint].get("text", "")
    real = [c for c in cites if not str(c.get("clause", "")).startswith("contract.")]
    if len(real) == 1:
        return real[0].get("clause", ""), real[0].get("text", "")
    return "", ""


def _needs_case(req: DisclosureRequest, decision: dict) -> tuple[str, str] | None:
    """(kind, assigned role) of the case this request opens, or None."""
    obligations = set(decision.get("obligations", []))
    if req.sealed:
        return (
            Case.Kind.CUSTODY
            if req.is_custody
            else Case.Kind.REFERRAL
            if decision["outcome"] == "refer"
            else Case.Kind.FOLLOW_UP
        ), "director"
    if req.is_custody:
        return Case.Kind.CUSTODY, "director"
    if decision["outcome"] == "refer":
        return Case.Kind.REFERRAL, decision.get("refer_to") or "director"
    if obligations & vocab.DIRECTOR_FOLLOW_UP or req.instrument_type or req.is_officer:
        return Case.Kind.FOLLOW_UP, "director"
    return None


def _event(case: Case, user, kind: str, note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=user, kind=kind, note=note)


def _obligation_items(req: DisclosureRequest, decision: dict) -> None:
    for i, ob in enumerate(decision.get("obligations", [])):
        clause, text = _citation_text(decision, ob)
        ChecklistItem.objects.get_or_create(
            request=req,
            kind=ChecklistItem.Kind.OBLIGATION,
            code=ob,
            defaults={
                "label": vocab.OBLIGATIONS.get(ob, ob),
                "clause": clause,
                "read_aloud": text,
                "position": i,
            },
        )


def _officer_items(req: DisclosureRequest) -> None:
    notes = {
        "a": "; ".join(
            x
            for x in [
                f"Officer: {req.officer_name}" if req.officer_name else "",
                f"badge {req.officer_badge}" if req.officer_badge else "",
                f"agency {req.officer_agency}" if req.officer_agency else "",
                f"stated purpose: {req.stated_purpose}" if req.stated_purpose else "",
            ]
            if x
        ),
        "b": "Scan of the document attached to the request." if req.scan else "",
    }
    for i, (code, clause, label) in enumerate(vocab.SONOMA_OFFICER_STEPS):
        ChecklistItem.objects.get_or_create(
            request=req,
            kind=ChecklistItem.Kind.OFFICER,
            code=code,
            defaults={"label": label, "clause": clause, "position": i, "note": notes.get(code, "")},
        )


def uses_officer_checklist(req: DisclosureRequest) -> bool:
    return req.is_officer and req.profile == "sonoma-county"


def _age_through_door(user, patron_ref, now=None) -> int | None:
    view = gateways.read_fields(user=user, patron_ref=patron_ref, fields=["registration.birthdate"])
    born = view.get("registration.birthdate") if hasattr(view, "get") else None
    if not isinstance(born, dt.date):
        return None
    today = timezone.localdate(now)
    return max(0, today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


def intake(*, user, data: Intake, scan=None, now=None) -> DeskScreen:
    """Record a request, let the engine decide at once, open a case where needed."""
    role = role_of(user)
    if role not in INTAKE_ROLES:
        _refuse(user, "disclosure.intake", "Your role does not take disclosure requests.")
    validate_intake(data)
    content_type = validate_scan(scan) if scan is not None else ""
    patron_ref = None
    if data.card_number.strip():
        try:
            patron_ref = gateways.find_patron_ref(user=user, card_number=data.card_number.strip())
        except gateways.PatronNotFound as exc:
            raise DisclosureError(
                "No patron has that card number. Check it and try again.", "card_number"
            ) from exc
        except gateways.LookupRefused as exc:
            raise Forbidden(f"The patron lookup was refused: {exc}", "card_number") from exc
    if data.patron_age is None and patron_ref and data.requester_kind == "guardian":
        # The policies turn on the child's age; read it through the door (audited).
        data.patron_age = _age_through_door(user, patron_ref, now)

    profile = gateways.profile_name()
    sealed = bool(data.nondisclosure or data.instrument_type in vocab.SEALING_INSTRUMENTS)
    req = DisclosureRequest(
        profile=profile,
        requester_kind=data.requester_kind,
        requester_name=data.requester_name.strip(),
        requester_organisation=data.requester_organisation.strip(),
        financially_responsible=bool(data.financially_responsible),
        officer_name=data.officer_name.strip(),
        officer_badge=data.officer_badge.strip(),
        officer_agency=data.officer_agency.strip(),
        stated_purpose=data.stated_purpose.strip(),
        response_address=data.response_address.strip(),
        channel=data.channel,
        evidence=list(dict.fromkeys(data.evidence)),
        purpose=data.purpose or "",
        patron_ref=patron_ref,
        patron_age=data.patron_age,
        instrument_type=data.instrument_type,
        instrument_signed_by=data.instrument_signed_by if data.instrument_type else "",
        instrument_court=data.instrument_court if data.instrument_type else "",
        instrument_scope=list(dict.fromkeys(data.instrument_scope)),
        instrument_date_from=data.instrument_date_from,
        instrument_date_to=data.instrument_date_to,
        nondisclosure=bool(data.nondisclosure),
        requested=list(dict.fromkeys(data.requested)),
        sealed=sealed,
        created_by=user,
    )
    decision = _decide(contract_request(req))
    if "nondisclosure" in decision.get("obligations", []):
        req.sealed = True
    req.decision = decision
    req.outcome = decision["outcome"]
    req.refer_to = decision.get("refer_to") or ""

    with transaction.atomic():
        if scan is not None:
            req.scan_content_type = content_type
            req.scan.save(f"{req.ref}", scan, save=False)
        req.save()
        _obligation_items(req, decision)
        if uses_officer_checklist(req):
            _officer_items(req)
        case = None
        needed = _needs_case(req, decision)
        if needed:
            kind, assigned = needed
            if req.sealed:
                assigned = "director"
            released = decision["outcome"] in ("release", "partial_release") and bool(
                decision.get("release")
            )
            case = Case.objects.create(
                request=req,
                kind=kind,
                assigned_role=assigned,
                sealed=req.sealed,
                cost_recovery="requester_bears_costs" in decision.get("obligations", []),
                decision=decision,
                desk_notes=data.desk_notes.strip(),
                status=Case.Status.APPROVED if released else Case.Status.OPEN,
                due_on=timezone.localdate(now) + dt.timedelta(days=case_due_days()),
            )
            _event(
                case,
                user,
                "intake",
                f"{vocab.REQUESTER_KINDS[req.requester_kind]} by "
                f"{vocab.CHANNELS[req.channel].lower()}; the engine decided: {decision['outcome']}.",
            )
            if req.scan:
                _event(
                    case,
                    user,
                    "document_scanned",
                    vocab.INSTRUMENT_TYPES.get(req.instrument_type, "document"),
                )
            if req.sealed:
                _event(
                    case, user, "sealed", "Sealed at intake: secrecy order (FISA / nondisclosure)."
                )
            if req.is_custody:
                _event(
                    case,
                    user,
                    "custody_visit",
                    "Custody document: no information given, no part taken.",
                )
            if kind == Case.Kind.REFERRAL:
                _event(case, user, "referred", f"Referred to the {assigned.replace('_', ' ')}.")
        gateways.audit(
            user=user,
            action="disclosure.intake",
            outcome=decision["outcome"],
            patron_ref=patron_ref,
            fields=decision.get("release", []),
            clauses=_clauses(decision),
        )
    return desk_screen(user=user, req=req)


# ---------------------------------------------------------------- what the desk sees


def desk_screen(*, user, req: DisclosureRequest) -> DeskScreen:
    case = req.case if _has_case(req) else None
    say_now = say_now_lines(user=user, req=req, decision=req.decision)
    items = list(req.checklist.all())
    custody = req.is_custody
    refer = req.decision.get("refer_to") if req.decision["outcome"] == "refer" else None
    referral = ""
    if refer == "branch_manager":
        referral = (
            "Refer the requester to the branch manager (or person in charge) now. The branch manager "
            "explains the policy's terms to the requester."
        )
    elif refer == "director":
        referral = "Refer the request to the Library Director (or designee). Tell the requester nothing now."
    if custody:
        headline = (
            "Custody document: give no information and take no part in serving it or in seizing "
            "anyone. Record the visit."
        )
    elif req.sealed:
        headline = (
            "Secrecy order: tell no one outside the library's administration about this document or "
            "what is produced. Hand it to the Director."
        )
    elif req.decision["outcome"] == "refer":
        headline = "Tell the requester nothing now: the request is referred."
    elif req.decision["outcome"] == "deny":
        headline = "Tell the requester nothing: the policy gives no basis to disclose."
    elif say_now:
        headline = "You may say only what is shown below."
    else:
        headline = "Nothing to say from the record now."
    return DeskScreen(
        request=req,
        decision=req.decision,
        say_now=say_now,
        must_do=[_line(i) for i in items if i.kind == ChecklistItem.Kind.OBLIGATION],
        officer_steps=[_line(i) for i in items if i.kind == ChecklistItem.Kind.OFFICER],
        referral=referral,
        case=case,
        custody=custody,
        sealed=request_is_sealed(req),
        headline=headline,
    )


def _line(i: ChecklistItem) -> ChecklistLine:
    return ChecklistLine(
        code=i.code,
        label=i.label,
        clause=i.clause,
        read_aloud=i.read_aloud,
        done=i.done,
        note=i.note,
        id=i.pk,
    )


def say_now_lines(*, user, req: DisclosureRequest, decision: dict) -> list[str]:
    """What the clerk may say now: only the released fields, read through the door."""
    fields = [f for f in decision.get("release", []) if f in req.requested]
    if (
        decision.get("outcome") not in ("release", "partial_release")
        or not fields
        or not req.patron_ref
    ):
        return []
    if req.instrument_type and req.is_officer:
        # A document's fields are handed over as a package, not said across the desk.
        return []
    view = gateways.read_fields(user=user, patron_ref=req.patron_ref, fields=fields)
    return rendering.say_now(view, fields)


def set_checklist_item(
    *, user, item_id: int, done: bool, note: str = "", now=None
) -> ChecklistItem:
    try:
        item = ChecklistItem.objects.select_related("request").get(pk=item_id)
    except (ChecklistItem.DoesNotExist, ValueError, TypeError):
        _refuse(user, "disclosure.checklist", "No such checklist item.", exc=NotFound)
    req = item.request
    if not can_view_request(user, req):
        sealed = request_is_sealed(req)
        _refuse(
            user,
            "disclosure.checklist",
            "No such checklist item." if sealed else "Your role may not change this checklist.",
            patron_ref=req.patron_ref,
            exc=NotFound if sealed else Forbidden,
        )
    if item.code == "i" and item.kind == ChecklistItem.Kind.OFFICER and not is_custodian(user):
        _refuse(
            user,
            "disclosure.checklist",
            "Step i is the Director's (or designee's).",
            patron_ref=req.patron_ref,
        )
    now = now or timezone.now()
    with transaction.atomic():
        item.note = note.strip() if note is not None else item.note
        if done and not item.done:
            item.done, item.done_by, item.done_at = True, user, now
        elif not done:
            item.done, item.done_by, item.done_at = False, None, None
        item.save()
        if _has_case(req):
            _event(
                req.case,
                user,
                "checklist",
                f"{item.clause or item.code}: {'done' if item.done else 'not done'}"
                + (f" — {item.note}" if item.note else ""),
            )
        gateways.audit(
            user=user, action="disclosure.checklist", outcome="allowed", patron_ref=req.patron_ref
        )
    return item


# ---------------------------------------------------------------- cases


def add_note(*, user, case: Case, note: str) -> CaseEvent:
    if not note.strip():
        raise DisclosureError("Write the note first.", "note")
    with transaction.atomic():
        ev = _event(case, user, "note", note.strip())
        gateways.audit(
            user=user,
            action="disclosure.case.note",
            outcome="allowed",
            patron_ref=case.request.patron_ref,
        )
    return ev


def _require(user, case: Case, roles: set[str], action: str, message: str):
    role = role_of(user)
    ok = role in roles and can_view_case(user, case)
    if role == "branch_manager" and "branch_manager" in roles:
        ok = ok and case.assigned_role == "branch_manager" and not case.sealed
    if not ok:
        _refuse(
            user,
            action,
            "No such case." if case.sealed and not can_view_case(user, case) else message,
            patron_ref=case.request.patron_ref,
            exc=NotFound if case.sealed and not can_view_case(user, case) else Forbidden,
        )


def review(
    *,
    user,
    case: Case,
    instrument_valid: bool | None,
    counsel_consulted: bool = False,
    board_consulted: bool = False,
    emergency_confirmed: bool = False,
    notes: str = "",
) -> Review:
    """Record the legal review; the engine decides again with it."""
    _require(
        user,
        case,
        CUSTODIAN_ROLES | {"branch_manager"},
        "disclosure.review",
        "Only the Director, a designee or the assigned branch manager records a review.",
    )
    if case.status in (Case.Status.RELEASED, Case.Status.CLOSED):
        raise DisclosureError("This case is already finished; it takes no further review.")
    by_role = "director" if is_custodian(user) else "branch_manager"
    review_block: dict[str, Any] = {
        "by": by_role,
        "counsel_consulted": bool(counsel_consulted),
        "board_consulted": bool(board_consulted),
        "emergency_confirmed": bool(emergency_confirmed),
    }
    if instrument_valid is not None:
        review_block["instrument_valid"] = bool(instrument_valid)
    decision = _decide(contract_request(case.request, review=review_block))
    with transaction.atomic():
        rv = Review.objects.create(
            case=case,
            by=user,
            by_role=by_role,
            instrument_valid=instrument_valid,
            counsel_consulted=bool(counsel_consulted),
            board_consulted=bool(board_consulted),
            emergency_confirmed=bool(emergency_confirmed),
            notes=notes.strip(),
            decision=decision,
            outcome=decision["outcome"],
        )
        case.decision = decision
        outcome = decision["outcome"]
        summary = (
            f"Review by the {by_role.replace('_', ' ')}: document proper: "
            f"{'yes' if instrument_valid else 'no' if instrument_valid is False else 'n/a'}; counsel: "
            f"{'yes' if counsel_consulted else 'no'}; board: {'yes' if board_consulted else 'no'}; emergency: "
            f"{'yes' if emergency_confirmed else 'no'}. Engine: {outcome}."
        )
        _event(case, user, "review", summary + (f" {notes.strip()}" if notes.strip() else ""))
        if outcome in ("release", "partial_release") and decision.get("release"):
            case.status = Case.Status.APPROVED
        elif outcome == "deny":
            # Declined on this review; the case stays open to a further review (e.g. after
            # the board is consulted) until it is closed or decided in writing.
            case.status = Case.Status.DECLINED
        else:
            case.status = Case.Status.OPEN
            if (
                outcome == "refer"
                and decision.get("refer_to") == "director"
                and case.assigned_role != "director"
            ):
                case.assigned_role = "director"
                _event(case, user, "referred", "Referred on to the Library Director (or designee).")
        for ob in decision.get("obligations", []):
            ChecklistItem.objects.get_or_create(
                request=case.request,
                kind=ChecklistItem.Kind.OBLIGATION,
                code=ob,
                defaults={
                    "label": vocab.OBLIGATIONS.get(ob, ob),
                    "clause": _citation_text(decision, ob)[0],
                    "read_aloud": _citation_text(decision, ob)[1],
                    "position": 100,
                },
            )
        if "requester_bears_costs" in decision.get("obligations", []):
            case.cost_recovery = True
        case.save()
        gateways.audit(
            user=user,
            action="disclosure.review",
            outcome=outcome,
            patron_ref=case.request.patron_ref,
            fields=decision.get("release", []),
            clauses=_clauses(decision),
        )
    return rv


def write_decision(*, user, case: Case, disclose: bool, text: str, basis: str) -> WrittenDecision:
    _require(
        user,
        case,
        CUSTODIAN_ROLES,
        "disclosure.written_decision",
        "Only the Director or a designee issues the written decision.",
    )
    if not text.strip():
        raise DisclosureError("Write the decision.", "text")
    if not basis.strip():
        raise DisclosureError(
            "Record what information or circumstances supported the decision.", "basis"
        )
    with transaction.atomic():
        wd = WrittenDecision.objects.create(
            case=case, by=user, disclose=bool(disclose), text=text.strip(), basis=basis.strip()
        )
        _event(
            case,
            user,
            "written_decision",
            f"{'Disclose' if disclose else 'Do not disclose'}: {text.strip()}",
        )
        if not disclose and case.status in (Case.Status.OPEN, Case.Status.APPROVED):
            case.status, case.closed_at = Case.Status.DECLINED, timezone.now()
            case.save(update_fields=["status", "closed_at"])
        gateways.audit(
            user=user,
            action="disclosure.written_decision",
            outcome="disclose" if disclose else "withhold",
            patron_ref=case.request.patron_ref,
        )
    return wd


def written_decision_required(case: Case) -> bool:
    obligations = set(case.decision.get("obligations", [])) | set(
        case.request.decision.get("obligations", [])
    )
    return bool(obligations & {"written_decision", "document_decision_basis"})


def releasable_fields(case: Case) -> list[str]:
    """The fields the governing decision releases, limited to the document's face."""
    req = case.request
    fields = [f for f in case.decision.get("release", []) if f in req.requested]
    if req.instrument_type and req.instrument_scope:
        fields = [f for f in fields if f in req.instrument_scope]
    elif req.instrument_type and req.is_officer:
        fields = []
    return fields


def can_release(user, case: Case) -> bool:
    role = role_of(user)
    if not can_view_case(user, case):
        return False
    if role in CUSTODIAN_ROLES:
        return True
    if role == "branch_manager":
        return case.assigned_role == "branch_manager" and not case.sealed
    # The clerk who took a judge-signed order the engine released at once.
    return role == "desk" and case.request.created_by_id == user.pk and not case.reviews.exists()


def release(
    *,
    user,
    case: Case,
    handed_to: str,
    fields: list[str] | None = None,
    handed_at=None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    now=None,
) -> Release:
    """Produce the disclosure package: exactly the released fields, within scope and dates."""
    if not can_release(user, case):
        sealed_hidden = case.sealed and not can_view_case(user, case)
        _refuse(
            user,
            "disclosure.release",
            "No such case." if sealed_hidden else "Your role may not release from this case.",
            patron_ref=case.request.patron_ref,
            exc=NotFound if sealed_hidden else Forbidden,
        )
    req = case.request
    if case.status != Case.Status.APPROVED:
        raise DisclosureError(
            "Nothing may be released: the decision on this case does not release anything."
        )
    allowed = releasable_fields(case)
    chosen = list(dict.fromkeys(fields)) if fields else allowed
    outside = [f for f in chosen if f not in allowed]
    if outside:
        raise DisclosureError(
            f"Not released by the decision or outside the document's face: {', '.join(outside)}.",
            "fields",
        )
    if not chosen:
        raise DisclosureError("The decision releases nothing within the document's face.", "fields")
    if not handed_to.strip():
        raise DisclosureError("Record to whom the package is handed.", "handed_to")
    if not req.patron_ref:
        raise DisclosureError(
            "The request names no patron (no card number was given); nothing to release."
        )
    if (
        written_decision_required(case)
        and not case.written_decisions.filter(disclose=True).exists()
    ):
        raise DisclosureError(
            "The Director's written decision, with what supported it, must be recorded first."
        )
    # The document's own date range bounds any narrower range asked for.
    lo = max([d for d in (req.instrument_date_from, date_from) if d], default=None)
    hi = min([d for d in (req.instrument_date_to, date_to) if d], default=None)
    if lo and hi and hi < lo:
        raise DisclosureError("The date range ends before it starts.", "date_to")
    now = now or timezone.now()
    handed_at = handed_at or now
    last_review = case.reviews.order_by("-at", "-id").first()
    emergency = bool(last_review and last_review.emergency_confirmed) or (
        "post_hoc_counsel_review" in case.decision.get("obligations", [])
    )

    with transaction.atomic():
        # Two people releasing the same case at once: the second finds it already released.
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Case.Status.APPROVED:
            raise DisclosureError("This case has just been released or changed; reload it.")
        view = gateways.read_fields(user=user, patron_ref=req.patron_ref, fields=chosen)
        missing = rendering.missing_from(view, chosen)
        if missing:
            raise DisclosureError(
                "The door did not release these fields to your role, so they cannot be packaged: "
                + ", ".join(missing)
                + ".",
                "fields",
            )
        content = rendering.package_content(view, chosen, lo, hi)
        rel = Release(
            case=case,
            fields=chosen,
            date_from=lo,
            date_to=hi,
            handed_to=handed_to.strip(),
            handed_at=handed_at,
            by=user,
            emergency=emergency,
        )
        document = {
            "package": str(rel.ref),
            "case": str(case.ref),
            "profile": req.profile,
            "policy_version": case.decision.get("policy_version"),
            "patron_ref": str(req.patron_ref),
            "document": {
                "type": req.instrument_type or None,
                "signed_by": req.instrument_signed_by or None,
                "court": req.instrument_court or None,
                "scope": list(req.instrument_scope),
                "date_from": req.instrument_date_from.isoformat()
                if req.instrument_date_from
                else None,
                "date_to": req.instrument_date_to.isoformat() if req.instrument_date_to else None,
            },
            "fields": chosen,
            "date_from": lo.isoformat() if lo else None,
            "date_to": hi.isoformat() if hi else None,
            "records": content,
            "handed_to": rel.handed_to,
            "handed_at": handed_at.isoformat(),
            "released_by": user.get_username(),
            "citations": case.decision.get("citations", []),
        }
        raw = json.dumps(document, indent=2, sort_keys=True, default=str).encode()
        rel.sha256 = hashlib.sha256(raw).hexdigest()
        rel.json.save(f"{rel.ref}.json", ContentFile(raw), save=False)
        from custodian.disclosure import pdf

        rel.pdf.save(f"{rel.ref}.pdf", ContentFile(pdf.package_pdf(document)), save=False)
        rel.save()
        case.status = Case.Status.RELEASED
        _event(
            case,
            user,
            "released",
            f"Package {rel.ref}: {', '.join(chosen)}"
            + (f" ({lo or '…'} to {hi or '…'})" if lo or hi else "")
            + f"; handed to {rel.handed_to}.",
        )
        if emergency:
            CounselReview.objects.create(
                case=case, release=rel, due_by=now + dt.timedelta(days=counsel_review_days())
            )
            _event(
                case,
                user,
                "counsel_review_due",
                f"Counsel must review this emergency release by "
                f"{timezone.localtime(now + dt.timedelta(days=counsel_review_days())):%-d %B %Y}.",
            )
        else:
            case.closed_at = now
        case.save()
        gateways.audit(
            user=user,
            action="disclosure.release",
            outcome="released",
            patron_ref=req.patron_ref,
            fields=chosen,
            clauses=_clauses(case.decision),
        )
    return rel


def record_counsel_review(
    *, user, case: Case, counsel_name: str, conclusion: str, now=None
) -> CounselReview:
    _require(
        user,
        case,
        CUSTODIAN_ROLES,
        "disclosure.counsel_review",
        "Only the Director or a designee records counsel's review.",
    )
    try:
        cr = case.counsel_review
    except CounselReview.DoesNotExist:
        raise DisclosureError(
            "This case has no emergency release awaiting counsel's review."
        ) from None
    if cr.recorded_at:
        raise DisclosureError("Counsel's review is already recorded.")
    if not counsel_name.strip():
        raise DisclosureError("Name the counsel who reviewed the release.", "counsel_name")
    if not conclusion.strip():
        raise DisclosureError("Record counsel's conclusion.", "conclusion")
    now = now or timezone.now()
    with transaction.atomic():
        cr.counsel_name, cr.conclusion, cr.recorded_by, cr.recorded_at = (
            counsel_name.strip(),
            conclusion.strip(),
            user,
            now,
        )
        cr.save()
        _event(
            case,
            user,
            "counsel_review",
            f"Counsel ({cr.counsel_name}) reviewed the emergency release: {cr.conclusion}",
        )
        case.closed_at = now
        case.save(update_fields=["closed_at"])
        gateways.audit(
            user=user,
            action="disclosure.counsel_review",
            outcome="recorded",
            patron_ref=case.request.patron_ref,
        )
    return cr


def add_cost(
    *, user, case: Case, description: str, staff_minutes: int, hourly_rate_cents: int | None = None
):
    _require(
        user,
        case,
        CUSTODIAN_ROLES | {"branch_manager"},
        "disclosure.cost",
        "Only the Director, a designee or the assigned branch manager records costs.",
    )
    if not case.cost_recovery:
        raise DisclosureError(
            "This library's policy does not make the requester bear the costs of this case."
        )
    try:
        minutes = int(staff_minutes)
    except (TypeError, ValueError):
        raise DisclosureError(
            "Staff time must be a whole number of minutes.", "staff_minutes"
        ) from None
    if minutes <= 0:
        raise DisclosureError("Staff time must be more than zero minutes.", "staff_minutes")
    if not description.strip():
        raise DisclosureError("Say what the time was spent on.", "description")
    rate = hourly_rate_cents if hourly_rate_cents is not None else hourly_rate_cents_default()
    if int(rate) < 0:
        raise DisclosureError("The hourly rate cannot be negative.", "hourly_rate_cents")
    with transaction.atomic():
        cost = CostRecord.objects.create(
            case=case,
            by=user,
            description=description.strip(),
            staff_minutes=minutes,
            hourly_rate_cents=int(rate),
        )
        _event(case, user, "cost", f"{minutes} minutes: {cost.description}")
        gateways.audit(
            user=user,
            action="disclosure.cost",
            outcome="recorded",
            patron_ref=case.request.patron_ref,
        )
    return cost


def hourly_rate_cents_default() -> int:
    return hourly_rate_cents()


def close_case(*, user, case: Case, note: str) -> Case:
    _require(
        user,
        case,
        CUSTODIAN_ROLES | {"branch_manager"},
        "disclosure.close",
        "Only the Director, a designee or the assigned branch manager closes a case.",
    )
    if not note.strip():
        raise DisclosureError("Say why the case is closed.", "note")
    try:
        if case.counsel_review.recorded_at is None:
            raise DisclosureError(
                "Counsel's review of the emergency release must be recorded first."
            )
    except CounselReview.DoesNotExist:
        pass
    with transaction.atomic():
        if case.status not in (Case.Status.RELEASED, Case.Status.DECLINED):
            case.status = Case.Status.CLOSED
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "closed_at"])
        _event(case, user, "closed", note.strip())
        gateways.audit(
            user=user,
            action="disclosure.close",
            outcome="closed",
            patron_ref=case.request.patron_ref,
        )
    return case


def unseal(*, user, case: Case, reason: str) -> Case:
    """Unsealing is an explicit act of the Director, recorded and audited."""
    if role_of(user) != "director":
        hidden = not can_view_case(user, case)
        _refuse(
            user,
            "disclosure.unseal",
            "No such case." if hidden else "Only the Director may unseal a case.",
            patron_ref=case.request.patron_ref,
            exc=NotFound if hidden else Forbidden,
        )
    if not case.sealed:
        raise DisclosureError("This case is not sealed.")
    if not reason.strip():
        raise DisclosureError("Record why the case may now be unsealed.", "reason")
    with transaction.atomic():
        case.sealed, case.unsealed_at, case.unsealed_by, case.unseal_reason = (
            False,
            timezone.now(),
            user,
            reason.strip(),
        )
        case.save(update_fields=["sealed", "unsealed_at", "unsealed_by", "unseal_reason"])
        _event(case, user, "unsealed", reason.strip())
        gateways.audit(
            user=user,
            action="disclosure.unseal",
            outcome="unsealed",
            patron_ref=case.request.patron_ref,
        )
    return case


def invoice(case: Case) -> dict:
    lines = [
        {
            "at": c.at,
            "description": c.description,
            "minutes": c.staff_minutes,
            "rate_cents": c.hourly_rate_cents,
            "amount_cents": c.amount_cents,
        }
        for c in case.costs.all()
    ]
    req = case.request
    return {
        "case": str(case.ref),
        "bill_to": req.officer_agency
        or req.requester_organisation
        or req.requester_name
        or "The requester",
        "attention": req.officer_name or req.requester_name,
        "address": req.response_address,
        "lines": lines,
        "total_minutes": sum(line["minutes"] for line in lines),
        "total_cents": sum(line["amount_cents"] for line in lines),
    }


def incident_report(case: Case) -> dict:
    """Sonoma III.C.2.h: what the officer gathered, said and did, for the Director."""
    req = case.request
    steps = [_line(i) for i in req.checklist.filter(kind=ChecklistItem.Kind.OFFICER)]
    return {
        "case": case,
        "request": req,
        "requester_kind": vocab.REQUESTER_KINDS.get(req.requester_kind, req.requester_kind),
        "channel": vocab.CHANNELS.get(req.channel, req.channel),
        "instrument": vocab.INSTRUMENT_TYPES.get(req.instrument_type, "")
        if req.instrument_type
        else "None",
        "signed_by": vocab.SIGNERS.get(req.instrument_signed_by, ""),
        "court": vocab.COURTS.get(req.instrument_court, ""),
        "scope": [vocab.FIELDS.get(f, f) for f in req.instrument_scope],
        "requested": [vocab.FIELDS.get(f, f) for f in req.requested],
        "evidence": [vocab.EVIDENCE.get(e, e) for e in req.evidence],
        "outcome": vocab.OUTCOMES.get(req.outcome, req.outcome),
        "explanation": req.decision.get("explanation", ""),
        "steps": steps,
        "events": list(case.events.select_related("actor")),
        "taken_by": req.created_by.get_username(),
    }
