"""Marking a patron's loan lost at the desk: what would happen (a read, audited as one), and
doing it (an action, audited as "mark_lost"). See custodian.circulation.lost for the rules.

The desk names a loan by its line on the account page (loans in due-date order, as the page
lists them): a line number, not a barcode or title, is what goes into the URL. The
confirmation then posts the item's barcode, as the other desk forms do.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from custodian.circulation import services as circulation
from custodian.circulation.selectors import current_loans
from custodian.door import auditing
from custodian.door.errors import ActionFailed, Refused
from custodian.door.readers import Reader
from custodian.door.ruling import age_on, ask, refusal
from custodian.door.services import PURPOSE, _act, _patron, patrons_loan
from custodian.records.models import Item

PREVIEW_FIELDS = ("loans.titles", "loans.due_dates", "charges.amount")


@dataclass(frozen=True, slots=True)
class LostPreview:
    line: int
    barcode: str
    title: str
    due_on: date
    # The replacement charge marking it lost would add (None: no charge).
    charge: Decimal | None


@dataclass(frozen=True, slots=True)
class LostReceipt:
    barcode: str
    title: str
    charge: Decimal | None


def lost_preview(*, reader: Reader, patron_ref, line: int) -> LostPreview:
    """The loan on line `line` (1-based) of the account page, and what marking it lost would
    do. Raises PatronNotFound, Refused, or ActionFailed when there is no such line."""
    refused = None
    with transaction.atomic():
        patron = _patron(patron_ref)
        if reader.kind != "staff":
            ruling = refusal(PREVIEW_FIELDS, "Only staff act on a patron's record at the desk.")
        else:
            age = age_on(patron.birth_date, timezone.localdate())
            ruling = ask(reader=reader, purpose=PURPOSE, fields=PREVIEW_FIELDS, age=age)
        auditing.record(
            reader=reader, purpose=PURPOSE, patron_ref=patron.ref, ruling=ruling, action="read"
        )
        if not ruling.complete:
            refused = ruling
        else:
            loans = current_loans(patron=patron)
            if not 1 <= line <= len(loans):
                raise ActionFailed("That loan is no longer on this account.")
            loan = loans[line - 1]
            if loan.item.status == Item.Status.LOST:
                raise ActionFailed("This item is already marked lost.")
            preview = LostPreview(
                line=line,
                barcode=loan.item.barcode,
                title=loan.item.title,
                due_on=loan.due_on,
                charge=circulation.replacement_charge(item=loan.item),
            )
    if refused is not None:
        raise Refused(refused)
    return preview


def mark_lost(*, reader: Reader, patron_ref, item_barcode: str, now=None) -> LostReceipt:
    """Mark the item this patron has out lost (custodian.circulation.lost), with one audit
    entry. Raises ActionFailed when the patron does not have that item out."""

    def locate():
        return patrons_loan(patron_ref, item_barcode)

    def perform(*, patron, item, loan):
        result = circulation.mark_lost(loan=loan, now=now)
        return LostReceipt(
            barcode=item.barcode,
            title=item.title,
            charge=result.charge.amount if result.charge is not None else None,
        )

    return _act(reader=reader, action="mark_lost", locate=locate, perform=perform)
