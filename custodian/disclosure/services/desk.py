"""What the desk sees after the engine's decision, and ticking the checklist it shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from custodian.disclosure import gateways, rendering
from custodian.disclosure.models import Case, ChecklistItem, DisclosureRequest
from custodian.disclosure.services._common import (
    Forbidden,
    NotFound,
    _event,
    _has_case,
    _refuse,
    can_view_request,
    is_custodian,
    request_is_sealed,
)


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
    elif req.decision["outcome"] == "deny" and req.decision.get("needs_proof"):
        headline = "Tell the requester nothing yet: ask for more proof of who they are first."
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
    *, user, item_id: int, done: bool, note: str = "", covers=(), now=None
) -> ChecklistItem:
    """Tick (or untick) one checklist item, and with it the items it `covers`: the
    obligations an officer step stands for on screen (views.checklists), which belong to
    the same request. All or nothing, each change on the case's timeline."""
    try:
        wanted = {int(i) for i in covers}
        item = ChecklistItem.objects.select_related("request").get(pk=item_id)
        covered = list(ChecklistItem.objects.filter(pk__in=wanted))
    except (ChecklistItem.DoesNotExist, ValueError, TypeError):
        _refuse(user, "disclosure.checklist", "No such checklist item.", exc=NotFound)
    # Every covered item must exist and be this request's.
    if len(covered) != len(wanted) or any(c.request_id != item.request_id for c in covered):
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
        for each in [item, *covered]:
            if done and not each.done:
                each.done, each.done_by, each.done_at = True, user, now
            elif not done:
                each.done, each.done_by, each.done_at = False, None, None
            each.save()
            if _has_case(req):
                _event(
                    req.case,
                    user,
                    "checklist",
                    f"{each.clause or each.code}: {'done' if each.done else 'not done'}"
                    + (f" — {each.note}" if each.note else ""),
                )
        gateways.audit(
            user=user, action="disclosure.checklist", outcome="allowed", patron_ref=req.patron_ref
        )
    return item
