"""Generate a whole synthetic library into an empty database, phase by phase."""

import datetime as dt
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rich.console import Console

from custodian.records import models as records
from custodian.synth import (
    phase_accounts,
    phase_history,
    phase_library,
    phase_loans,
    phase_patrons,
    phase_programs,
    phase_schedule,
    phase_services,
    phase_statistics,
)
from custodian.synth.bulk import fast_sqlite, reset_sequences
from custodian.synth.context import (
    HISTORY_YEARS,
    MAX_HISTORY_YEARS,
    MIN_HISTORY_YEARS,
    Context,
)
from custodian.synth.phase_patrons import pin_for_card
from custodian.synth.private_files import write_private_json
from custodian.synth.progress import Tracker

DEMO_PATRONS_FILE = "demo-patrons.json"
MIN_PATRONS = 3  # the three showcase patrons

SHOWCASE_TEXT = {
    "adult": "adult: loans (one overdue), holds, charges, history",
    "teen": "15-year-old: an overdue loan, owes a fine; guardian signed",
    "child": "10-year-old; the guardian above is linked to the card",
    # For the patron portal (/my/): their own cards and PINs.
    "reader": "keeps a reading history: see it, download it, delete it",
    "guardian": "guardian with own card, linked to the teen and the child",
    # Cards the desk warns about (custodian/desk/alerts.py): one of each kind.
    "card_lost": "card reported lost: the desk warns, check-out is refused",
    "card_stolen": "card reported stolen: the desk warns, check-out is refused",
    "expired": "card expired: renew the registration before lending",
    "blocked": "account blocked: a branch manager decides",
}


class LibraryExists(Exception):
    """The database already holds branches, patrons or items."""


@dataclass(frozen=True)
class ShowcasePatron:
    label: str
    description: str
    card_number: str
    pin: str


@dataclass(frozen=True)
class Summary:
    patrons: int
    branches: int
    loan_transactions: int
    seconds: float
    written: dict[str, int] = field(default_factory=dict)
    showcase: list[ShowcasePatron] = field(default_factory=list)
    # Seconds per phase, in the order they ran.
    phase_seconds: dict[str, float] = field(default_factory=dict)
    # One card of each kind the desk warns about (lost, stolen, expired, blocked).
    alerts: list[ShowcasePatron] = field(default_factory=list)


