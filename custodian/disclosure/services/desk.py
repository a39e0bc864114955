"""What the desk sees after the engine's decision, and ticking the checklist it shows."""

from __future__ import annotations

from dataclasses import dataclass, field

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
from custodian.policy.explain import proof_words
from custodian.policy.scripts import situation, spanish_proof_words


@dataclass
class ChecklistLine:
    code: str
    # The duty: the profile's line of what to do (scripts.toml `do`), else its plain label.
    label: str
    clause: str
    read_aloud: str  # the clause's text (the policy's words, not words to say)
    done: bool
    note: str
    id: int
    # Whether the profile gives words to say for it (shown in the script, not here).
    spoken: bool = False


@dataclass
class ScriptLine:
    """Words to say to the person asking, with the clauses they rest on."""

    key: str  # the situation (scripts.situation) or the obligation
    words: str
    clauses: list  # [(clause, text)], in the policy's order


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
    # What to say, first person: the outcome's words, then each obligation that is said.
    script: list[ScriptLine] = field(default_factory=list)
    # The same words in Spanish (the profile's scripts.es.toml), or [] if it has none.
    script_es: list[ScriptLine] = field(default_factory=list)


def desk_screen(*, user, req: DisclosureRequest) -> DeskScreen:
    case = req.case if _has_case(req) else None
    say_now = say_now_lines(user=user, req=req, decision=req.decision)
    scripts = _scripts(req.profile)
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
        referral = "The Library Director (or designee) decides: tell the requester nothing now."
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
        headline = referral or "Tell the requester nothing now: the request is referred."
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
        must_do=[_line(i, scripts) for i in items if i.kind == ChecklistItem.Kind.OBLIGATION],
        officer_steps=[_line(i) for i in items if i.kind == ChecklistItem.Kind.OFFICER],
        referral=referral,
        case=case,
        custody=custody,
        sealed=request_is_sealed(req),
        headline=headline,
        script=script_lines(req=req, decision=req.decision, scripts=scripts),
        script_es=script_lines(
            req=req,
            decision=req.decision,
            scripts=scripts.spanish if scripts else None,
            spanish=True,
        ),
    )


def _scripts(profile: str):
    """The profile's words (None for a profile the engine does not know, e.g. a test fake)."""
    try:
        return gateways.scripts(profile)
    except Exception:  # noqa: BLE001 - the screen still shows the duties and clauses
        return None


def _line(i: ChecklistItem, scripts=None) -> ChecklistLine:
    words = scripts.obligations.get(i.code) if scripts and i.kind == "obligation" else None
    return ChecklistLine(
        code=i.code,
        label=words.by_who["any"] if words and not words.spoken else i.label,
        clause=i.clause,
        read_aloud=i.read_aloud,
        done=i.done,
        note=i.note,
        id=i.pk,
        spoken=bool(words and words.spoken),
    )


def script_lines(
    *, req: DisclosureRequest, decision: dict, scripts, spanish: bool = False
) -> list[ScriptLine]:
    """The words to say for this decision: the outcome's, then each obligation said aloud.

    Each line carries the clauses it rests on: for an obligation, the clauses that brought
    it (`obligation_clauses`); for the outcome, the cited clauses that bring no obligation
    (the rules that released, refused or referred), or every cited clause if none is left.
    """
    if scripts is None:
        return []
    kind = req.requester_kind
    texts = {c.get("clause"): c.get("text", "") for c in decision.get("citations", [])}
    by_obligation = decision.get("obligation_clauses") or {}
    duty_clauses = {c for clauses in by_obligation.values() for c in clauses}
    own = [c for c in texts if c not in duty_clauses] or list(texts)
    lines = []
    if situation(decision) in scripts.outcomes:
        needs = list(decision.get("needs_proof") or ())
        proof = (spanish_proof_words(needs) if spanish else proof_words(needs)) if needs else ""
        lines.append(
            ScriptLine(
                situation(decision),
                scripts.for_outcome(decision, kind, proof=proof),
                [(c, texts[c]) for c in own],
            )
        )
    for ob in decision.get("obligations", []):
        words = scripts.obligations.get(ob)
        if words is None or not words.spoken:
            continue
        clauses = [(c, texts[c]) for c in by_obligation.get(ob, ()) if c in texts]
        lines.append(ScriptLine(ob, words.for_kind(kind), clauses))
    return lines


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
