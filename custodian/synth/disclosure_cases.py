"""A week of disclosure requests, played through the disclosure services on a new demo library.

Without them the director's case list is empty and the transparency report counts zeros.
Each request is taken at the desk by the demo desk clerk and carried on by the demo branch
manager and director, calling `custodian.disclosure.services` exactly as the screens do
(open the case, then act on it), so the policy engine decides every step, every act is in
the audit log, and patron data is read only through the door. What happens after the
desk depends on what the engine decided for the library's profile: a case is reviewed,
decided in writing or released only where the decision allows it.

The requests name the demo's synthetic patrons by card number, which the intake resolves
through the door; nothing but the patrons' opaque refs is stored or audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from custodian.disclosure import services
from custodian.disclosure.services import Intake
from custodian.records.models import Patron
from custodian.synth.rand import sub_rng, years_ago

# Demo staff (see `services.DEMO_USERS`) who play each part.
CLERK, MANAGER, DIRECTOR = "desk", "manager", "director"
PARTS = (CLERK, MANAGER, DIRECTOR)

# Made-up officers and requesters; the patrons are the generated library's own.


def _officer(name: str, badge: str, agency: str) -> dict:
    """An officer at the desk, as the intake records one: credentials seen and noted."""
    return dict(
        requester_kind="law_enforcement",
        officer_name=name,
        officer_badge=badge,
        officer_agency=agency,
        evidence=["officer_credentials"],
    )


OFFICER = _officer("Deputy R. Alvarez", "2231", "County Sheriff's Office")
DETECTIVE = _officer("Detective M. Okafor", "0417", "City Police Department")
AGENT = _officer("Special Agent L. Brandt", "F-5520", "Federal Bureau of Investigation")

# The officer steps the clerk can finish at the desk (the director's step i is not theirs).
DESK_STEPS_NO_ORDER = ("a", "b", "c")
DESK_STEPS_WARRANT = ("a", "b", "c", "d", "g", "h")


def _document(kind: str, signed_by: str, court: str, scope: list[str], **more) -> dict:
    """The intake's description of a legal document: its type, signer, court and face."""
    return dict(
        instrument_type=kind,
        instrument_signed_by=signed_by,
        instrument_court=court,
        instrument_scope=scope,
        **more,
    )


@dataclass(frozen=True)
class Played:
    """One request of the demo week: what it shows, and its request ref."""

    scene: str
    request_ref: str


def play(*, seed: int, showcase: dict[str, str], now: dt.datetime | None = None) -> list[Played]:
    """Take the week's requests and carry each as far as its decisions allow.

    `showcase` maps the showcase labels (`adult`, `teen`, ...) to card numbers. One
    transaction: a demo either has the whole week or none of it.
    """
    staff = {u.username: u for u in get_user_model().objects.filter(username__in=PARTS)}
    clerk, manager, director = staff[CLERK], staff[MANAGER], staff[DIRECTOR]
    adult = showcase.get("adult") or next(iter(showcase.values()))
    teen = showcase.get("teen") or adult
    others = _other_patrons(seed=seed, exclude=set(showcase.values()), count=5) or [adult]
    today = timezone.localdate(now)
    played: list[Played] = []

    def other(i: int) -> str:
        # A tiny library has fewer patrons than requests; some are then asked about twice.
        return others[i % len(others)]

    def take(scene: str, data: Intake) -> services.DeskScreen:
        screen = services.intake(user=clerk, data=data, now=now)
        played.append(Played(scene=scene, request_ref=str(screen.request.ref)))
        return screen

    with transaction.atomic():
        # A parent asks what their 15-year-old has out and whether anything is owed.
        take(
            "parent_of_teen",
            Intake(
                requester_kind="guardian",
                channel="in_person",
                evidence=["library_card"],
                financially_responsible=True,
                card_number=teen,
                requested=["loans.titles", "overdue.status", "charges.amount"],
            ),
        )
        # A caller reads out the full barcode and asks how many items are out and when due.
        take(
            "caller_with_barcode",
            Intake(
                requester_kind="patron",
                channel="phone",
                evidence=["card_number"],
                card_number=adult,
                requested=["loans.count", "loans.due_dates"],
            ),
        )
        # An officer at the desk with no court order asks what a patron has borrowed.
        screen = take(
            "officer_without_order",
            Intake(
                channel="in_person",
                card_number=other(0),
                stated_purpose="an ongoing investigation",
                requested=["loans.titles", "registration.address"],
                desk_notes="The deputy offered no document and said he might come back with one.",
                **OFFICER,
            ),
        )
        _tick_steps(clerk, screen, DESK_STEPS_NO_ORDER)
        # A judge-signed search warrant for current loans: reviewed and released on its face.
        screen = take(
            "judge_signed_warrant",
            Intake(
                channel="in_person",
                card_number=other(1),
                stated_purpose="execute a search warrant",
                requested=["loans.titles", "registration.address", "history.titles"],
                **DETECTIVE,
                **_document(
                    "search_warrant",
                    "judge",
                    "state",
                    ["loans.titles"],
                    instrument_date_from=today - dt.timedelta(days=90),
                ),
            ),
        )
        _tick_steps(clerk, screen, DESK_STEPS_WARRANT)
        _director_decides(
            director,
            screen,
            handed_to="Detective M. Okafor, badge 0417",
            instrument_valid=True,
            counsel_consulted=True,
            notes="Counsel agrees the warrant is proper.",
        )
        # A civil subpoena by post: the branch manager explains and passes it on for review.
        screen = take(
            "subpoena",
            Intake(
                requester_kind="attorney",
                channel="written",
                requester_organisation="Counsel for the plaintiff in a civil case",
                response_address="Law office, 100 Example Street (made up)",
                card_number=other(2),
                requested=["loans.titles", "computer.records"],
                **_document("subpoena", "clerk", "state", ["loans.titles", "computer.records"]),
            ),
        )
        _manager_refers_on(manager, screen)
        # The police phone about an emergency; the director confirms it and the engine decides.
        screen = take(
            "emergency_call",
            Intake(
                channel="phone",
                purpose="emergency",
                card_number=other(3),
                stated_purpose="a missing person believed to be in danger",
                requested=["registration.address"],
                **DETECTIVE,
            ),
        )
        _director_decides(
            director,
            screen,
            handed_to="Detective M. Okafor, by telephone",
            instrument_valid=None,
            emergency_confirmed=True,
            notes="Dispatch confirmed the emergency.",
        )
        # A FISA order with a nondisclosure clause: sealed; only the director sees it again.
        screen = take(
            "sealed_order",
            Intake(
                channel="in_person",
                card_number=other(4),
                requested=["loans.titles"],
                **AGENT,
                **_document("fisa_order", "judge", "fisa", ["loans.titles"], nondisclosure=True),
            ),
        )
        if screen.case is not None:
            services.get_case(director, screen.case.ref)
    return played


