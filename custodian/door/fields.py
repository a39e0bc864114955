"""One renderer per contract field: how each released field is read from the records.

A renderer gets a `PatronRecords`, which loads each category of the record once, on first
use, so a read touches only the tables its released fields need.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Sum

from custodian.circulation.selectors import current_loans, effective_status
from custodian.door.lines import (
    ChargeLine,
    HoldLine,
    PastLoanLine,
    PaymentLine,
    ReadingHistory,
    ServiceLine,
    Standing,
)
from custodian.records.models import (
    CameraFootage,
    Charge,
    ComputerSession,
    Hold,
    InterlibraryLoanRequest,
    Item,
    Loan,
    PastLoan,
    Patron,
    Payment,
    ProgramRegistration,
    ReferenceInterview,
    RoomBooking,
    SearchRecord,
)

OPEN_HOLDS = (Hold.Status.WAITING, Hold.Status.READY)
STATUS_LABELS: dict[str, str] = dict(Patron.Status.choices)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _money(amount) -> Decimal:
    # SQLite hands sums back as floats-turned-Decimals with long tails; money is cents.
    return Decimal(amount or 0).quantize(CENT)


class PatronRecords:
    def __init__(self, patron: Patron, today: date, *, lost_loans: bool = True):
        self.patron = patron
        self.today = today
        self.lost_loans = lost_loans

    @cached_property
    def loans(self) -> list[Loan]:
        loans = current_loans(patron=self.patron)
        if not self.lost_loans:
            loans = [loan for loan in loans if loan.item.status != Item.Status.LOST]
        return loans

    @cached_property
    def overdue(self) -> list[Loan]:
        # A lost item is no longer late: it is lost, and charged as such.
        return [
            loan
            for loan in self.loans
            if loan.due_on < self.today and loan.item.status != Item.Status.LOST
        ]

    @cached_property
    def holds(self) -> list[Hold]:
        return list(
            Hold.objects.filter(patron=self.patron, status__in=OPEN_HOLDS)
            .select_related("item")
            .order_by("placed_at", "id")
        )

    @cached_property
    def charges(self) -> list[Charge]:
        return list(
            Charge.objects.filter(patron=self.patron)
            .select_related("item")
            .annotate(paid=Sum("payments__amount"))
            .order_by("assessed_at", "id")
        )

    @cached_property
    def payments(self) -> list[Payment]:
        return list(Payment.objects.filter(patron=self.patron).order_by("paid_at", "id"))


def _balance(r: PatronRecords) -> Decimal:
    owed = sum((_money(c.amount) for c in r.charges), ZERO)
    paid = Payment.objects.filter(patron=r.patron).aggregate(total=Sum("amount"))["total"]
    return max(ZERO, owed - _money(paid))


def _charge_lines(r: PatronRecords) -> tuple[ChargeLine, ...]:
    return tuple(
        ChargeLine(
            what=Charge.Kind(c.kind).label,
            title=c.item.title if c.item else None,
            amount=_money(c.amount),
            outstanding=max(ZERO, _money(c.amount) - _money(c.paid)),
            assessed_on=c.assessed_at.date(),
        )
        for c in r.charges
    )


def _hold_lines(r: PatronRecords) -> tuple[HoldLine, ...]:
    return tuple(
        HoldLine(
            title=h.item.title,
            status=Hold.Status(h.status).label,
            ready=h.status == Hold.Status.READY,
            ready_until=h.ready_until,
        )
        for h in r.holds
    )


def _history(r: PatronRecords) -> ReadingHistory:
    past = PastLoan.objects.filter(patron=r.patron).select_related("item").order_by("-returned_at")
    return ReadingHistory(
        (PastLoanLine(title=p.item.title, returned_on=p.returned_at.date()) for p in past),
        kept=r.patron.keeps_reading_history,
    )


def standing(*, patron: Patron, today: date) -> Standing:
    """Released with `registration.status`: whether the card may be used, and since when."""
    return Standing(
        status=effective_status(status=patron.status, expires_on=patron.expires_on, today=today),
        since=patron.status_since,
        expires_on=patron.expires_on,
    )


def _programs(r: PatronRecords) -> tuple[ServiceLine, ...]:
    rows = ProgramRegistration.objects.filter(patron=r.patron).select_related("program")
    return tuple(
        ServiceLine(
            when=reg.program.starts_at,
            what=reg.program.title,
            detail={True: "attended", False: "did not attend", None: ""}[reg.attended],
        )
        for reg in rows.order_by("program__starts_at")
    )


def _computers(r: PatronRecords) -> tuple[ServiceLine, ...]:
    rows = ComputerSession.objects.filter(patron=r.patron).order_by("started_at")
    return tuple(
        ServiceLine(
            when=s.started_at, what=f"Workstation {s.workstation}", detail=str(s.ended_at or "")
        )
        for s in rows
    )


def _rooms(r: PatronRecords) -> tuple[ServiceLine, ...]:
    rows = RoomBooking.objects.filter(patron=r.patron).select_related("room").order_by("starts_at")
    return tuple(
        ServiceLine(when=b.starts_at, what=b.room.name, detail=f"{b.attendees} attending")
        for b in rows
    )


def _reference(r: PatronRecords) -> tuple[ServiceLine, ...]:
    rows = ReferenceInterview.objects.filter(patron=r.patron).order_by("asked_at")
    return tuple(ServiceLine(when=q.asked_at, what=q.question, detail=q.channel) for q in rows)


def _ill(r: PatronRecords) -> tuple[ServiceLine, ...]:
    rows = InterlibraryLoanRequest.objects.filter(patron=r.patron).order_by("requested_at")
    return tuple(ServiceLine(when=i.requested_at, what=i.title, detail=i.status) for i in rows)


def _searches(r: PatronRecords) -> tuple[ServiceLine, ...]:
    rows = SearchRecord.objects.filter(patron=r.patron).order_by("searched_at")
    return tuple(ServiceLine(when=s.searched_at, what=s.query, detail=s.database) for s in rows)


def _video(r: PatronRecords) -> tuple[ServiceLine, ...]:
    rows = CameraFootage.objects.filter(identified_patrons=r.patron).order_by("starts_at")
    return tuple(ServiceLine(when=v.starts_at, what=v.camera, detail=str(v.ends_at)) for v in rows)


RENDERERS: dict[str, Callable[[PatronRecords], Any]] = {
    "registration.status": lambda r: r.patron.status,
    "registration.name": lambda r: f"{r.patron.first_name} {r.patron.last_name}".strip(),
    "registration.address": lambda r: r.patron.address,
    "registration.phone": lambda r: r.patron.phone,
    "registration.email": lambda r: r.patron.email,
    "registration.birthdate": lambda r: r.patron.birth_date,
    "registration.card_number": lambda r: r.patron.card_number,
    "loans.count": lambda r: len(r.loans),
    "loans.due_dates": lambda r: tuple(loan.due_on for loan in r.loans),
    "loans.titles": lambda r: tuple(loan.item.title for loan in r.loans),
    "overdue.status": lambda r: bool(r.overdue),
    "overdue.count": lambda r: len(r.overdue),
    "overdue.titles": lambda r: tuple(loan.item.title for loan in r.overdue),
    "lost.titles": lambda r: tuple(
        loan.item.title for loan in r.loans if loan.item.status == Item.Status.LOST
    ),
    "charges.amount": _balance,
    "charges.details": _charge_lines,
    "payments.records": lambda r: tuple(
        PaymentLine(
            amount=_money(p.amount), method=Payment.Method(p.method).label, paid_on=p.paid_at.date()
        )
        for p in r.payments
    ),
    "holds.count": lambda r: len(r.holds),
    "holds.titles": _hold_lines,
    "history.titles": _history,
    "programs.records": _programs,
    "computer.records": _computers,
    "rooms.records": _rooms,
    "reference.records": _reference,
    "ill.records": _ill,
    "searches.records": _searches,
    "video.records": _video,
}


def render(
    *, patron: Patron, released: tuple[str, ...], today: date, lost_loans: bool = True
) -> dict[str, Any]:
    """The released fields' values. lost_loans=False leaves loans marked lost out of every
    loans.* and overdue.* value (a notice speaks only of items that are out)."""
    records = PatronRecords(patron, today, lost_loans=lost_loans)
    return {field: RENDERERS[field](records) for field in released}
