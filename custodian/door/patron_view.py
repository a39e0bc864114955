"""What the door hands back: immutable, holding only the released fields."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from uuid import UUID

from custodian.door.fields import STATUS_LABELS
from custodian.door.lines import (
    ChargeLine,
    HoldLine,
    LoanLine,
    PaymentLine,
    ReadingHistory,
    Standing,
)
from custodian.door.ruling import Citation, Ruling


@dataclass(frozen=True, slots=True)
class PatronHandle:
    """A found patron: the opaque ref to use from here on, and the registration status."""

    ref: UUID
    status: str
    status_label: str


@dataclass(frozen=True, slots=True)
class PatronView:
    patron_ref: UUID
    outcome: str
    requested: tuple[str, ...]
    released: tuple[str, ...]
    refer_to: str | None
    citations: tuple[Citation, ...]
    explanation: str
    values: Mapping[str, Any]
    today: date
    # Released with `registration.status` only: may the card be used, and since when.
    standing: Standing | None = None

    @classmethod
    def build(
        cls,
        *,
        patron_ref: UUID,
        ruling: Ruling,
        values: dict,
        today: date,
        standing: Standing | None = None,
    ) -> "PatronView":
        return cls(
            patron_ref=patron_ref,
            outcome=ruling.outcome,
            requested=ruling.requested,
            released=ruling.released,
            refer_to=ruling.refer_to,
            citations=ruling.citations,
            explanation=ruling.explanation,
            values=MappingProxyType(dict(values)),
            today=today,
            standing=standing if "registration.status" in ruling.released else None,
        )

    def __contains__(self, field: str) -> bool:
        return field in self.values

    def __getitem__(self, field: str) -> Any:
        """The rendered value of a released field; KeyError for anything else."""
        return self.values[field]

    def get(self, field: str, default: Any = None) -> Any:
        return self.values.get(field, default)

    @property
    def withheld(self) -> tuple[str, ...]:
        return tuple(f for f in self.requested if f not in self.released)

    # The names templates use (a template cannot say view["loans.titles"]).

    @property
    def name(self) -> str | None:
        return self.get("registration.name")

    @property
    def status(self) -> str | None:
        return self.get("registration.status")

    @property
    def status_label(self) -> str | None:
        code = self.status
        return None if code is None else STATUS_LABELS.get(code, code)

    @property
    def loans(self) -> tuple[LoanLine, ...] | None:
        """Current loans as rows of whatever was released (due date, title, or both);
        None when neither due dates nor titles were."""
        dues = self.get("loans.due_dates")
        titles = self.get("loans.titles")
        if dues is None and titles is None:
            return None
        count = len(dues if dues is not None else titles)
        # Lost loans come last (circulation.selectors.current_loans): the last
        # len(lost.titles) lines are the lost ones.
        lost = self.get("lost.titles")
        first_lost = None if lost is None else count - len(lost)
        rows = []
        for i in range(count):
            is_lost = None if first_lost is None else i >= first_lost
            rows.append(
                LoanLine(
                    due_on=dues[i] if dues is not None else None,
                    title=titles[i] if titles is not None else None,
                    overdue=(dues[i] < self.today and not is_lost) if dues is not None else None,
                    lost=is_lost,
                )
            )
        return tuple(rows)

    @property
    def loan_count(self) -> int | None:
        if "loans.count" in self.values:
            return self.values["loans.count"]
        rows = self.loans
        return None if rows is None else len(rows)

    @property
    def holds(self) -> tuple[HoldLine, ...] | None:
        return self.get("holds.titles")

    @property
    def hold_count(self) -> int | None:
        if "holds.count" in self.values:
            return self.values["holds.count"]
        rows = self.holds
        return None if rows is None else len(rows)

    @property
    def balance(self) -> Decimal | None:
        return self.get("charges.amount")

    @property
    def charges(self) -> tuple[ChargeLine, ...] | None:
        return self.get("charges.details")

    @property
    def history(self) -> ReadingHistory | None:
        """Past loans (`.kept`: whether the patron keeps a history); None when not released."""
        return self.get("history.titles")

    @property
    def payments(self) -> tuple[PaymentLine, ...] | None:
        return self.get("payments.records")
