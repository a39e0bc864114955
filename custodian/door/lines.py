"""The plain, immutable rows a patron view is made of. No model instance leaves the door."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class LoanLine:
    """One current loan, holding only what was released: a due date, a title, or both."""

    due_on: date | None = None
    title: str | None = None
    overdue: bool | None = None


@dataclass(frozen=True, slots=True)
class HoldLine:
    title: str
    status: str
    ready: bool
    ready_until: date | None


@dataclass(frozen=True, slots=True)
class ChargeLine:
    what: str
    title: str | None
    amount: Decimal
    outstanding: Decimal
    assessed_on: date


@dataclass(frozen=True, slots=True)
class PaymentLine:
    amount: Decimal
    method: str
    paid_on: date


@dataclass(frozen=True, slots=True)
class PastLoanLine:
    title: str
    returned_on: date


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """A row of the other service records (programs, computers, rooms, reference, ILL,
    searches, camera footage): when, what, and a short detail."""

    when: datetime
    what: str
    detail: str = ""
