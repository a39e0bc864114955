"""Staff actions on a patron's record. Each asks the engine for the fields the action
touches, writes one audit entry named after the action, then calls the circulation write
services, all in one transaction: a failed action leaves neither its change nor its entry.
"""

from collections.abc import Callable
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from custodian.audit.services import raw_cursor
from custodian.circulation import services as circulation
from custodian.circulation.errors import CirculationError
from custodian.door import auditing
from custodian.door.errors import ActionFailed, ItemNotFound, PatronNotFound, Refused
from custodian.door.readers import Reader
from custodian.door.receipts import (
    CheckInReceipt,
    CheckOutReceipt,
    HoldReceipt,
    PaymentReceipt,
    RenewalReceipt,
)
from custodian.door.ruling import Ruling, age_on, ask, refusal
from custodian.records.models import Branch, Hold, Item, Loan, Patron

PURPOSE = "library_business"

# The parts of the record each action reads or changes: what the engine is asked about.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "check_out": ("loans.titles", "loans.due_dates"),
    "check_in": ("loans.titles",),
    "renew": ("loans.titles", "loans.due_dates"),
    "place_hold": ("holds.titles",),
    "cancel_hold": ("holds.titles",),
    "pay": ("charges.amount", "payments.records"),
    "mark_lost": ("loans.titles", "charges.amount"),
}


def _ref(patron_ref) -> UUID:
    try:
        return UUID(str(patron_ref))
    except ValueError:
        raise PatronNotFound() from None


def _patron(patron_ref) -> Patron:
    try:
        return Patron.objects.get(ref=_ref(patron_ref))
    except Patron.DoesNotExist:
        raise PatronNotFound() from None


def _item(barcode: str) -> Item:
    try:
        return Item.objects.get(barcode=(barcode or "").strip())
    except Item.DoesNotExist:
        raise ItemNotFound() from None


# A check-out reads the patron and the item in one short parameterised query, only the
# columns its rules, audit entry and receipt use (building ORM queries cost more than
# running them). Each side is listed in its model's field order: `from_db` builds an
# instance with the other fields deferred. No patron: no row; no item: NULLs on its side.
_CHECK_OUT_PATRON = ("id", "birth_date", "status", "expires_on")
_CHECK_OUT_ITEM = ("id", "barcode", "title", "branch_id", "status")
_SELECT_PATRON_AND_ITEM = (
    "SELECT p.id, p.birth_date, p.status, p.expires_on,"
    " i.id, i.barcode, i.title, i.branch_id, i.status"
    " FROM records_patron p LEFT JOIN records_item i ON i.barcode = %s"
    " WHERE p.ref = %s"
)
_PATRON_REF = Patron._meta.get_field("ref")
_PATRON_BIRTH = Patron._meta.get_field("birth_date")


def _patron_and_item_for_check_out(cursor, patron_ref, barcode: str) -> tuple[Patron, Item]:
    ref = _ref(patron_ref)
    cursor.execute(
        _SELECT_PATRON_AND_ITEM,
        [(barcode or "").strip(), _PATRON_REF.get_db_prep_value(ref, cursor.db)],
    )
    row = cursor.fetchone()
    if row is None:
        raise PatronNotFound()
    if row[4] is None:
        raise ItemNotFound()
    # The birth date is sealed at rest: opened as the ORM would (docs/encryption.md).
    birth = _PATRON_BIRTH.from_db_value(row[1], None, cursor.db)
    patron = Patron.from_db(cursor.db.alias, _CHECK_OUT_PATRON, (row[0], birth, *row[2:4]))
    patron.ref = ref
    return patron, Item.from_db(cursor.db.alias, _CHECK_OUT_ITEM, row[4:])


def _branch_id(reader: Reader, item: Item) -> int:
    """Count the action at the clerk's own branch; staff with no branch act for the item's."""
    return reader.branch_id if reader.branch_id is not None else item.branch_id


def _branch(reader: Reader, item: Item) -> Branch:
    """`_branch_id` as a key-only instance: the write services use only the branch's key, so
    this saves a query (the foreign key still makes the database check it exists)."""
    return Branch(pk=_branch_id(reader, item))


def _ruling(*, reader: Reader, action: str, patron: Patron | None) -> Ruling:
    fields = ACTION_FIELDS[action]
    if reader.kind != "staff":
        return refusal(fields, "Only staff act on a patron's record at the desk.")
    age = age_on(patron.birth_date, timezone.localdate()) if patron is not None else None
    return ask(reader=reader, purpose=PURPOSE, fields=fields, age=age)


def _act[T](
    *,
    reader: Reader,
    action: str,
    locate: Callable[[], tuple[Patron | None, dict]],
    perform: Callable[..., T],
) -> T:
    refused: Ruling | None = None
    try:
        with transaction.atomic():
            patron, found = locate()
            ruling = _ruling(reader=reader, action=action, patron=patron)
            auditing.record(
                reader=reader,
                purpose=PURPOSE,
                patron_ref=patron.ref if patron is not None else None,
                ruling=ruling,
                action=action,
            )
            if ruling.complete:
                result = perform(patron=patron, **found)
            else:
                refused = ruling
    except CirculationError as error:
        # The whole transaction, audit entry included, has rolled back: nothing happened.
        raise ActionFailed(error.message) from None
    # Raised outside the transaction so that the refusal's audit entry stays.
    if refused is not None:
        raise Refused(refused)
    return result


