"""Login (93), SC status (99), check-out (11) and check-in (09), called directly."""

import pytest

from custodian.audit.models import AuditEntry
from custodian.records.models import Loan
from custodian.sip2 import services
from custodian.sip2.handlers import KioskConversation
from tests.door import library
from tests.sip2.kiosk_library import (
    ADDRESS,
    CARD,
    login,
    patron_fields,
    request,
    signed_in,
    text_of,
)

pytestmark = pytest.mark.django_db


def test_login_right_password_is_ok_and_wrong_is_refused(machines):
    conversation = KioskConversation(peer="10.0.0.5:40001")
    assert conversation.answer(login("kiosk-1", "wrong password!")).fixed["ok"] == "0"
    assert conversation.answer(login("nobody-here")).fixed["ok"] == "0"
    assert conversation.answer(login("kiosk-1")).fixed["ok"] == "1"


def test_anything_before_login_is_refused_with_words(machines, reader_with_pin):
    conversation = KioskConversation(peer="10.0.0.5:40001")
    answer = conversation.answer(request("11", patron_fields(AB="3900000000004")))
    assert answer.code == "12" and answer.fixed["ok"] == "0"
    assert "not signed in" in answer.get("AF")
    status = conversation.answer(request("99"))
    assert status.code == "98" and status.fixed["online_status"] == "N"
    assert not Loan.objects.filter(item__barcode="3900000000004").exists()


def test_sc_status_says_branch_library_and_supported_messages(machines):
    answer = signed_in().answer(request("99"))
    assert answer.fixed["online_status"] == "Y" and answer.fixed["checkout_ok"] == "Y"
    assert answer.get("AO") == "MAIN"
    assert answer.get("AM")
    assert len(answer.get("BX")) == 16 and answer.get("BX")[1] == "Y"
    assert answer.fixed["protocol_version"] == "2.00"
    returns = signed_in("return").answer(request("99"))
    assert returns.fixed["checkout_ok"] == "N" and returns.fixed["checkin_ok"] == "Y"


def test_check_out_with_pin_lends_and_audits_as_the_machine(machines, reader_with_pin):
    conversation = signed_in()
    before = AuditEntry.objects.count()
    answer = conversation.answer(request("11", patron_fields(AB="3900000000004")))
    assert answer.code == "12" and answer.fixed["ok"] == "1", answer.get("AF")
    assert answer.get("AJ") == "On The Shelf"
    assert len(answer.get("AH")) == 18
    assert Loan.objects.filter(item__barcode="3900000000004", patron=reader_with_pin).exists()
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [(e.actor, e.role, e.action) for e in entries] == [
        ("sip:kiosk-1", "sip_machine", "check_out")
    ]
    assert entries[0].patron_ref == str(reader_with_pin.ref)
    assert ADDRESS not in text_of(answer)


def test_check_out_without_pin_is_refused_and_changes_nothing(machines, reader_with_pin):
    answer = signed_in().answer(request("11", patron_fields(pin=None, AB="3900000000004")))
    assert answer.fixed["ok"] == "0"
    assert "PIN" in answer.get("AF")
    assert not Loan.objects.filter(item__barcode="3900000000004").exists()


def test_check_out_with_wrong_pin_is_refused(machines, reader_with_pin):
    answer = signed_in().answer(request("11", patron_fields(pin="0000", AB="3900000000004")))
    assert answer.fixed["ok"] == "0"
    assert not Loan.objects.filter(item__barcode="3900000000004").exists()


def test_check_out_of_an_item_already_out_is_refused_in_words(machines, reader_with_pin):
    answer = signed_in().answer(request("11", patron_fields(AB="3900000000003")))
    assert answer.fixed["ok"] == "0"
    assert "checked out" in answer.get("AF")


def test_pin_is_verified_once_per_patron_per_connection(machines, reader_with_pin, monkeypatch):
    from custodian.sip2 import handlers

    calls = []
    real = handlers.check_pin
    monkeypatch.setattr(handlers, "check_pin", lambda **kw: calls.append(1) or real(**kw))
    conversation = signed_in()
    conversation.answer(request("11", patron_fields(AB="3900000000004")))
    conversation.answer(request("23", patron_fields()))
    assert len(calls) == 1


