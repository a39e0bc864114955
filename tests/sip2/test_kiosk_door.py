"""The door for machines, per profile: what a kiosk shows with and without the PIN, what a
PC-booking system and a return machine show, and the PIN throttle shared with the portal."""

import pytest

from custodian.audit.models import AuditEntry
from custodian.door.kiosk import Machine, read_at_machine
from custodian.policy.kiosks import NEVER
from custodian.portal import services_signin
from tests.sip2.kiosk_library import ADDRESS, patron_fields, request, signed_in, text_of

pytestmark = pytest.mark.django_db
PROFILES = ("westchester", "jackson-county", "jensen-memorial", "sonoma-county")
SUMMARIES = ["Y         ", " Y        ", "  Y       ", "   Y      ", "    Y     ", "     Y    "]
TITLE_BARCODES = ("3900000000001", "3900000000002", "3900000000003")


def _everything(conversation, fields) -> list:
    answers = [conversation.answer(request("23", fields))]
    answers += [conversation.answer(request("63", fields, summary=s)) for s in SUMMARIES]
    return answers


@pytest.mark.parametrize("profile", PROFILES)
def test_self_check_with_pin_shows_the_patron_their_own_account(
    profile, settings, machines, reader_with_pin
):
    settings.CUSTODIAN_PROFILE = profile
    answers = _everything(signed_in(), patron_fields())
    seen = " ".join(text_of(a) for a in answers)
    assert "Rosalind Quackenbush" in seen
    assert all(b in seen for b in TITLE_BARCODES)
    assert "1.50" in seen
    assert ADDRESS not in seen and "707-555-0101" not in seen and "rq@example.org" not in seen
    assert not any({"BD", "BE", "BF"} & a.fields.keys() for a in answers)


@pytest.mark.parametrize("profile", PROFILES)
def test_self_check_without_pin_shows_nothing_of_the_record(
    profile, settings, machines, reader_with_pin
):
    settings.CUSTODIAN_PROFILE = profile
    before = AuditEntry.objects.count()
    answers = _everything(signed_in(), patron_fields(pin=None))
    seen = " ".join(text_of(a) for a in answers)
    assert "Rosalind" not in seen and "1.50" not in seen
    assert not any(b in seen for b in TITLE_BARCODES)
    assert ADDRESS not in seen
    entries = AuditEntry.objects.order_by("seq")[before:]
    assert len(entries) == len(answers)  # one entry per message that touched the patron
    assert {e.actor for e in entries} == {"sip:kiosk-1"}


@pytest.mark.parametrize("profile", PROFILES)
def test_pc_booking_shows_name_and_fine_but_no_titles(profile, settings, machines, reader_with_pin):
    settings.CUSTODIAN_PROFILE = profile
    answers = _everything(signed_in("pc_booking"), patron_fields())
    seen = " ".join(text_of(a) for a in answers)
    assert "Rosalind Quackenbush" in seen and "1.50" in seen
    assert not any(b in seen for b in TITLE_BARCODES)
    assert "Almanac" not in seen and ADDRESS not in seen


@pytest.mark.parametrize("profile", PROFILES)
def test_a_return_machine_shows_nothing_of_anyone(profile, settings, machines, reader_with_pin):
    settings.CUSTODIAN_PROFILE = profile
    conversation = signed_in("return")
    answers = _everything(conversation, patron_fields())
    answers.append(conversation.answer(request("09", {"AO": "MAIN", "AB": "3900000000001"})))
    answers.append(conversation.answer(request("17", {"AO": "MAIN", "AB": "3900000000002"})))
    seen = " ".join(text_of(a) for a in answers)
    assert "Rosalind" not in seen and "Almanac" not in seen and "Novel" not in seen
    assert ADDRESS not in seen


def test_the_door_narrows_even_a_direct_read_to_the_machines_purpose(machines, reader_with_pin):
    machine = Machine(name="bookdrop-1", purpose="return", branch_id=machines["return"].branch_id)
    reader = machine.reader_for(reader_with_pin.ref, pin_verified=True)
    seen = read_at_machine(reader=reader, fields=["loans.titles", "registration.name"])
    assert seen.released == () and seen.name is None and seen.loans is None
    kiosk = Machine(name="kiosk-1", purpose="self_check", branch_id=machines["return"].branch_id)
    reader = kiosk.reader_for(reader_with_pin.ref, pin_verified=True)
    seen = read_at_machine(reader=reader, fields=[*sorted(NEVER), "registration.name"])
    assert seen.released == ("registration.name",)


def test_wrong_pins_at_the_kiosk_lock_the_card_in_the_portal_too(
    machines, reader_with_pin, monkeypatch
):
    monkeypatch.setattr(services_signin, "CARD_LIMIT", 3)
    conversation = signed_in()
    for wrong in ("1111", "2222", "3333"):
        conversation.answer(request("23", patron_fields(pin=wrong)))
    key = services_signin.card_key(reader_with_pin.card_number)
    assert services_signin._card_locked(key)
    locked = signed_in().answer(request("23", patron_fields()))  # even the right PIN
    assert locked.get("BL") == "N" and "ask at the library desk" in locked.get("AF")
    portal = services_signin.authenticate(
        card_number=reader_with_pin.card_number, pin="4719", address="1.2.3.4"
    )
    assert portal.outcome == "card_locked"
    services_signin.unlock(user=None, patron_ref=reader_with_pin.ref)  # the desk lifts it
    assert signed_in().answer(request("23", patron_fields())).get("BL") == "Y"


def test_the_patron_sees_the_machine_in_who_has_looked(machines, reader_with_pin):
    from custodian.audit import wording
    from custodian.portal import looked_words
    from custodian.portal.selectors_looked import page_of_looks

    signed_in().answer(request("11", patron_fields(AB="3900000000004")))
    _page, rows = page_of_looks(patron_ref=reader_with_pin.ref, page=1, show_staff_names=True)
    mine = [r for r in rows if r.role == "sip_machine"]
    assert [r.action for r in mine] == ["check_out"] and mine[0].staff_name == ""
    # The machine's branch is its account's, as a clerk's row names the clerk's branch.
    assert mine[0].branch == machines["self_check"].branch_name != ""
    assert looked_words.role("sip_machine") == "A self-service machine at the library"
    assert wording.role("sip_machine") == "A self-service machine (SIP2)"
