"""What a staff action hands back to the desk: plain values, never model instances."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID


@dataclass(frozen=True, slots=True)
class CheckOutReceipt:
    barcode: str
    title: str
    due_on: date


@dataclass(frozen=True, slots=True)
class CheckInReceipt:
    barcode: str
    title: str
    # Set when the returned item goes to the hold shelf for someone waiting.
    to_hold_shelf: bool = False
    # Set when the item had been marked lost (custodian.circulation.lost.found). No amounts:
    # a check-in is not asked about the borrower's charges.
    was_lost: bool = False
    # Something was still owed for its replacement, and is now waived.
    replacement_waived: bool = False
    # The borrower had paid toward the replacement: whose account to open for the refund
    # (the opaque ref; the account page is read through the door like any other).
    refund_on: UUID | None = None


@dataclass(frozen=True, slots=True)
class RenewalReceipt:
    barcode: str
    title: str
    due_on: date
    renewals: int


@dataclass(frozen=True, slots=True)
class HoldReceipt:
    barcode: str
    title: str
    status: str


@dataclass(frozen=True, slots=True)
class PaymentReceipt:
    amount: Decimal
    balance: Decimal
