"""The patron's own door: what a signed-in patron reads of their own record and the few
things they may do to it themselves (renew, place and cancel a hold).

The same pattern as the staff reads and actions: the engine is asked (as the patron,
online, with what they proved at sign-in), one audit entry per call (actor "patron",
purpose "own_record"), and plain immutable rows come back. A reader who is not that very
patron is refused and the refusal audited. The rows carry what the patron's own screens
need and a staff view does not (an item's barcode to renew it, a hold's pickup branch),
and codes rather than words: the portal says them in the patron's language.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from custodian.circulation import errors as circ
from custodian.circulation import services as circulation
from custodian.circulation.errors import CirculationError
from custodian.circulation.selectors import current_loans
from custodian.door import auditing
from custodian.door.errors import ActionFailed, PatronNotFound, Refused
from custodian.door.fields import OPEN_HOLDS, _money, standing
from custodian.door.own_lines import (
    OwnAccount,
    OwnCharge,
    OwnComputerSession,
    OwnHistoryPage,
    OwnHold,
    OwnIllRequest,
    OwnLoan,
    OwnPastLoan,
    OwnPayment,
    OwnProgram,
    OwnRoomBooking,
)
from custodian.door.readers import Reader
from custodian.door.receipts import HoldReceipt, RenewalReceipt
from custodian.door.ruling import Ruling, age_on, ask, refusal, requested_fields
from custodian.door.services import ACTION_FIELDS, _item
from custodian.records.models import (
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
    RoomBooking,
)

# What "My account" shows, in the contract's words.
ACCOUNT_FIELDS: tuple[str, ...] = (
    "registration.status",
    "loans.titles",
    "loans.due_dates",
    "lost.titles",
    "holds.titles",
    "charges.amount",
    "charges.details",
    "payments.records",
    "programs.records",
    "rooms.records",
    "computer.records",
    "ill.records",
)
HISTORY_FIELDS: tuple[str, ...] = ("history.titles",)
NOT_YOURS = "A patron may read and act on only their own record."


class OwnActionRefused(ActionFailed):
    """A circulation rule refused what the patron asked. `reason` is a short code the
    portal turns into words in the patron's language; `message` is the desk's English."""

    def __init__(self, reason: str, message: str | None = None):
        self.reason = reason
        super().__init__(message or reason)


# The circulation errors a patron's renewal or hold can meet, most specific first.
_REASONS: tuple[tuple[type[CirculationError], str], ...] = (
    (circ.PatronBlocked, "blocked"),
    (circ.PatronCardLost, "card_lost"),  # stolen too: a subclass
    (circ.PatronCardExpired, "expired"),
    (circ.PatronNotInGoodStanding, "card_unusable"),
    (circ.RenewalLimitReached, "renewal_limit"),
    (circ.ItemWanted, "wanted"),
    (circ.ItemNotOnLoan, "not_on_loan"),
    (circ.HoldAlreadyPlaced, "already_held"),
    (circ.HoldNotOpen, "hold_not_open"),
    (circ.HoldRefused, "hold_refused"),
)


def _reason(error: CirculationError) -> str:
    for kind, reason in _REASONS:
        if isinstance(error, kind):
            return reason
    return "refused"


def _own_patron(reader: Reader) -> Patron | None:
    if reader.kind != "patron" or reader.patron_ref is None:
        return None
    return Patron.objects.filter(ref=reader.patron_ref).first()


def _ask_as_patron(reader: Reader, patron: Patron | None, fields: tuple[str, ...]) -> Ruling:
    if patron is None:
        return refusal(fields, NOT_YOURS)
    age = age_on(patron.birth_date, timezone.localdate())
    return ask(reader=reader, purpose=None, fields=fields, age=age)


def _ref_or_none(reader: Reader) -> UUID | None:
    return reader.patron_ref if reader.kind == "patron" else None


# --- reads -----------------------------------------------------------------------------


def _loans(p: Patron, today: date, *, lost_known: bool) -> tuple[OwnLoan, ...]:
    """lost_known: `lost.titles` was released, so a lost loan may say so (and is then not
    overdue); otherwise every loan is shown as out."""
    rows = current_loans(patron=p)
    lines = []
    for loan in rows:
        lost = lost_known and loan.item.status == Item.Status.LOST
        lines.append(
            OwnLoan(
                barcode=loan.item.barcode,
                title=loan.item.title,
                due_on=loan.due_on,
                overdue=loan.due_on < today and not lost,
                renewals=loan.renewals,
                lost=lost,
            )
        )
    return tuple(lines)


def _holds(p: Patron) -> tuple[OwnHold, ...]:
    rows = (
        Hold.objects.filter(patron=p, status__in=OPEN_HOLDS)
        .select_related("item", "pickup_branch")
        .order_by("placed_at", "id")
    )
    return tuple(
        OwnHold(
            barcode=h.item.barcode,
            title=h.item.title,
            status=h.status,
            ready_until=h.ready_until,
            pickup=h.pickup_branch.name,
            placed_at=h.placed_at,
        )
        for h in rows
    )


def _charges(p: Patron) -> tuple[OwnCharge, ...]:
    rows = (
        Charge.objects.filter(patron=p)
        .select_related("item")
        .annotate(paid=Sum("payments__amount"))
        .order_by("assessed_at", "id")
    )
    return tuple(
        OwnCharge(
            kind=c.kind,
            title=c.item.title if c.item else None,
            amount=_money(c.amount),
            outstanding=max(Decimal("0.00"), _money(c.amount) - _money(c.paid)),
            assessed_at=c.assessed_at,
        )
        for c in rows
    )


def _payments(p: Patron) -> tuple[OwnPayment, ...]:
    rows = Payment.objects.filter(patron=p).order_by("paid_at", "id")
    return tuple(
        OwnPayment(amount=_money(x.amount), method=x.method, paid_at=x.paid_at) for x in rows
    )


def _programs(p: Patron) -> tuple[OwnProgram, ...]:
    rows = (
        ProgramRegistration.objects.filter(patron=p)
        .select_related("program__branch")
        .order_by("program__starts_at")
    )
    return tuple(
        OwnProgram(
            title=r.program.title,
            starts_at=r.program.starts_at,
            branch=r.program.branch.name,
            attended=r.attended,
        )
        for r in rows
    )


def _rooms(p: Patron) -> tuple[OwnRoomBooking, ...]:
    rows = RoomBooking.objects.filter(patron=p).select_related("room__branch").order_by("starts_at")
    return tuple(
        OwnRoomBooking(
            room=b.room.name,
            branch=b.room.branch.name,
            starts_at=b.starts_at,
            ends_at=b.ends_at,
            attendees=b.attendees,
        )
        for b in rows
    )


def _computers(p: Patron) -> tuple[OwnComputerSession, ...]:
    rows = ComputerSession.objects.filter(patron=p).select_related("branch").order_by("started_at")
    return tuple(
        OwnComputerSession(
            workstation=s.workstation,
            branch=s.branch.name,
            started_at=s.started_at,
            ended_at=s.ended_at,
        )
        for s in rows
    )


def _ill(p: Patron) -> tuple[OwnIllRequest, ...]:
    rows = InterlibraryLoanRequest.objects.filter(patron=p).order_by("requested_at")
    return tuple(
        OwnIllRequest(title=r.title, requested_at=r.requested_at, status=r.status) for r in rows
    )


def _balance(charges: tuple[OwnCharge, ...], p: Patron) -> Decimal:
    owed = sum((c.amount for c in charges), Decimal("0.00"))
    paid = Payment.objects.filter(patron=p).aggregate(total=Sum("amount"))["total"]
    return max(Decimal("0.00"), owed - _money(paid))


def read_own_account(*, reader: Reader, fields=ACCOUNT_FIELDS) -> OwnAccount:
    """The signed-in patron's account, in one engine question and one audit entry."""
    fields = requested_fields(fields)
    today = timezone.localdate()
    with transaction.atomic():
        patron = _own_patron(reader)
        if patron is None and reader.kind == "patron":
            raise PatronNotFound()
        ruling = _ask_as_patron(reader, patron, fields)
        auditing.record(reader=reader, purpose=None, patron_ref=_ref_or_none(reader), ruling=ruling)
        got = set(ruling.released)
        if got:
            account = _account(patron, ruling, today)
    # Raised after the audit entry is committed: a refusal is recorded, not rolled back.
    if not got:
        raise Refused(ruling)
    return account


