"""Charges and payments. Money is Decimal dollars and cents throughout, never float."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from custodian.circulation._common import CENT, lock, resolve_now, to_money
from custodian.circulation.errors import ChargeNotForPatron, InvalidRecord, Overpayment
from custodian.circulation.selectors import balance, charge_outstanding, open_charges
from custodian.records.models import Charge, Item, Patron, Payment


@dataclass(frozen=True)
class PaymentReceipt:
    # One Payment per charge the money went to, oldest charge first.
    payments: tuple[Payment, ...]
    # What the patron still owes afterwards.
    balance: Decimal

    @property
    def amount(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))


def assess_charge(
    *,
    patron: Patron,
    kind: str,
    amount,
    item: Item | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Charge:
    if kind not in Charge.Kind.values:
        raise InvalidRecord("Choose what the charge is for.")
    if len(note) > Charge._meta.get_field("note").max_length:
        raise InvalidRecord("The note is too long.")
    return Charge.objects.create(
        patron=patron,
        kind=kind,
        amount=to_money(amount),
        item=item,
        assessed_at=resolve_now(now),
        note=note,
    )


def _settle(charges: list[Charge]) -> None:
    """A settled overdue fine no longer needs to say which item was late: drop the link.

    Lost and damaged charges keep the item, because the library refunds or reverses them
    when the item comes back or the damage is disputed.
    """
    ids = [c.pk for c in charges if c.kind == Charge.Kind.OVERDUE]
    if ids:
        Charge.objects.filter(pk__in=ids).update(item=None)


def pay(
    *,
    patron: Patron,
    amount,
    method: str,
    charge: Charge | None = None,
    now: dt.datetime | None = None,
) -> PaymentReceipt:
    """Take a payment (or a staff waiver, method "waived").

    Against one charge when given, otherwise spread over open charges oldest first. Never
    more than the patron owes: the library does not hold credit balances.
    """
    if method not in Payment.Method.values:
        raise InvalidRecord("Choose how the payment was made.")
    money = to_money(amount)
    now = resolve_now(now)
    with transaction.atomic():
        # Serialise payments per patron so two desks cannot both take the last dollar owed.
        lock(Patron, patron.pk)
        owed = balance(patron=patron)
        if money > owed:
            raise Overpayment(f"The payment is more than what is owed (${owed}).")
        if charge is not None:
            if charge.patron_id != patron.pk:
                raise ChargeNotForPatron()
            left = charge_outstanding(charge=charge)
            if money > left:
                raise Overpayment(
                    f"The payment is more than what is left on that charge (${left})."
                )
            payments = [_record(patron, charge, money, method, now)]
            if money == left:
                _settle([charge])
        else:
            payments, settled = _spread(patron, money, method, now)
            _settle(settled)
        return PaymentReceipt(payments=tuple(payments), balance=balance(patron=patron))


def _record(patron: Patron, charge: Charge | None, money: Decimal, method: str, now) -> Payment:
    return Payment.objects.create(
        patron=patron, charge=charge, amount=money, method=method, paid_at=now
    )


def _spread(patron: Patron, money: Decimal, method: str, now) -> tuple[list[Payment], list[Charge]]:
    payments, settled = [], []
    remaining = money
    for charge in open_charges(patron=patron):
        if remaining <= 0:
            break
        left = (charge.amount - charge.paid).quantize(CENT)
        if left <= 0:
            # Already covered (e.g. by an earlier payment that named it); nothing to apply.
            settled.append(charge)
            continue
        part = min(left, remaining)
        payments.append(_record(patron, charge, part, method, now))
        remaining -= part
        if part == left:
            settled.append(charge)
    if remaining > 0:
        # Only when older payments were taken without naming a charge: the balance allows
        # the money, but no single charge shows it open. Keep it unattributed.
        payments.append(_record(patron, None, remaining, method, now))
    return payments, settled
