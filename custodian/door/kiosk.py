"""The door for a machine: a SIP2 self-check kiosk, PC-booking system or return machine.

The patron at a kiosk is asked about as the patron themself, self-service online
(`Reader.at_machine`): the card number, and the PIN when it was given and verified. The
engine decides per profile ([proofs]); `ruling.ask` then keeps only what the machine's
purpose needs (the profile's `[kiosks]`), so a kiosk never shows an address, phone, email or
birthdate, and a return machine shows no titles. Check-out, renewal, holds and paying are
the patron's own acts at the machine (one audit entry each, actor "sip:<account>");
check-in is the machine's own act (no patron asked; the entry names whose loan it ended).

PINs are checked with the portal's throttle (address "sip:<account>"), so a card locked at
a kiosk is locked in the portal too and the desk unlocks it the same way.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from custodian.audit.services import append_access, raw_cursor
from custodian.circulation import services as circulation
from custodian.circulation.errors import CirculationError
from custodian.door import auditing
from custodian.door.errors import ActionFailed, ItemNotFound, Refused
from custodian.door.fields import OPEN_HOLDS, standing
from custodian.door.lines import Standing
from custodian.door.own import (
    OwnActionRefused,
    _act_own,
    _balance,
    _charges,
    _holds,
    _loans,
    _own_patron,
    _reason,
)
from custodian.door.own_lines import OwnCharge, OwnHold, OwnLoan
from custodian.door.readers import MACHINE_ROLE, Reader
from custodian.door.receipts import CheckOutReceipt, PaymentReceipt
from custodian.door.ruling import Ruling, age_on, ask, refusal, requested_fields
from custodian.door.services import ACTION_FIELDS, _item, _patron_and_item_for_check_out
from custodian.records.models import Branch, Hold, Loan, Patron
from custodian.records.selectors import patron_by_card


@dataclass(frozen=True, slots=True)
class Machine:
    """A signed-in SIP machine: its account name, purpose and branch."""

    name: str
    purpose: str
    branch_id: int

    def reader_for(self, patron_ref, *, pin_verified: bool) -> Reader:
        return Reader.at_machine(
            patron_ref,
            pin_verified=pin_verified,
            machine=self.name,
            purpose=self.purpose,
            branch_id=self.branch_id,
        )


# --- who is at the machine ----------------------------------------------------------------


def patron_ref_for_card(card_number: str) -> UUID | None:
    """The patron with this card (blind index; never SQL on the sealed column), or None."""
    typed = "".join((card_number or "").split())
    if not typed:
        return None
    found = patron_by_card(typed, Patron.objects.only("pk", "ref"))
    return found.ref if found is not None else None


def check_pin(*, machine: Machine, card_number: str, pin: str, now=None) -> str:
    """ "ok", "wrong" (also for an unknown card: the same answer and the same work),
    "card_locked" or "address_locked". Throttled as the portal's sign-in, under the address
    "sip:<account>". Writes no audit entry: the message that asked writes one."""
    from custodian.portal import services_signin as signin  # the portal imports the door

    result = signin.authenticate(
        card_number=card_number,
        pin=pin,
        address=f"sip:{machine.name}",
        now=now or timezone.now(),
        record_sign_in=False,
    )
    return {"signed_in": "ok", "refused": "wrong"}.get(result.outcome, result.outcome)


# --- reads --------------------------------------------------------------------------------

# Everything a kiosk's patron status and patron information answers may carry.
KIOSK_FIELDS: tuple[str, ...] = (
    "registration.status",
    "registration.name",
    "loans.count",
    "loans.due_dates",
    "loans.titles",
    "overdue.status",
    "overdue.count",
    "overdue.titles",
    "holds.count",
    "holds.titles",
    "charges.amount",
    "charges.details",
)


@dataclass(frozen=True, slots=True)
class KioskPatron:
    """What the machine may show of the patron at it. A part not released is None."""

    released: tuple[str, ...]
    name: str | None
    standing: Standing | None
    loans_count: int | None
    overdue_count: int | None
    holds_count: int | None
    loans: tuple[OwnLoan, ...] | None  # with titles and due dates
    holds: tuple[OwnHold, ...] | None  # with titles
    balance: Decimal | None
    charges: tuple[OwnCharge, ...] | None

    @property
    def overdue(self) -> tuple[OwnLoan, ...] | None:
        if self.loans is None or "overdue.titles" not in self.released:
            return None
        return tuple(line for line in self.loans if line.overdue)


def read_at_machine(*, reader: Reader, fields=KIOSK_FIELDS) -> KioskPatron:
    """One engine question, narrowed to the machine's purpose, and one audit entry. Never
    raises for a refusal: a part not released is None (the machine says so in words)."""
    fields = requested_fields(fields)
    today = timezone.localdate()
    with transaction.atomic():
        patron = _own_patron(reader)
        if patron is None:
            ruling = refusal(fields, "No patron account matches.")
        else:
            age = age_on(patron.birth_date, today)
            ruling = ask(reader=reader, purpose=None, fields=fields, age=age)
        auditing.record(
            reader=reader,
            purpose=None,
            patron_ref=patron.ref if patron is not None else None,
            ruling=ruling,
        )
        got = set(ruling.released)
        if not got:
            return KioskPatron((), None, None, None, None, None, None, None, None, None)
        return _what_is_shown(patron, got, ruling.released, today)


def _what_is_shown(patron: Patron, got: set, released, today: date) -> KioskPatron:
    all_loans = (
        _loans(patron, today, lost_known="lost.titles" in got)
        if got & {"loans.count", "loans.titles", "overdue.count", "overdue.titles"}
        else ()
    )
    open_holds = Hold.objects.filter(patron=patron, status__in=OPEN_HOLDS)
    charges = _charges(patron) if got & {"charges.amount", "charges.details"} else ()
    return KioskPatron(
        released=tuple(released),
        name=f"{patron.first_name} {patron.last_name}" if "registration.name" in got else None,
        standing=standing(patron=patron, today=today) if "registration.status" in got else None,
        loans_count=len(all_loans) if "loans.count" in got else None,
        overdue_count=(
            sum(1 for line in all_loans if line.overdue) if "overdue.count" in got else None
        ),
        holds_count=open_holds.count() if "holds.count" in got else None,
        loans=all_loans if {"loans.titles", "loans.due_dates"} <= got else None,
        holds=_holds(patron) if "holds.titles" in got else None,
        balance=_balance(charges, patron) if "charges.amount" in got else None,
        charges=charges if "charges.details" in got else None,
    )


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """An item as the catalogue knows it: nothing about who has it."""

    barcode: str
    title: str
    status: str  # Item.Status code
    due_on: date | None
    hold_waiting: bool


def item_facts(*, item_barcode: str) -> ItemFacts:
    item = _item(item_barcode)
    loan = Loan.objects.filter(item=item).only("due_on").first()
    waiting = Hold.objects.filter(item=item, status__in=OPEN_HOLDS).exists()
    return ItemFacts(
        barcode=item.barcode,
        title=item.title,
        status=item.status,
        due_on=loan.due_on if loan else None,
        hold_waiting=waiting,
    )


# --- the patron's own acts at the machine -------------------------------------------------


def check_out_at_machine(*, reader: Reader, item_barcode: str, now=None) -> CheckOutReceipt:
    """The patron checks an item out at the kiosk, counted at the machine's branch.

    The door's fast path (`services.check_out`: patron and item in one query, the driver's
    cursor), asked as the patron at the machine rather than as staff: a kiosk's check-out
    must cost about what the desk's does (benchmarks/bench_sip2.py)."""
    if reader.kind != "patron" or reader.machine is None:
        raise ValueError("check_out_at_machine is for the patron at a SIP machine")
    fields = ACTION_FIELDS["check_out"]
    refused: Ruling | None = None
    with raw_cursor(connection) as cursor:
        try:
            with transaction.atomic():
                patron, item = _patron_and_item_for_check_out(
                    cursor, reader.patron_ref, item_barcode
                )
                age = age_on(patron.birth_date, timezone.localdate())
                ruling = ask(reader=reader, purpose=None, fields=fields, age=age)
                auditing.record(
                    reader=reader,
                    purpose=None,
                    patron_ref=reader.patron_ref,
                    ruling=ruling,
                    action="check_out",
                )
                if ruling.complete:
                    loan = circulation.check_out_fresh(
                        patron=patron,
                        item=item,
                        branch_id=reader.branch_id,
                        now=now,
                        cursor=cursor,
                    )
                else:
                    refused = ruling
        except CirculationError as error:
            # Rolled back, audit entry included: nothing happened.
            raise OwnActionRefused(_reason(error), error.message) from None
    if refused is not None:
        raise Refused(refused)
    return CheckOutReceipt(barcode=item.barcode, title=item.title, due_on=loan.due_on)


