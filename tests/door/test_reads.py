"""Reads of patron data through the door: policy, need to know, one audit entry each."""

import dataclasses

import pytest
from django.conf import settings

from custodian import door
from custodian.policy import decide, get_engine
from tests.door.audit_helpers import as_text, entries

EVERYTHING = list(door.FIELDS)


def staff_request(fields):
    return {
        "profile": settings.CUSTODIAN_PROFILE,
        "requester": {"kind": "staff"},
        "channel": "in_person",
        "purpose": "library_business",
        "requested": list(fields),
        "patron": {"age": 40},
    }


def expected_for(role, fields):
    released = set(decide(staff_request(fields))["release"])
    need = set(get_engine().profile(settings.CUSTODIAN_PROFILE).staff_fields(role))
    return tuple(f for f in fields if f in released and f in need)


def test_staff_read_returns_only_released_and_needed_fields(clerk, rosalind):
    view = door.read_patron(
        reader=door.Reader.staff(clerk),
        patron_ref=rosalind.ref,
        purpose="library_business",
        fields=EVERYTHING,
    )

    assert view.released == expected_for("desk", EVERYTHING)
    assert set(view.values) == set(view.released)
    # A desk clerk doing library business sees loans, but not everything on the record.
    assert "loans.titles" in view.released
    assert "video.records" not in view.released
    assert view.withheld


def test_staff_read_writes_one_audit_entry_with_the_ref_and_no_personal_data(clerk, rosalind):
    before = len(entries())
    door.read_patron(
        reader=door.Reader.staff(clerk),
        patron_ref=rosalind.ref,
        purpose="library_business",
        fields=["loans.titles", "loans.due_dates", "registration.name"],
    )

    new = entries()[before:]
    assert len(new) == 1
    entry = new[0]
    assert entry.actor == "clerk"
    assert entry.role == "desk"
    assert entry.purpose == "library_business"
    assert str(entry.patron_ref) == str(rosalind.ref)
    assert list(entry.fields) == ["loans.titles", "loans.due_dates", "registration.name"]
    assert entry.action == "read"
    text = as_text(entry)
    for secret in (rosalind.card_number, rosalind.last_name, rosalind.first_name):
        assert secret not in text


@pytest.mark.parametrize("role_fixture", ["it_admin", "auditor"])
def test_a_role_without_need_to_know_gets_nothing_and_is_audited(request, role_fixture, rosalind):
    user = request.getfixturevalue(role_fixture)
    before = len(entries())

    view = door.read_patron(
        reader=door.Reader.staff(user),
        patron_ref=rosalind.ref,
        purpose="library_business",
        fields=["loans.titles", "registration.name", "charges.amount"],
    )

    assert view.released == ()
    assert dict(view.values) == {}
    assert view.loans is None and view.name is None and view.balance is None
    assert view.outcome in ("deny", "refer")
    [entry] = entries()[before:]
    assert entry.outcome == view.outcome
    assert entry.actor == user.username
    assert str(entry.patron_ref) == str(rosalind.ref)


def test_a_patron_reads_their_own_record(rosalind):
    before = len(entries())
    view = door.read_patron(
        reader=door.Reader.patron(rosalind.ref, evidence=("card_number", "pin")),
        patron_ref=rosalind.ref,
        purpose=None,
        fields=["loans.titles", "loans.due_dates", "holds.titles", "charges.amount"],
    )

    assert "loans.titles" in view.released
    assert sorted(line.title for line in view.loans) == ["A Current Novel", "The Overdue Almanac"]
    [entry] = entries()[before:]
    assert entry.actor == "patron"
    assert entry.role == "patron"
    assert str(entry.patron_ref) == str(rosalind.ref)


