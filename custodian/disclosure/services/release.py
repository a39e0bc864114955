"""The disclosure package: exactly the released fields, within the document's scope and dates."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from custodian.disclosure import gateways, rendering, vocab
from custodian.disclosure.models import Case, CounselReview, Release
from custodian.disclosure.services._common import (
    CUSTODIAN_ROLES,
    DisclosureError,
    Forbidden,
    NotFound,
    _event,
    _refuse,
    can_view_case,
    counsel_review_days,
    refuse_if_closed,
    role_of,
)
from custodian.disclosure.services.engine import _clauses
from custodian.disclosure.services.review import (
    engine_fields,
    override_fields,
    written_decision_required,
)
from custodian.holds.services import release_for_closed_case

CLOSED = "This case is closed; nothing more may be released from it."


def releasable_fields(case: Case) -> list[str]:
    """What may be released: the engine's answer within the document's face, and whatever a
    recorded Director's override adds to it."""
    engine = engine_fields(case)
    return engine + [f for f in override_fields(case) if f not in engine]


def _day(d) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


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
    refuse_if_closed(case, CLOSED)
    if case.status != Case.Status.APPROVED:
        raise DisclosureError(
            "Nothing may be released: the decision on this case does not release anything."
        )
    engine = engine_fields(case)
    overridden = override_fields(case)
    allowed = engine + [f for f in overridden if f not in engine]
    chosen = list(dict.fromkeys(fields)) if fields else allowed
    # Anything beyond the engine's answer goes out only under a recorded Director's override.
    beyond = [f for f in chosen if f not in engine and f not in overridden]
    if beyond:
        words = ", ".join(vocab.FIELDS.get(f, f) for f in beyond)
        raise DisclosureError(
            f"Beyond the policy engine's answer, with no Director's override recorded for it, "
            f"or outside the document's face: {words}. Nothing was released.",
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
            f"Package {rel.ref}: {', '.join(vocab.FIELDS.get(f, f) for f in chosen)}"
            + (f" ({_day(lo) or '…'} to {_day(hi) or '…'})" if lo or hi else "")
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
        if case.closed_at is not None:
            release_for_closed_case(case=case, user=user, now=now)
        gateways.audit(
            user=user,
            action="disclosure.release",
            outcome="released",
            patron_ref=req.patron_ref,
            fields=chosen,
            clauses=_clauses(case.decision),
        )
    return rel