@dataclass(frozen=True, slots=True)
class RenewAllReceipt:
    renewed: tuple[str, ...]  # barcodes
    unrenewed: tuple[str, ...]


def renew_all_at_machine(*, reader: Reader, now=None) -> RenewAllReceipt:
    """Renew every loan the patron has; one audit entry for the message. A loan a rule
    refuses (limit reached, wanted by someone else) stays as it was, the others renew."""

    def locate(patron):
        return {"loans": list(Loan.objects.filter(patron=patron).select_related("item"))}

    def perform(*, patron, loans):
        renewed, unrenewed = [], []
        for loan in loans:
            try:
                with transaction.atomic():
                    circulation.renew(loan=loan, now=now)
                renewed.append(loan.item.barcode)
            except CirculationError:
                unrenewed.append(loan.item.barcode)
        return RenewAllReceipt(renewed=tuple(renewed), unrenewed=tuple(unrenewed))

    return _act_own(reader=reader, action="renew", locate=locate, perform=perform)


def pay_at_machine(*, reader: Reader, amount: str, method: str, now=None) -> PaymentReceipt:
    """The patron pays at the kiosk (the machine took the money: cash or card)."""
    try:
        money = Decimal(str(amount).strip())
    except InvalidOperation:
        raise ActionFailed("The amount is not a number.") from None
    if not money.is_finite() or money <= 0:
        raise ActionFailed("The amount must be more than nothing.")

    def locate(patron):
        return {}

    def perform(*, patron):
        receipt = circulation.pay(patron=patron, amount=money, method=method, now=now)
        return PaymentReceipt(amount=receipt.amount, balance=receipt.balance)

    return _act_own(reader=reader, action="pay", locate=locate, perform=perform)