def check_out(*, reader: Reader, patron_ref, item_barcode: str, now=None) -> CheckOutReceipt:
    def locate():
        patron, item = _patron_and_item_for_check_out(cursor, patron_ref, item_barcode)
        return patron, {"item": item}

    def perform(*, patron, item):
        # Read a moment ago in this transaction: circulation need not read them again.
        loan = circulation.check_out_fresh(
            patron=patron, item=item, branch_id=_branch_id(reader, item), now=now, cursor=cursor
        )
        return CheckOutReceipt(barcode=item.barcode, title=item.title, due_on=loan.due_on)

    # One cursor for the door's reads and the circulation writes (the audit opens its own):
    # the driver's, as the audit's, since Django's wrapper costs ~25 µs a statement.
    with raw_cursor(connection) as cursor:
        return _act(reader=reader, action="check_out", locate=locate, perform=perform)


def check_in(*, reader: Reader, item_barcode: str, now=None) -> CheckInReceipt:
    """Check an item in. The patron is whoever has it out (if anyone): the audit entry names
    their ref, and the check-in severs the loan's link to them unless they keep history."""

    def locate():
        item = _item(item_barcode)
        loan = Loan.objects.filter(item=item).select_related("patron").first()
        return (loan.patron if loan else None), {"item": item}

    def perform(*, patron, item):
        result = circulation.check_in(item=item, branch=_branch(reader, item), now=now)
        return CheckInReceipt(
            barcode=item.barcode,
            title=item.title,
            to_hold_shelf=result.hold is not None,
            was_lost=result.found is not None,
            replacement_waived=result.found is not None and result.found.waived > 0,
            refund_on=patron.ref if result.found is not None and result.found.paid > 0 else None,
        )

    return _act(reader=reader, action="check_in", locate=locate, perform=perform)


def patrons_loan(patron_ref, item_barcode: str):
    """`locate` for an act on one of a patron's loans: (patron, {"item", "loan"}); raises
    ActionFailed when the patron does not have that item out."""
    patron = _patron(patron_ref)
    item = _item(item_barcode)
    loan = Loan.objects.filter(item=item, patron=patron).first()
    if loan is None:
        raise ActionFailed("This patron does not have that item checked out.")
    return patron, {"item": item, "loan": loan}


def renew(*, reader: Reader, patron_ref, item_barcode: str, now=None) -> RenewalReceipt:
    def locate():
        return patrons_loan(patron_ref, item_barcode)

    def perform(*, patron, item, loan):
        loan = circulation.renew(loan=loan, now=now)
        return RenewalReceipt(
            barcode=item.barcode, title=item.title, due_on=loan.due_on, renewals=loan.renewals
        )

    return _act(reader=reader, action="renew", locate=locate, perform=perform)


def place_hold(*, reader: Reader, patron_ref, item_barcode: str, now=None) -> HoldReceipt:
    def locate():
        return _patron(patron_ref), {"item": _item(item_barcode)}

    def perform(*, patron, item):
        pickup = (
            Branch.objects.get(pk=reader.branch_id)
            if reader.branch_id is not None
            else patron.home_branch
        )
        hold = circulation.place_hold(patron=patron, item=item, pickup_branch=pickup, now=now)
        return HoldReceipt(
            barcode=item.barcode, title=item.title, status=Hold.Status(hold.status).label
        )

    return _act(reader=reader, action="place_hold", locate=locate, perform=perform)


def cancel_hold(*, reader: Reader, patron_ref, item_barcode: str, now=None) -> HoldReceipt:
    def locate():
        patron = _patron(patron_ref)
        item = _item(item_barcode)
        hold = Hold.objects.filter(
            patron=patron, item=item, status__in=(Hold.Status.WAITING, Hold.Status.READY)
        ).first()
        if hold is None:
            raise ActionFailed("This patron has no open hold on that item.")
        return patron, {"item": item, "hold": hold}

    def perform(*, patron, item, hold):
        hold = circulation.cancel_hold(hold=hold, now=now)
        return HoldReceipt(
            barcode=item.barcode, title=item.title, status=Hold.Status(hold.status).label
        )

    return _act(reader=reader, action="cancel_hold", locate=locate, perform=perform)


def pay(*, reader: Reader, patron_ref, amount, method: str, now=None) -> PaymentReceipt:
    """Take a payment (or a waiver, method "waived"), settling the oldest charges first."""

    def locate():
        return _patron(patron_ref), {}

    def perform(*, patron):
        receipt = circulation.pay(patron=patron, amount=amount, method=method, now=now)
        return PaymentReceipt(amount=receipt.amount, balance=receipt.balance)

    return _act(reader=reader, action="pay", locate=locate, perform=perform)


def record_denial(*, reader: Reader, patron_ref=None, attempted: str = "") -> None:
    """Audit a staff member turned away by role before anything was read.

    `attempted` (the screen's name) is for the caller's logs only; the entry itself says
    who, in which role, about which patron ref, and that it was denied.
    """
    try:
        ref = UUID(str(patron_ref)) if patron_ref is not None else None
    except ValueError:
        ref = None
    with transaction.atomic():
        auditing.record(
            reader=reader,
            purpose=PURPOSE,
            patron_ref=ref,
            ruling=Ruling(requested=(), released=(), outcome="deny"),
            action="denied",
        )
