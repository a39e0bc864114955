"""What a staff action hands back to the desk: plain values, never model instances."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


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