def default_branches(patrons: int) -> int:
    """One branch per ten thousand patrons, at least three and at most twenty."""
    return min(20, max(3, patrons // 10_000))


def library_exists() -> bool:
    return any(m.objects.exists() for m in (records.Branch, records.Patron, records.Item))


def _estimates(patrons: int, branches: int) -> dict[str, int]:
    """Rough rows per phase, for the progress bar; planned phases correct theirs later."""
    return {
        "Branches": branches,
        "Patrons": patrons,
        "Guardians": patrons // 3,
        "Circulation plan": patrons,
        "Items": phase_library.item_count(patrons),
        "Loans and history": patrons * 9,
        "Reading history": 0,
        "Charges and payments": patrons // 3,
        "Programs and rooms": branches * 2_500,
        "Computers and searches": patrons,
        "Camera footage": branches * 100,
    }


def generate(
    *,
    patrons: int,
    seed: int,
    branches: int | None = None,
    now: dt.datetime | None = None,
    console: Console | None = None,
    past_loans: int | None = None,
    history_years: int = HISTORY_YEARS,
) -> Summary:
    """Fill an empty database with a synthetic library; the same seed gives the same library.

    `past_loans`, when given, is exactly how many past loans (opted-in reading history) the
    library gets, spread over the last `history_years` years (see phase_history).

    Raises LibraryExists rather than mixing generated records into a library's real ones,
    and ValueError (nothing written) for a count or a period the library cannot have.
    """
    if patrons < MIN_PATRONS:
        raise ValueError(f"generate at least {MIN_PATRONS} patrons")
    if not MIN_HISTORY_YEARS <= history_years <= MAX_HISTORY_YEARS:
        raise ValueError(
            f"the reading history reaches back {MIN_HISTORY_YEARS} to {MAX_HISTORY_YEARS} "
            f"years, not {history_years}"
        )
    if past_loans is not None and past_loans < 0:
        raise ValueError(f"past loans must be zero or more, not {past_loans:,}")
    if past_loans is not None and past_loans > patrons * history_years * 365:
        # Cheap bound before anything is written; the exact one follows the patron plan.
        raise phase_history.TooManyPastLoans(
            f"{past_loans:,} past loans is more than {patrons:,} patrons can have over the "
            f"last {history_years} year(s), even if every one kept a reading history and "
            "borrowed a book every day."
        )
    if library_exists():
        raise LibraryExists(
            "The database already holds a library; generate into an empty one "
            "(for example a new CUSTODIAN_DATA_DIR)."
        )
    tz = timezone.get_current_timezone()
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=tz)
    ctx = Context(
        seed=seed,
        today=today,
        now=now,
        tz=tz,
        patrons=patrons,
        branches=branches or default_branches(patrons),
    )
    started = time.perf_counter()
    with (
        fast_sqlite(),
        Tracker(console=console, estimates=_estimates(patrons, ctx.branches)) as tracker,
    ):
        _run_phases(ctx=ctx, tracker=tracker, past_loans=past_loans, history_years=history_years)
    summary = Summary(
        patrons=patrons,
        branches=ctx.branches,
        loan_transactions=ctx.transactions,
        seconds=time.perf_counter() - started,
        written=dict(ctx.written),
        phase_seconds=dict(tracker.seconds),
        showcase=[
            ShowcasePatron(
                label=label,
                description=SHOWCASE_TEXT[label],
                card_number=ctx.cards[index],
                pin=pin_for_card(ctx.cards[index], ctx.pins),
            )
            for label, index in ctx.showcase.items()
        ],
        alerts=[
            ShowcasePatron(
                label=label,
                description=SHOWCASE_TEXT[label],
                card_number=ctx.cards[index],
                pin=pin_for_card(ctx.cards[index], ctx.pins),
            )
            for label, index in ctx.alerts.items()
        ],
    )
    _write_demo_patrons(ctx=ctx, summary=summary)
    return summary


def _run_phases(
    *, ctx: Context, tracker: Tracker, past_loans: int | None, history_years: int
) -> None:
    # One transaction for the whole library: an interrupted run leaves an empty database,
    # never a half-built library that `custodian demo` would then take for a finished one.
    with transaction.atomic():
        with tracker.phase("Branches"):
            phase_library.make_branches(ctx=ctx, tracker=tracker)
        with tracker.phase("Patrons"):
            phase_patrons.plan_and_write_patrons(ctx=ctx, tracker=tracker)
        if past_loans is not None:
            phase_history.check(ctx=ctx, past_loans=past_loans, years=history_years)
        with tracker.phase("Guardians"):
            phase_patrons.write_responsible_parties(ctx=ctx, tracker=tracker)
            phase_patrons.write_authorizations(ctx=ctx, tracker=tracker)
        with tracker.phase("Circulation plan"):
            phase_library.plan_items(ctx=ctx)
            phase_loans.plan_circulation(ctx=ctx, tracker=tracker)
        with tracker.phase("Items"):
            phase_library.write_items(ctx=ctx, tracker=tracker)
        extra = 0
        if past_loans is not None:
            extra = phase_history.fit(ctx=ctx, past_loans=past_loans)
        rows = len(ctx.loans) + len(ctx.past) + len(ctx.counts) + len(ctx.holds)
        tracker.set_estimate("Loans and history", rows)
        with tracker.phase("Loans and history"):
            phase_loans.write_circulation(ctx=ctx, tracker=tracker)
        tracker.set_estimate("Reading history", extra)
        with tracker.phase("Reading history"):
            phase_history.write_extra_history(
                ctx=ctx, extra=extra, years=history_years, tracker=tracker
            )
        with tracker.phase("Charges and payments"):
            phase_accounts.write_charges_and_payments(ctx=ctx, tracker=tracker)
        with tracker.phase("Programs and rooms"):
            phase_programs.write_programs(ctx=ctx, tracker=tracker)
            phase_programs.write_rooms_and_bookings(ctx=ctx, tracker=tracker)
        with tracker.phase("Computers and searches"):
            phase_services.write_computer_sessions(ctx=ctx, tracker=tracker)
            phase_services.write_reference_ill_and_searches(ctx=ctx, tracker=tracker)
        with tracker.phase("Camera footage"):
            phase_services.write_camera_footage(ctx=ctx, tracker=tracker)
        phase_statistics.write_statistics(ctx=ctx)  # the tally the desks would have kept
        # After the tally: what the daily purge would since have removed (its counts stay).
        phase_schedule.apply_schedule(ctx=ctx)
        reset_sequences(
            [
                records.Branch,
                records.Patron,
                records.Item,
                records.Charge,
                records.Program,
                records.Room,
                records.CameraFootage,
            ]
        )


def _write_demo_patrons(*, ctx: Context, summary: Summary) -> None:
    """Which PINs the synthetic patrons use and which cards to try: for the demo only."""
    write_private_json(
        settings.DATA_DIR / DEMO_PATRONS_FILE,
        {
            "seed": ctx.seed,
            "patrons": ctx.patrons,
            "generated_at": ctx.now.isoformat(),
            "pins": ctx.pins,
            "pin_rule": "a patron's PIN is pins[last digit of the card number % len(pins)]",
            "showcase": [vars(s) for s in summary.showcase],
            "alerts": [vars(s) for s in summary.alerts],
        },
    )
