"""The rows the patron's own reads hand back (custodian/door/own.py): plain, immutable,
codes rather than words (the portal says them in the patron's language)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from custodian.door.lines import Standing


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


@dataclass(frozen=True, slots=True)
class OwnLoan:
    barcode: str
    title: str
    due_on: date
    overdue: bool
    renewals: int
    # Marked lost at the desk: charged for, not renewable, not overdue.
    lost: bool = False


@dataclass(frozen=True, slots=True)
class OwnHold:
    barcode: str
    title: str
    status: str  # Hold.Status code: "waiting" or "ready"
    ready_until: date | None
    pickup: str  # the pickup branch's name
    placed_at: datetime


@dataclass(frozen=True, slots=True)
class OwnCharge:
    kind: str  # Charge.Kind code
    title: str | None
    amount: Decimal
    outstanding: Decimal
    assessed_at: datetime

    # In cents, for the `dollars` filter.
    @property
    def amount_cents(self) -> int:
        return _cents(self.amount)

    @property
    def outstanding_cents(self) -> int:
        return _cents(self.outstanding)


@dataclass(frozen=True, slots=True)
class OwnPayment:
    amount: Decimal
    method: str  # Payment.Method code
    paid_at: datetime

    @property
    def amount_cents(self) -> int:
        return _cents(self.amount)


@dataclass(frozen=True, slots=True)
class OwnProgram:
    title: str
    starts_at: datetime
    branch: str
    attended: bool | None


@dataclass(frozen=True, slots=True)
class OwnRoomBooking:
    room: str
    branch: str
    starts_at: datetime
    ends_at: datetime
    attendees: int


@dataclass(frozen=True, slots=True)
class OwnComputerSession:
    workstation: str
    branch: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class OwnIllRequest:
    title: str
    requested_at: datetime
    status: str  # InterlibraryLoanRequest.Status code


@dataclass(frozen=True, slots=True)
class OwnAccount:
    """What the patron may see of their account. A category the engine did not release is
    None (not an empty tuple): the screen says it is not shown, never that there is none."""

    released: tuple[str, ...]
    today: date
    standing: Standing | None
    loans: tuple[OwnLoan, ...] | None
    holds: tuple[OwnHold, ...] | None
    balance: Decimal | None
    charges: tuple[OwnCharge, ...] | None
    payments: tuple[OwnPayment, ...] | None
    programs: tuple[OwnProgram, ...] | None
    rooms: tuple[OwnRoomBooking, ...] | None
    computers: tuple[OwnComputerSession, ...] | None
    ill: tuple[OwnIllRequest, ...] | None

    @property
    def balance_cents(self) -> int | None:
        return None if self.balance is None else _cents(self.balance)


@dataclass(frozen=True, slots=True)
class OwnPastLoan:
    title: str
    checked_out_at: datetime
    returned_at: datetime


@dataclass(frozen=True, slots=True)
class OwnHistoryPage:
    """One page of the patron's kept reading history, newest return first."""

    released: bool
    kept: bool
    changed_at: datetime | None
    total: int
    page: int
    per_page: int
    lines: tuple[OwnPastLoan, ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
