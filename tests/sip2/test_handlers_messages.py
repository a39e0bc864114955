"""Every other message: patron status and information, renew, renew all, item information,
fee paid, hold, end session, and what goes back when the kiosk asks wrongly."""

import pytest

from custodian.audit.models import AuditEntry
from custodian.records.models import Hold, Loan, Payment
from custodian.sip2.messages import ANSWERS, REQUESTS, RESPONSES, Message
from tests.sip2.kiosk_library import CARD, patron_fields, request, signed_in

pytestmark = pytest.mark.django_db


def _shape_ok(answer: Message, code: str) -> None:
    assert answer.code == ANSWERS[code]
    layout = RESPONSES[answer.code]
    assert list(answer.fixed) == [name for name, _length in layout]
    assert all(len(answer.fixed[n]) == length for n, length in layout)


@pytest.mark.parametrize("code", sorted(REQUESTS.keys() - {"97"}))
def test_every_message_gets_its_own_response_with_the_layout(code, machines, reader_with_pin):
    conversation = signed_in()
    fields = patron_fields(AB="3900000000004", BV="0.50", CN="kiosk-1", CO="x")
    answer = conversation.answer(request(code, fields))
    _shape_ok(answer, code)


def test_patron_status_with_pin_names_the_patron_and_the_fine(machines, reader_with_pin):
    answer = signed_in().answer(request("23", patron_fields()))
    assert answer.get("AE") == "Rosalind Quackenbush"
    assert answer.get("BL") == "Y" and answer.get("CQ") == "Y"
    assert answer.get("BV") == "1.50" and answer.get("AA") == CARD
    assert answer.fixed["patron_status"] == " " * 14


def test_patron_status_without_pin_shows_nothing_and_asks_for_it(machines, reader_with_pin):
    before = AuditEntry.objects.count()
    answer = signed_in().answer(request("23", patron_fields(pin=None)))
    assert answer.get("AE") == "" and "BL" not in answer.fields and "BV" not in answer.fields
    assert answer.get("AF") == "Please enter your PIN."
    (entry,) = AuditEntry.objects.order_by("seq")[before:]
    assert entry.actor == "sip:kiosk-1" and entry.outcome == "deny"


def test_an_unknown_card_and_a_wrong_pin_answer_the_same(machines, reader_with_pin):
    wrong = signed_in().answer(request("23", patron_fields(pin="9999")))
    unknown = signed_in().answer(request("23", patron_fields(card="29999999999999")))
    for answer in (wrong, unknown):
        assert (answer.get("BL"), answer.get("CQ"), answer.get("AE")) == ("N", "N", "")
    assert wrong.get("AF") == unknown.get("AF")


def test_patron_information_counts_and_the_summary_ranges(machines, reader_with_pin):
    conversation = signed_in()
    counts = conversation.answer(request("63", patron_fields()))
    assert counts.fixed["charged_items_count"] == "0002"
    assert counts.fixed["overdue_items_count"] == "0001"
    assert counts.fixed["fine_items_count"] == "0001"
    assert counts.fixed["unavailable_holds_count"] == "0001"  # the hold waits for the item
    charged = conversation.answer(request("63", patron_fields(), summary="  Y       "))
    assert charged.fields["AU"] == ["3900000000001", "3900000000002"]
    first_only = conversation.answer(
        request("63", patron_fields(BP="2", BQ="2"), summary="  Y       ")
    )
    assert first_only.fields["AU"] == ["3900000000002"]
    overdue = conversation.answer(request("63", patron_fields(), summary=" Y        "))
    assert overdue.fields["AT"] == ["3900000000001"]
    fines = conversation.answer(request("63", patron_fields(), summary="   Y      "))
    assert fines.fields["AV"] == ["1.50 overdue The Overdue Almanac"]
    waiting = conversation.answer(request("63", patron_fields(), summary="     Y    "))
    assert waiting.fields["CD"] == ["3900000000003"]
    for answer in (counts, charged, overdue, fines, waiting):
        assert not {"BD", "BE", "BF"} & answer.fields.keys()


def test_renew_moves_the_due_date_and_is_audited(machines, reader_with_pin):
    loan = Loan.objects.get(item__barcode="3900000000002")
    before = AuditEntry.objects.count()
    answer = signed_in().answer(request("29", patron_fields(AB="3900000000002")))
    assert answer.fixed["ok"] == "1", answer.get("AF")
    assert Loan.objects.get(pk=loan.pk).renewals == loan.renewals + 1
    entry = AuditEntry.objects.order_by("seq")[before]
    assert (entry.actor, entry.action) == ("sip:kiosk-1", "renew")