def test_check_in_ends_the_loan_as_the_machines_act(machines, reader_with_pin):
    conversation = signed_in("return")
    before = AuditEntry.objects.count()
    answer = conversation.answer(request("09", {"AO": "MAIN", "AB": "3900000000002"}))
    assert answer.code == "10" and answer.fixed["ok"] == "1"
    assert answer.get("AQ") == "MAIN"
    assert not Loan.objects.filter(item__barcode="3900000000002").exists()
    entry = AuditEntry.objects.order_by("seq")[before]
    assert (entry.actor, entry.role, entry.action) == ("sip:bookdrop-1", "sip_machine", "check_in")
    assert entry.patron_ref == str(reader_with_pin.ref)
    assert "Current Novel" not in text_of(answer)  # a return machine shows no titles


def test_check_in_of_an_item_with_a_hold_sends_it_to_the_hold_shelf(machines, reader_with_pin):
    answer = signed_in("return").answer(request("09", {"AO": "MAIN", "AB": "3900000000003"}))
    assert answer.fixed["ok"] == "1" and answer.fixed["alert"] == "Y"
    assert answer.get("CL") == "hold-shelf"


def test_check_in_of_an_unknown_barcode_is_refused(machines):
    answer = signed_in("return").answer(request("09", {"AO": "MAIN", "AB": "nope"}))
    assert answer.fixed["ok"] == "0" and answer.get("AF") == "No item has that barcode."


def test_a_different_institution_id_is_refused(machines, reader_with_pin):
    library.branch("EAST")
    answer = signed_in().answer(request("11", patron_fields(AO="EAST", AB="3900000000004")))
    assert answer.fixed["ok"] == "0" and "different branch" in answer.get("AF")
    assert not Loan.objects.filter(item__barcode="3900000000004").exists()


def test_a_disabled_machine_is_refused_at_its_next_message(machines, reader_with_pin):
    conversation = signed_in()
    services.disable_account(name="kiosk-1")
    answer = conversation.answer(request("11", patron_fields(AB="3900000000004")))
    assert answer.fixed["ok"] == "0" and "turned off" in answer.get("AF")
    assert conversation.answer(login("kiosk-1")).fixed["ok"] == "0"


def test_a_return_machine_may_not_check_out(machines, reader_with_pin):
    answer = signed_in("return").answer(request("11", patron_fields(AB="3900000000004")))
    assert answer.fixed["ok"] == "0" and "cannot do that" in answer.get("AF")


def test_a_check_out_refused_for_want_of_a_pin_is_audited(machines, reader_with_pin):
    before = AuditEntry.objects.count()
    signed_in().answer(request("11", patron_fields(pin=None, AB="3900000000004")))
    (entry,) = AuditEntry.objects.order_by("seq")[before:]
    assert (entry.actor, entry.action, entry.outcome) == ("sip:kiosk-1", "check_out", "deny")
    assert entry.patron_ref == str(reader_with_pin.ref)


def test_an_unexpected_failure_answers_in_words_and_logs_no_card(
    machines, reader_with_pin, monkeypatch, caplog
):
    from custodian.sip2 import handlers

    def broken(**_kw):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(handlers, "check_out_at_machine", broken)
    answer = signed_in().answer(request("11", patron_fields(AB="3900000000004")))
    assert answer.code == "12" and answer.fixed["ok"] == "0"
    assert "Nothing was changed" in answer.get("AF")
    assert "SIP2 11" in caplog.text and "RuntimeError" in caplog.text
    assert "on fire" not in caplog.text  # the message is not logged: it may quote data
    assert CARD not in caplog.text and "4719" not in caplog.text


def test_a_code_with_no_answer_gets_a_96(machines):
    assert signed_in().answer(request("99").__class__(code="42")).code == "96"


def test_check_in_of_a_found_lost_item_asks_for_the_desk(machines, reader_with_pin):
    from custodian.circulation import services as circulation

    circulation.mark_lost(loan=Loan.objects.get(item__barcode="3900000000002"))
    answer = signed_in("return").answer(request("09", {"AO": "MAIN", "AB": "3900000000002"}))
    assert answer.fixed["ok"] == "1" and answer.fixed["alert"] == "Y"
    assert answer.get("AF") == "Checked in. Please take this item to the desk."
    assert not Loan.objects.filter(item__barcode="3900000000002").exists()
