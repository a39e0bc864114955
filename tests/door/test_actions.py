"""Staff actions through the door: asked, audited with the action's name, then performed."""

import pytest

from custodian import door
from custodian.records.models import CirculationCount, Item, Loan, PastLoan
from tests.door import library
from tests.door.audit_helpers import as_text, entries


def test_check_out_lends_the_item_and_audits_the_action(clerk, rosalind):
    before = len(entries())
    receipt = door.check_out(
        reader=door.Reader.staff(clerk), patron_ref=rosalind.ref, item_barcode="3900000000004"
    )

    assert receipt.title == "On The Shelf"
    loan = Loan.objects.get(item__barcode="3900000000004")
    assert loan.patron_id == rosalind.pk
    assert loan.due_on == receipt.due_on
    [entry] = entries()[before:]
    assert entry.action == "check_out"
    assert entry.outcome == "release"
    assert str(entry.patron_ref) == str(rosalind.ref)
    assert rosalind.card_number not in as_text(entry)


def test_check_in_severs_the_link_and_audits_the_action(clerk, rosalind):
    before = len(entries())
    receipt = door.check_in(reader=door.Reader.staff(clerk), item_barcode="3900000000002")

    assert receipt.title == "A Current Novel"
    assert not Loan.objects.filter(item__barcode="3900000000002").exists()
    # Rosalind did not opt in to reading history: nothing ties her to the item any more.
    assert not PastLoan.objects.filter(patron=rosalind).exists()
    assert CirculationCount.objects.filter(item__barcode="3900000000002").exists()
    [entry] = entries()[before:]
    assert entry.action == "check_in"
    assert str(entry.patron_ref) == str(rosalind.ref)


def test_a_role_without_need_to_know_cannot_check_out_and_the_try_is_audited(it_admin, rosalind):
    before = len(entries())
    with pytest.raises(door.Refused):
        door.check_out(
            reader=door.Reader.staff(it_admin),
            patron_ref=rosalind.ref,
            item_barcode="3900000000004",
        )

    assert Item.objects.get(barcode="3900000000004").status == Item.Status.AVAILABLE
    [entry] = entries()[before:]
    assert entry.action == "check_out"
    assert entry.outcome in ("deny", "refer")


def test_a_circulation_refusal_leaves_neither_change_nor_entry(clerk, rosalind):
    before = len(entries())
    with pytest.raises(door.ActionFailed, match="already checked out"):
        door.check_out(
            reader=door.Reader.staff(clerk),
            patron_ref=rosalind.ref,
            item_barcode="3900000000002",
        )
    assert len(entries()) == before


def test_unknown_barcode_and_ref(clerk, rosalind):
    with pytest.raises(door.ItemNotFound):
        door.check_in(reader=door.Reader.staff(clerk), item_barcode="nope")
    with pytest.raises(door.PatronNotFound):
        door.check_out(
            reader=door.Reader.staff(clerk),
            patron_ref="00000000-0000-0000-0000-000000000000",
            item_barcode="3900000000004",
        )


def test_renew_hold_and_pay_go_through_the_door(clerk, rosalind, main_branch):
    reader = door.Reader.staff(clerk)
    before = len(entries())

    renewal = door.renew(reader=reader, patron_ref=rosalind.ref, item_barcode="3900000000002")
    assert renewal.renewals == 1

    library.item("3900000000009", "Reserved Reading", at=main_branch)
    hold = door.place_hold(reader=reader, patron_ref=rosalind.ref, item_barcode="3900000000009")
    assert hold.title == "Reserved Reading"
    cancelled = door.cancel_hold(
        reader=reader, patron_ref=rosalind.ref, item_barcode="3900000000009"
    )
    assert cancelled.status == "Cancelled"

    paid = door.pay(reader=reader, patron_ref=rosalind.ref, amount="1.50", method="cash")
    assert paid.balance == 0

    assert [e.action for e in entries()[before:]] == ["renew", "place_hold", "cancel_hold", "pay"]


def test_a_patron_reader_cannot_act_at_the_desk(rosalind):
    with pytest.raises(door.Refused):
        door.check_out(
            reader=door.Reader.patron(rosalind.ref),
            patron_ref=rosalind.ref,
            item_barcode="3900000000004",
        )