def test_a_patron_cannot_read_someone_elses_record_and_the_try_is_audited(rosalind, main_branch):
    from tests.door import library

    stranger = library.patron(card_number="21234000055555", first_name="Nosy", last_name="Parker")
    before = len(entries())

    view = door.read_patron(
        reader=door.Reader.patron(stranger.ref),
        patron_ref=rosalind.ref,
        purpose=None,
        fields=["loans.titles"],
    )

    assert view.released == ()
    assert view.outcome == "deny"
    [entry] = entries()[before:]
    assert entry.outcome == "deny"
    assert entry.actor == "patron"
    assert str(entry.patron_ref) == str(rosalind.ref)


def test_loans_render_only_what_was_released(clerk, rosalind):
    view = door.read_patron(
        reader=door.Reader.staff(clerk),
        patron_ref=rosalind.ref,
        purpose="library_business",
        fields=["loans.due_dates"],
    )
    assert view.loans is not None and len(view.loans) == 2
    assert all(line.title is None and line.due_on is not None for line in view.loans)
    assert [line.overdue for line in view.loans] == [True, False]

    counted = door.read_patron(
        reader=door.Reader.staff(clerk),
        patron_ref=rosalind.ref,
        purpose="library_business",
        fields=["loans.count"],
    )
    assert counted.loans is None
    assert counted.loan_count == 2


def test_the_view_is_immutable(clerk, rosalind):
    view = door.read_patron(
        reader=door.Reader.staff(clerk),
        patron_ref=rosalind.ref,
        purpose="library_business",
        fields=["loans.titles"],
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.released = ("registration.card_number",)
    with pytest.raises(TypeError):
        view.values["registration.card_number"] = "x"
    with pytest.raises(KeyError):
        view["registration.card_number"]


def test_unknown_fields_are_refused_before_anything_is_read(clerk, rosalind):
    before = len(entries())
    with pytest.raises(ValueError, match="unknown"):
        door.read_patron(
            reader=door.Reader.staff(clerk),
            patron_ref=rosalind.ref,
            purpose="library_business",
            fields=["registration.shoe_size"],
        )
    assert len(entries()) == before


def test_find_patron_is_an_audited_read_of_registration_status(clerk, rosalind):
    before = len(entries())
    handle = door.find_patron(reader=door.Reader.staff(clerk), card_number=rosalind.card_number)

    assert handle.ref == rosalind.ref
    assert handle.status == "active"
    [entry] = entries()[before:]
    assert entry.action == "lookup"
    assert list(entry.fields) == ["registration.status"]
    assert str(entry.patron_ref) == str(rosalind.ref)
    assert rosalind.card_number not in as_text(entry)


def test_find_patron_with_an_unknown_card_returns_none_and_is_audited(clerk, rosalind):
    before = len(entries())
    unknown = "29999888877776"
    assert door.find_patron(reader=door.Reader.staff(clerk), card_number=unknown) is None
    [entry] = entries()[before:]
    assert entry.patron_ref in (None, "")
    assert unknown not in as_text(entry)


def test_find_patron_refused_for_a_role_without_need_to_know(auditor, rosalind):
    before = len(entries())
    with pytest.raises(door.Refused):
        door.find_patron(reader=door.Reader.staff(auditor), card_number=rosalind.card_number)
    [entry] = entries()[before:]
    assert entry.outcome in ("deny", "refer")
    assert entry.actor == "auditor"


def test_reader_constructors(clerk, rosalind):
    reader = door.Reader.staff(clerk)
    assert (reader.kind, reader.username, reader.role) == ("staff", "clerk", "desk")
    patron = door.Reader.patron(str(rosalind.ref), evidence=("library_card",))
    assert patron.kind == "patron" and patron.patron_ref == rosalind.ref
    with pytest.raises(ValueError):
        door.Reader.patron(rosalind.ref, evidence=("photo_id",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        reader.role = "director"


def test_a_pin_without_the_card_number_proves_nothing_online(rosalind):
    # The profile's [proofs]: online, the card number and the PIN together.
    view = door.read_patron(
        reader=door.Reader.patron(rosalind.ref, evidence=("pin",)),
        patron_ref=rosalind.ref,
        purpose=None,
        fields=["loans.titles", "registration.address"],
    )
    assert view.released == () and not view.loans