def _account(patron: Patron, ruling: Ruling, today: date) -> OwnAccount:
    got = set(ruling.released)
    loans = None
    if {"loans.titles", "loans.due_dates"} <= got:
        loans = _loans(patron, today, lost_known="lost.titles" in got)
    charges = _charges(patron) if {"charges.details", "charges.amount"} & got else None
    return OwnAccount(
        released=ruling.released,
        today=today,
        standing=standing(patron=patron, today=today) if "registration.status" in got else None,
        loans=loans,
        holds=_holds(patron) if "holds.titles" in got else None,
        balance=_balance(charges, patron) if "charges.amount" in got else None,
        charges=charges if "charges.details" in got else None,
        payments=_payments(patron) if "payments.records" in got else None,
        programs=_programs(patron) if "programs.records" in got else None,
        rooms=_rooms(patron) if "rooms.records" in got else None,
        computers=_computers(patron) if "computer.records" in got else None,
        ill=_ill(patron) if "ill.records" in got else None,
    )


def read_own_history(*, reader: Reader, page: int = 1, per_page: int = 25) -> OwnHistoryPage:
    """One page of the patron's kept reading history (and whether it is kept, since when).

    Audited as a read of `history.titles`. Not kept means none: there is nothing to page.
    """
    page, per_page = max(1, int(page)), max(1, int(per_page))
    with transaction.atomic():
        patron = _own_patron(reader)
        if patron is None and reader.kind == "patron":
            raise PatronNotFound()
        ruling = _ask_as_patron(reader, patron, HISTORY_FIELDS)
        auditing.record(reader=reader, purpose=None, patron_ref=_ref_or_none(reader), ruling=ruling)
        if ruling.released:
            rows = PastLoan.objects.filter(patron=patron)
            total = rows.count()
            page = min(page, max(1, -(-total // per_page)))
            start = (page - 1) * per_page
            lines = tuple(
                OwnPastLoan(
                    title=p.item.title, checked_out_at=p.checked_out_at, returned_at=p.returned_at
                )
                for p in rows.select_related("item").order_by("-returned_at", "-id")[
                    start : start + per_page
                ]
            )
    if not ruling.released:
        raise Refused(ruling)
    return OwnHistoryPage(
        released=True,
        kept=patron.keeps_reading_history,
        changed_at=patron.reading_history_changed_at,
        total=total,
        page=page,
        per_page=per_page,
        lines=lines,
    )


# --- actions ---------------------------------------------------------------------------


def _act_own[T](
    *,
    reader: Reader,
    action: str,
    locate: Callable[[Patron], dict],
    perform: Callable[..., T],
) -> T:
    """As the staff actions' `_act`, but the actor is the patron, on their own record."""
    refused: Ruling | None = None
    fields = ACTION_FIELDS[action]
    try:
        with transaction.atomic():
            patron = _own_patron(reader)
            if patron is None and reader.kind == "patron":
                raise PatronNotFound()
            ruling = _ask_as_patron(reader, patron, fields)
            auditing.record(
                reader=reader,
                purpose=None,
                patron_ref=_ref_or_none(reader),
                ruling=ruling,
                action=action,
            )
            if ruling.complete:
                result = perform(patron=patron, **locate(patron))
            else:
                refused = ruling
    except CirculationError as error:
        # Rolled back, audit entry included: nothing happened.
        raise OwnActionRefused(_reason(error), error.message) from None
    if refused is not None:
        raise Refused(refused)
    return result


def renew_own(*, reader: Reader, item_barcode: str, now=None) -> RenewalReceipt:
    def locate(patron):
        item = _item(item_barcode)
        loan = Loan.objects.filter(item=item, patron=patron).first()
        if loan is None:
            raise circ.ItemNotOnLoan()
        return {"item": item, "loan": loan}

    def perform(*, patron, item, loan):
        loan = circulation.renew(loan=loan, now=now)
        return RenewalReceipt(
            barcode=item.barcode, title=item.title, due_on=loan.due_on, renewals=loan.renewals
        )

    return _act_own(reader=reader, action="renew", locate=locate, perform=perform)


def place_own_hold(*, reader: Reader, item_barcode: str, now=None) -> HoldReceipt:
    """A hold for pickup at the patron's home branch."""

    def locate(patron):
        item = _item(item_barcode)
        if item.status in (Item.Status.LOST, Item.Status.WITHDRAWN):
            raise OwnActionRefused("not_in_collection")
        if Loan.objects.filter(item=item, patron=patron).exists():
            raise OwnActionRefused("yours_already")
        return {"item": item}

    def perform(*, patron, item):
        hold = circulation.place_hold(
            patron=patron, item=item, pickup_branch=patron.home_branch, now=now
        )
        return HoldReceipt(barcode=item.barcode, title=item.title, status=hold.status)

    return _act_own(reader=reader, action="place_hold", locate=locate, perform=perform)


def cancel_own_hold(*, reader: Reader, item_barcode: str, now=None) -> HoldReceipt:
    def locate(patron):
        item = _item(item_barcode)
        hold = Hold.objects.filter(patron=patron, item=item, status__in=OPEN_HOLDS).first()
        if hold is None:
            raise circ.HoldNotOpen()
        return {"item": item, "hold": hold}

    def perform(*, patron, item, hold):
        hold = circulation.cancel_hold(hold=hold, now=now)
        return HoldReceipt(barcode=item.barcode, title=item.title, status=hold.status)

    return _act_own(reader=reader, action="cancel_hold", locate=locate, perform=perform)