def _other_patrons(*, seed: int, exclude: set[str], count: int) -> list[str]:
    """Card numbers of `count` active adults with loans out, drawn with the demo's seed.

    Birth dates and card numbers are sealed at rest (docs/encryption.md), so SQL picks the
    candidates and Python keeps the adults, opening only as many records as it needs."""
    adult_born_by = years_ago(timezone.localdate(), 18)
    ids = list(
        Patron.objects.filter(status=Patron.Status.ACTIVE, loans__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    sub_rng(seed=seed, phase="disclosure").shuffle(ids)
    cards: list[str] = []
    for start in range(0, len(ids), 200):
        if len(cards) >= count:
            break
        chunk = ids[start : start + 200]
        found = Patron.objects.filter(pk__in=chunk).only("pk", "card_number", "birth_date")
        by_id = {p.pk: p for p in found}
        for pk in chunk:
            patron = by_id[pk]
            born = patron.birth_date
            if born is not None and born <= adult_born_by and patron.card_number not in exclude:
                cards.append(patron.card_number)
                if len(cards) >= count:
                    break
    return cards


def _tick_steps(user, screen: services.DeskScreen, codes: tuple[str, ...]) -> None:
    """Tick the officer steps the clerk has done (profiles without the checklist have none)."""
    for line in screen.officer_steps:
        if line.code in codes:
            services.set_checklist_item(user=user, item_id=line.id, done=True, note=line.note)


def _open(user, screen: services.DeskScreen):
    """The case, opened as the case screen opens it (role-checked and audited)."""
    return services.get_case(user, screen.case.ref) if screen.case is not None else None


def _director_decides(director, screen: services.DeskScreen, *, handed_to: str, **review) -> None:
    """The director records the review (`review`: what was found), the engine decides again,
    and whatever that decision releases is released."""
    case = _open(director, screen)
    if case is None:
        return
    services.review(user=director, case=case, **review)
    _release_if_approved(director, case, handed_to=handed_to)


def _release_if_approved(director, case, *, handed_to: str) -> None:
    """Release what the governing decision allows, with the written decision first where
    the decision asks for one; the director ticks step i where the profile has it."""
    if case.status != "approved" or not services.releasable_fields(case):
        return
    if services.written_decision_required(case):
        services.write_decision(
            user=director,
            case=case,
            disclose=True,
            text="Comply, only as to what the document names on its face.",
            basis="A proper document, reviewed with counsel; the decision releases these fields.",
        )
    services.release(user=director, case=case, handed_to=handed_to)
    if case.cost_recovery:
        services.add_cost(
            user=director, case=case, description="Search and copying", staff_minutes=45
        )
    step_i = case.request.checklist.filter(kind="officer", code="i").first()
    if step_i is not None:
        services.set_checklist_item(
            user=director,
            item_id=step_i.pk,
            done=True,
            note="Decision and its basis recorded in writing.",
        )


def _manager_refers_on(manager, screen: services.DeskScreen) -> None:
    """A case with the branch manager: the manager explains the policy and records that the
    document needs legal review; the engine says where it goes next."""
    if screen.case is None or screen.case.assigned_role != "branch_manager":
        return
    case = _open(manager, screen)
    services.review(
        user=manager,
        case=case,
        instrument_valid=None,
        notes="Policy explained; the subpoena needs legal review.",
    )