def test_renew_of_an_item_not_yours_is_refused(machines, reader_with_pin):
    answer = signed_in().answer(request("29", patron_fields(AB="3900000000003")))
    assert answer.fixed["ok"] == "0" and "not checked out to you" in answer.get("AF")


def test_renew_all_renews_what_it_can(machines, reader_with_pin):
    answer = signed_in().answer(request("65", patron_fields()))
    assert answer.fixed["ok"] == "1"
    done = int(answer.fixed["renewed_count"]) + int(answer.fixed["unrenewed_count"])
    assert done == 2
    assert len(answer.fields.get("BM", [])) == int(answer.fixed["renewed_count"])


def test_item_information_says_status_title_and_due_date(machines, reader_with_pin):
    conversation = signed_in()
    out = conversation.answer(request("17", {"AO": "MAIN", "AB": "3900000000002"}))
    assert out.fixed["circulation_status"] == "04" and out.get("AJ") == "A Current Novel"
    assert len(out.get("AH")) == 18
    shelf = conversation.answer(request("17", {"AO": "MAIN", "AB": "3900000000004"}))
    assert shelf.fixed["circulation_status"] == "03" and "AH" not in shelf.fields
    nothing = conversation.answer(request("17", {"AO": "MAIN", "AB": "nope"}))
    assert nothing.get("AF") == "No item has that barcode."
    drop = signed_in("return").answer(request("17", {"AO": "MAIN", "AB": "3900000000002"}))
    assert drop.get("AJ") == ""  # no titles on a shared return machine


def test_fee_paid_takes_the_payment(machines, reader_with_pin):
    answer = signed_in().answer(request("37", patron_fields(BV="1.50", BK="tx-77")))
    assert answer.fixed["payment_accepted"] == "Y", answer.get("AF")
    assert answer.get("BK") == "tx-77"
    assert Payment.objects.filter(patron=reader_with_pin).count() == 1
    too_much = signed_in().answer(request("37", patron_fields(BV="5.00")))
    assert too_much.fixed["payment_accepted"] == "N"
    nonsense = signed_in().answer(request("37", patron_fields(BV="lots")))
    assert nonsense.fixed["payment_accepted"] == "N"
    assert Payment.objects.filter(patron=reader_with_pin).count() == 1


def test_hold_place_and_cancel(machines, reader_with_pin):
    conversation = signed_in()
    placed = conversation.answer(request("15", patron_fields(AB="3900000000004"), hold_mode="+"))
    assert placed.fixed["ok"] == "1", placed.get("AF")
    assert Hold.objects.filter(patron=reader_with_pin, item__barcode="3900000000004").exists()
    cancelled = conversation.answer(request("15", patron_fields(AB="3900000000004"), hold_mode="-"))
    assert cancelled.fixed["ok"] == "1"
    modify = conversation.answer(request("15", patron_fields(AB="3900000000004"), hold_mode="*"))
    assert modify.fixed["ok"] == "0" and "place or cancel" in modify.get("AF")


def test_end_session_forgets_the_patron_and_the_pin(machines, reader_with_pin):
    conversation = signed_in()
    conversation.answer(request("23", patron_fields()))
    ended = conversation.answer(request("35", patron_fields()))
    assert ended.fixed["end_session"] == "Y"
    again = conversation.answer(request("23", patron_fields(pin=None)))
    assert again.get("AE") == "" and again.get("AF") == "Please enter your PIN."


def test_close_drops_the_patron_state(machines, reader_with_pin):
    conversation = signed_in()
    conversation.answer(request("23", patron_fields()))
    conversation.close()
    answer = conversation.answer(request("23", patron_fields()))
    assert "not signed in" in answer.get("AF")


def test_a_pc_booking_system_may_ask_about_patrons_but_not_lend(machines, reader_with_pin):
    conversation = signed_in("pc_booking")
    status = conversation.answer(request("23", patron_fields()))
    assert status.get("AE") == "Rosalind Quackenbush" and status.get("BV") == "1.50"
    info = conversation.answer(request("63", patron_fields(), summary="  Y       "))
    assert "AU" not in info.fields and info.fixed["charged_items_count"] == "    "
    lend = conversation.answer(request("11", patron_fields(AB="3900000000004")))
    assert lend.fixed["ok"] == "0"
