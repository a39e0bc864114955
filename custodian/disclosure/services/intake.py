"""Taking a request at the desk: check it, let the engine decide at once, open a case where needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from custodian.disclosure import gateways, vocab
from custodian.disclosure.models import Case, ChecklistItem, DisclosureRequest
from custodian.disclosure.services._common import (
    INTAKE_ROLES,
    DisclosureError,
    Forbidden,
    _event,
    _refuse,
    case_due_days,
    max_scan_bytes,
    role_of,
)
from custodian.disclosure.services.desk import DeskScreen, desk_screen
from custodian.disclosure.services.engine import _citation_text, _clauses, _decide, contract_request


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


def add_proof(*, user, req: DisclosureRequest, evidence: list[str], now=None) -> DeskScreen:
    """Take the same request again with the proof the decision asked for, without
    starting over: who is asking, how, about whom and what they want stay as they were.

    The first request stays on record as it was decided; the new one is decided afresh.
    """
    if role_of(user) not in INTAKE_ROLES:
        _refuse(user, "disclosure.intake", "Your role does not take disclosure requests.")
    needs = set(req.decision.get("needs_proof") or ())
    added = [e for e in dict.fromkeys(evidence) if e not in req.evidence]
    if not needs:
        raise DisclosureError("This request did not ask for more proof.", "evidence")
    if not added:
        raise DisclosureError("Tick what they gave you before deciding again.", "evidence")
    for ev in added:
        _check_choice(ev, vocab.EVIDENCE, "evidence", "evidence")
    data = Intake(
        requester_kind=req.requester_kind,
        channel=req.channel,
        requested=list(req.requested),
        requester_name=req.requester_name,
        requester_organisation=req.requester_organisation,
        financially_responsible=req.financially_responsible,
        stated_purpose=req.stated_purpose,
        response_address=req.response_address,
        evidence=[*req.evidence, *added],
        purpose=req.purpose,
        patron_age=req.patron_age,
    )
    return intake(user=user, data=data, now=now, patron_ref=req.patron_ref)


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
    for i, (code, clause, label) in enumerate(gateways.officer_steps(req.profile)):
        ChecklistItem.objects.get_or_create(
            request=req,
            kind=ChecklistItem.Kind.OFFICER,
            code=code,
            defaults={"label": label, "clause": clause, "position": i, "note": notes.get(code, "")},
        )


def uses_officer_checklist(req: DisclosureRequest) -> bool:
    """Officers' requests get the profile's own officer checklist, where it has one."""
    return req.is_officer and bool(gateways.officer_steps(req.profile))


def _age_through_door(user, patron_ref, now=None) -> int | None:
    view = gateways.read_fields(user=user, patron_ref=patron_ref, fields=["registration.birthdate"])
    born = view.get("registration.birthdate") if hasattr(view, "get") else None
    if not isinstance(born, dt.date):
        return None
    today = timezone.localdate(now)
    return max(0, today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


def _grant_on_file(*, user, data: Intake, patron_ref, now=None) -> dict | None:
    """For someone asking as the patron's authorised agent: the patron's live written
    authorisation naming them ({} when there is none), or None when not such a request.
    Matching is on the name the desk took down, ignoring case and spacing."""
    if data.requester_kind != "authorized_agent" or not patron_ref:
        return None
    if not data.requester_name.strip():
        return {}
    found = gateways.live_grant(
        user=user,
        patron_ref=patron_ref,
        agent_name=data.requester_name,
        today=timezone.localdate(now),
    )
    return found.as_dict() if found is not None else {}


def intake(*, user, data: Intake, scan=None, now=None, patron_ref=None) -> DeskScreen:
    """Record a request, let the engine decide at once, open a case where needed.

    `patron_ref`: the patron already found through the door (taking a request again with
    more proof, `add_proof`); otherwise the card number finds them.
    """
    role = role_of(user)
    if role not in INTAKE_ROLES:
        _refuse(user, "disclosure.intake", "Your role does not take disclosure requests.")
    validate_intake(data)
    content_type = validate_scan(scan) if scan is not None else ""
    if patron_ref is None and data.card_number.strip():
        try:
            patron_ref = gateways.find_patron_ref(user=user, card_number=data.card_number.strip())
        except gateways.PatronNotFound as exc:
            raise DisclosureError(
                "No patron has that card number. Check it and try again.", "card_number"
            ) from exc
        except gateways.LookupRefused as exc:
            raise Forbidden(f"The patron lookup was refused: {exc}", "card_number") from exc
    grant = _grant_on_file(user=user, data=data, patron_ref=patron_ref, now=now)
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
    if grant is not None:
        # The grant is on file, so the desk need not see the paper: it counts as the
        # written authorisation (the profile may still want the holder's photo ID).
        if grant:
            req.evidence = list(dict.fromkeys([*req.evidence, "written_authorization"]))
        req.decision = {"authorization": grant or None}
    decision = _decide(contract_request(req))
    if grant is not None:
        decision["authorization"] = grant or None
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
                f"{vocab.REQUESTER_KINDS[req.requester_kind]}, "
                f"{vocab.CHANNELS[req.channel].lower()}; the engine decided: "
                f"{vocab.OUTCOMES.get(decision['outcome'], decision['outcome']).lower()}.",
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
