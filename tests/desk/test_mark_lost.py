"""Marking a loan lost from the desk's account page: a confirmation that says what will
happen, then one audit entry, the item lost and the charge on the account."""

from decimal import Decimal

import pytest

from custodian.records.models import Charge, Item, Loan
from tests.door.audit_helpers import entries


def patron_url(patron):
    return f"/desk/patron/{patron.ref}/"


@pytest.fixture
def desk(client, clerk):
    client.force_login(clerk)
    return client


def _lines(patron):
    # The account page's order: due date, then id.
    return list(Loan.objects.filter(patron=patron).order_by("due_on", "id").select_related("item"))


def test_each_loan_has_a_mark_lost_link_naming_only_its_line(desk, rosalind):
    page = desk.get(patron_url(rosalind)).content.decode()
    for n in (1, 2):
        assert f'href="/desk/patron/{rosalind.ref}/lost/{n}/"' in page
    assert "/lost/3/" not in page


def test_the_confirmation_says_what_will_happen_and_changes_nothing(desk, rosalind):
    first = _lines(rosalind)[0]
    before = len(entries())

    response = desk.get(f"{patron_url(rosalind)}lost/1/")

    page = response.content.decode()
    assert response.status_code == 200
    assert first.item.title in page and first.item.barcode in page
    assert "$25.00" in page and "replacement cost" in page
    assert "stays on this account, marked lost, until it is found" in page
    assert Loan.objects.filter(pk=first.pk).exists()
    [entry] = entries()[before:]
    assert (entry.action, entry.outcome) == ("read", "release")


def test_confirming_marks_it_lost_with_one_audit_entry(desk, rosalind):
    first = _lines(rosalind)[0]
    before = len(entries())

    response = desk.post(
        f"{patron_url(rosalind)}lost/1/", {"barcode": first.item.barcode}, follow=True
    )

    assert response.redirect_chain[-1][0] == patron_url(rosalind)
    page = response.content.decode()
    assert f"Item {first.item.barcode} is marked lost" in page
    assert "$25.00" in page
    assert Item.objects.get(pk=first.item_id).status == "lost"
    assert Loan.objects.get(pk=first.pk).patron_id == rosalind.pk  # on the account, lost
    assert Charge.objects.get(patron=rosalind, kind="lost").amount == Decimal("25.00")
    new = [e for e in entries()[before:] if e.action == "mark_lost"]
    assert len(new) == 1 and str(new[0].patron_ref) == str(rosalind.ref)
    assert "Quackenbush" not in str(new[0].fields)


def test_an_item_already_marked_lost_is_not_marked_again(desk, rosalind):
    first = _lines(rosalind)[0]
    desk.post(f"{patron_url(rosalind)}lost/1/", {"barcode": first.item.barcode})

    # Lost loans are listed last: the one just marked is now line 2.
    response = desk.get(f"{patron_url(rosalind)}lost/2/", follow=True)

    assert "This item is already marked lost." in response.content.decode()
    assert Charge.objects.filter(patron=rosalind, kind="lost").count() == 1


def test_the_account_lists_a_lost_loan_last_as_lost_not_overdue(desk, rosalind):
    first, second = _lines(rosalind)
    desk.post(f"{patron_url(rosalind)}lost/1/", {"barcode": first.item.barcode})

    page = desk.get(patron_url(rosalind)).content.decode()

    loans = page.split('id="loans-heading"')[1].split('id="holds-heading"')[0]
    # The one still out first, with its link; the lost one last, flagged, with no link.
    assert loans.index(second.item.title) < loans.index(first.item.title)
    assert f'href="/desk/patron/{rosalind.ref}/lost/1/"' in loans
    assert "/lost/2/" not in loans
    lost_row = loans.split(first.item.title)[1].split("</tr>")[0]
    assert '<span class="flag lost">Lost</span>' in lost_row
    assert "flag overdue" not in lost_row and "Marked lost" in lost_row
    # Line 1 still means the loan shown on line 1.
    confirm = desk.get(f"{patron_url(rosalind)}lost/1/").content.decode()
    assert second.item.barcode in confirm and first.item.barcode not in confirm


def test_checking_in_a_found_lost_item_says_the_replacement_charge_is_off(desk, rosalind):
    first = _lines(rosalind)[0]
    desk.post(f"{patron_url(rosalind)}lost/1/", {"barcode": first.item.barcode})

    response = desk.post("/desk/check-in/", {"barcode": first.item.barcode}, follow=True)

    page = response.content.decode()
    assert f"Checked in item {first.item.barcode}. It had been marked lost" in page
    assert "Quackenbush" not in page.split("Checked in item")[1].split("</")[0]
    lost = Charge.objects.get(patron=rosalind, kind="lost")
    assert lost.payments.get().method == "waived" and lost.item_id is None
    assert Item.objects.get(pk=first.item_id).status == "available"


def test_a_found_item_with_money_paid_opens_the_account_for_the_refund(desk, rosalind):
    from custodian.circulation import services as circulation

    first = _lines(rosalind)[0]
    desk.post(f"{patron_url(rosalind)}lost/1/", {"barcode": first.item.barcode})
    charge = Charge.objects.get(patron=rosalind, kind="lost")
    circulation.pay(patron=rosalind, amount="10.00", method="cash", charge=charge)

    response = desk.post("/desk/check-in/", {"barcode": first.item.barcode}, follow=True)

    assert response.redirect_chain[-1][0] == patron_url(rosalind)
    page = response.content.decode()
    assert "The borrower had paid toward its replacement: this is their account" in page
    assert "What was still owed for its replacement has been taken off" in page
    # What to refund is on the page: the money paid, and the rest waived.
    payments = page.split('id="payments-heading"')[1].split("</table>")[0]
    assert "Cash" in payments and "$10.00" in payments
    assert "Waived by staff" in payments and "$15.00" in payments


def test_a_found_item_that_cost_nothing_claims_no_charge_was_taken_off(desk, rosalind):
    first = _lines(rosalind)[0]
    Item.objects.filter(pk=first.item_id).update(replacement_cost=0)
    desk.post(f"{patron_url(rosalind)}lost/1/", {"barcode": first.item.barcode})

    page = desk.post("/desk/check-in/", {"barcode": first.item.barcode}, follow=True)
    page = page.content.decode()

    assert "It had been marked lost and is back in the collection now." in page
    assert "taken off" not in page and "refund" not in page


def test_an_item_the_patron_does_not_have_is_refused(desk, rosalind):
    response = desk.post(
        f"{patron_url(rosalind)}lost/1/", {"barcode": "3900000000004"}, follow=True
    )
    assert "was not marked lost" in response.content.decode()
    assert Item.objects.get(barcode="3900000000004").status == "available"
    assert not Charge.objects.filter(patron=rosalind, kind="lost").exists()


def test_a_line_that_is_not_there_goes_back_to_the_account(desk, rosalind):
    response = desk.get(f"{patron_url(rosalind)}lost/9/", follow=True)
    assert "no longer on this account" in response.content.decode()


@pytest.mark.parametrize("role_fixture", ["it_admin", "auditor"])
def test_other_roles_may_not_mark_lost(request, client, rosalind, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    first = _lines(rosalind)[0]
    assert client.get(f"{patron_url(rosalind)}lost/1/").status_code == 403
    response = client.post(f"{patron_url(rosalind)}lost/1/", {"barcode": first.item.barcode})
    assert response.status_code == 403
    assert Item.objects.get(pk=first.item_id).status == "on_loan"
