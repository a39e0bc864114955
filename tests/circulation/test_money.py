"""Charges and payments: exact money, no overpayment, balance = charges - payments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodian.circulation.errors import (
    ChargeNotForPatron,
    InvalidAmount,
    InvalidRecord,
    Overpayment,
)
from custodian.circulation.services import assess_charge, balance, check_in, check_out, pay
from custodian.records.models import Charge, Payment
from tests.circulation.desk import assert_desk_safe
from tests.records.factories import NOW, make_branch, make_item, make_patron

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
D = Decimal


def test_a_new_patron_owes_nothing():
    assert balance(patron=make_patron()) == D("0.00")


def test_charges_add_up():
    patron, item = make_patron(), make_item()
    charge = assess_charge(patron=patron, kind="damaged", amount="4.50", item=item, note="spine")
    assess_charge(patron=patron, kind="card", amount=D("1.00"), now=NOW)
    assert charge.amount == D("4.50") and charge.item == item and charge.note == "spine"
    assert balance(patron=patron) == D("5.50")


@pytest.mark.parametrize("amount", [0, "0.00", "-1", "1.005", 1.5, "abc", None, "NaN", "1e9"])
def test_amounts_must_be_positive_dollars_and_cents(amount):
    with pytest.raises(InvalidAmount):
        assess_charge(patron=make_patron(), kind="other", amount=amount)


def test_integers_are_whole_dollars():
    assert assess_charge(patron=make_patron(), kind="other", amount=3).amount == D("3.00")


def test_charge_kind_must_be_known():
    with pytest.raises(InvalidRecord):
        assess_charge(patron=make_patron(), kind="parking", amount="1.00")


def test_payment_reduces_the_balance():
    patron = make_patron()
    assess_charge(patron=patron, kind="other", amount="5.00")
    receipt = pay(patron=patron, amount="2.00", method="cash", now=NOW)
    assert receipt.amount == D("2.00") and receipt.balance == D("3.00")
    assert balance(patron=patron) == D("3.00")


def test_paying_more_than_is_owed_is_refused():
    patron = make_patron()
    assess_charge(patron=patron, kind="other", amount="5.00")
    with pytest.raises(Overpayment) as caught:
        pay(patron=patron, amount="5.01", method="cash")
    assert "$5.00" in str(caught.value)
    assert_desk_safe(caught.value, patron)
    assert not Payment.objects.exists()


def test_nothing_owed_nothing_taken():
    with pytest.raises(Overpayment):
        pay(patron=make_patron(), amount="0.01", method="card")


def test_payment_method_must_be_known():
    patron = make_patron()
    assess_charge(patron=patron, kind="other", amount="5.00")
    with pytest.raises(InvalidRecord):
        pay(patron=patron, amount="1.00", method="iou")


def test_payments_settle_the_oldest_charges_first():
    patron = make_patron()
    old = assess_charge(patron=patron, kind="other", amount="3.00", now=NOW)
    new = assess_charge(patron=patron, kind="other", amount="4.00", now=NOW + DAY)

    receipt = pay(patron=patron, amount="5.00", method="cash", now=NOW + 2 * DAY)

    assert [(p.charge_id, p.amount) for p in receipt.payments] == [
        (old.pk, D("3.00")),
        (new.pk, D("2.00")),
    ]
    assert receipt.balance == D("2.00")


def test_a_payment_against_one_charge():
    patron = make_patron()
    assess_charge(patron=patron, kind="other", amount="3.00", now=NOW)
    newer = assess_charge(patron=patron, kind="other", amount="4.00", now=NOW + DAY)

    receipt = pay(patron=patron, amount="4.00", method="card", charge=newer)

    assert [p.charge_id for p in receipt.payments] == [newer.pk]
    with pytest.raises(Overpayment):
        pay(patron=patron, amount="0.01", method="card", charge=newer)


def test_a_payment_cannot_go_to_another_patrons_charge():
    patron, other = make_patron(), make_patron()
    assess_charge(patron=patron, kind="other", amount="3.00")
    theirs = assess_charge(patron=other, kind="other", amount="3.00")
    with pytest.raises(ChargeNotForPatron) as caught:
        pay(patron=patron, amount="1.00", method="cash", charge=theirs)
    assert_desk_safe(caught.value, patron, other)


def test_a_waiver_counts_as_settling():
    patron = make_patron()
    assess_charge(patron=patron, kind="other", amount="3.00")
    pay(patron=patron, amount="3.00", method="waived")
    assert balance(patron=patron) == D("0.00")


def _overdue_fine(patron, branch):
    item = make_item()
    check_out(patron=patron, item=item, branch=branch, now=NOW, loan_days=1)
    return item, check_in(item=item, branch=branch, now=NOW + 9 * DAY).charge


def test_a_settled_overdue_fine_no_longer_names_the_item():
    patron, branch = make_patron(), make_branch()
    item, fine = _overdue_fine(patron, branch)
    assert fine.amount == D("2.00") and fine.item == item

    pay(patron=patron, amount="1.00", method="cash")
    fine.refresh_from_db()
    assert fine.item == item  # still owed: still says what for

    pay(patron=patron, amount="1.00", method="cash")
    fine.refresh_from_db()
    assert fine.item is None and fine.amount == D("2.00")
    assert not Charge.objects.filter(patron=patron, item=item).exists()


def test_a_fine_settled_directly_or_by_waiver_also_drops_the_item():
    patron, branch = make_patron(), make_branch()
    _, fine = _overdue_fine(patron, branch)
    pay(patron=patron, amount=fine.amount, method="waived", charge=fine)
    fine.refresh_from_db()
    assert fine.item is None


def test_a_settled_lost_item_charge_keeps_the_item_for_refunds():
    patron, item = make_patron(), make_item()
    charge = assess_charge(patron=patron, kind="lost", amount="25.00", item=item)
    pay(patron=patron, amount="25.00", method="card")
    charge.refresh_from_db()
    assert charge.item == item


def test_older_unattributed_payments_still_count():
    """Payments written without a charge (imported, or by the generator) still reduce what
    is owed, and a later payment can take the rest."""
    patron = make_patron()
    assess_charge(patron=patron, kind="other", amount="5.00")
    Payment.objects.create(patron=patron, amount=D("2.00"), method="cash", paid_at=NOW)
    with pytest.raises(Overpayment):
        pay(patron=patron, amount="3.01", method="cash")
    receipt = pay(patron=patron, amount="3.00", method="cash")
    assert receipt.balance == D("0.00")


# --- the money property ----------------------------------------------------------------

cents = st.integers(min_value=1, max_value=5_000_00).map(lambda c: D(c) / 100)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("charge"), cents),
        st.tuples(st.just("pay"), cents),
        st.tuples(st.just("pay_all"), st.sampled_from(["cash", "card", "waived"])),
        st.tuples(st.just("pay_charge"), cents),
    ),
    max_size=12,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_balance_is_charges_minus_payments_and_never_negative(ops):
    with transaction.atomic():
        patron = make_patron()
        charged = paid = D("0.00")
        for op, value in ops:
            owed = balance(patron=patron)
            if op == "charge":
                assess_charge(patron=patron, kind="other", amount=value)
                charged += value
            elif op == "pay":
                if value > owed:
                    with pytest.raises(Overpayment):
                        pay(patron=patron, amount=value, method="cash")
                else:
                    receipt = pay(patron=patron, amount=value, method="cash")
                    assert receipt.amount == value
                    paid += value
            elif op == "pay_all":
                if owed > 0:
                    assert pay(patron=patron, amount=owed, method=value).balance == 0
                    paid += owed
            elif op == "pay_charge":
                charge = Charge.objects.filter(patron=patron).order_by("-pk").first()
                if charge is None:
                    continue
                paid_on_it = sum(p.amount for p in charge.payments.all())
                left = charge.amount - paid_on_it
                if value > left or value > owed:
                    with pytest.raises(Overpayment):
                        pay(patron=patron, amount=value, method="card", charge=charge)
                else:
                    pay(patron=patron, amount=value, method="card", charge=charge)
                    paid += value

            now_owed = balance(patron=patron)
            assert now_owed >= 0
            assert now_owed == charged - paid
            assert now_owed == sum(c.amount for c in patron.charges.all()) - sum(
                p.amount for p in patron.payments.all()
            )
            # Payments made against a charge never exceed it.
            for charge in patron.charges.all():
                assert sum(p.amount for p in charge.payments.all()) <= charge.amount
        transaction.set_rollback(True)