# --- the machine's own act ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MachineCheckIn:
    barcode: str
    title: str
    home_branch_code: str  # where the item belongs (SIP's permanent location)
    to_hold_shelf: bool
    transit_to: str | None  # the branch code to send it to for a hold, if not here
    # It had been marked lost: staff should see it (a replacement charge was reversed,
    # perhaps money to refund), so the machine sets it aside.
    was_lost: bool = False


def check_in_at_machine(*, machine: Machine, item_barcode: str, now=None) -> MachineCheckIn:
    """The machine checks an item in: no patron is asked about and nothing of theirs shown.
    The entry names whose loan it ended (ref only); the check-in severs the link unless
    they keep their history, as at the desk."""
    try:
        with transaction.atomic():
            item = _item(item_barcode)
            home = Branch.objects.only("code").get(pk=item.branch_id).code
            loan = (
                Loan.objects.filter(item=item)
                .select_related("patron")
                .only("id", "patron__ref")
                .first()
            )
            if loan is not None:
                append_access(
                    actor=f"sip:{machine.name}",
                    role=MACHINE_ROLE,
                    purpose="library_business",
                    patron_ref=str(loan.patron.ref),
                    fields=[],
                    outcome="applied",
                    clauses=[],
                    action="check_in",
                )
            result = circulation.check_in(item=item, branch=Branch(pk=machine.branch_id), now=now)
    except CirculationError as error:
        raise ActionFailed(error.message) from None
    return MachineCheckIn(
        barcode=item.barcode,
        title=item.title,
        home_branch_code=home,
        to_hold_shelf=result.hold is not None,
        transit_to=result.transit_to.code if result.transit_to is not None else None,
        was_lost=result.found is not None,
    )


__all__ = [
    "ItemFacts",
    "ItemNotFound",
    "KioskPatron",
    "Machine",
    "MachineCheckIn",
    "RenewAllReceipt",
    "check_in_at_machine",
    "check_out_at_machine",
    "check_pin",
    "item_facts",
    "pay_at_machine",
    "patron_ref_for_card",
    "read_at_machine",
    "renew_all_at_machine",
]
