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
    # Marked lost; None when the reader was not told which loans are lost.
    lost: bool | None = None


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


@dataclass(frozen=True, slots=True)
class Standing:
    """Whether the card may be used, released with `registration.status`: the status the
    desk acts on (an active card past its expiry day is "expired"), the day a card was
    reported lost or stolen or the account blocked (None when not recorded), and the day
    the card expires."""

    status: str
    since: date | None
    expires_on: date

    @property
    def usable(self) -> bool:
        return self.status == "active"


class ReadingHistory(tuple):
    """`history.titles`: past loans, newest first, and whether the patron asked the library
    to keep them at all (`kept`). Empty and not kept means none is kept, not none returned."""

    kept: bool

    def __new__(cls, lines=(), *, kept: bool) -> "ReadingHistory":
        history = super().__new__(cls, lines)
        history.kept = kept
        return history

    def __getnewargs_ex__(self):
        # So copies and pickles keep `kept` (a tuple subclass is rebuilt through __new__).
        return (tuple(self),), {"kept": self.kept}
