"""Programs, public computers, meeting rooms, reference, interlibrary loan, searches, cameras."""

import datetime as dt

import pytest
from django.db import OperationalError

from custodian.circulation.errors import (
    AlreadyRegistered,
    InvalidRecord,
    InvalidTimeWindow,
    ProgramFull,
    RoomTooSmall,
    RoomUnavailable,
    SessionAlreadyEnded,
    WorkstationInUse,
)
from custodian.circulation.services import (
    book_room,
    end_computer_session,
    mark_attendance,
    record_camera_footage,
    record_reference_interview,
    record_search,
    register_for_program,
    request_ill,
    start_computer_session,
)
from custodian.records.models import (
    ComputerSession,
    InterlibraryLoanRequest,
    ProgramRegistration,
    RoomBooking,
)
from tests.circulation.desk import assert_desk_safe
from tests.records.factories import (
    NOW,
    TODAY,
    make_branch,
    make_patron,
    make_program,
    make_room,
)

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


# programs


def test_program_registration_and_attendance():
    program, patron = make_program(), make_patron()
    registration = register_for_program(patron=patron, program=program, now=NOW)
    assert registration.attended is None  # unknown until the program has taken place
    mark_attendance(registration=registration, attended=True)
    assert ProgramRegistration.objects.get(pk=registration.pk).attended is True


def test_one_registration_per_patron():
    program, patron = make_program(), make_patron()
    register_for_program(patron=patron, program=program, now=NOW)
    with pytest.raises(AlreadyRegistered) as caught:
        register_for_program(patron=patron, program=program, now=NOW)
    assert_desk_safe(caught.value, patron)


def test_a_full_program_takes_no_more():
    program = make_program(capacity=2)
    for _ in range(2):
        register_for_program(patron=make_patron(), program=program, now=NOW)
    with pytest.raises(ProgramFull):
        register_for_program(patron=make_patron(), program=program, now=NOW)
    assert ProgramRegistration.objects.filter(program=program).count() == 2


def test_a_program_without_capacity_has_no_limit():
    program = make_program(capacity=None)
    for _ in range(5):
        register_for_program(patron=make_patron(), program=program, now=NOW)


# public computers


def test_computer_sessions_by_card_and_by_guest_pass():
    branch, patron = make_branch(), make_patron()
    by_card = start_computer_session(branch=branch, workstation="PC-1", patron=patron, now=NOW)
    guest = start_computer_session(branch=branch, workstation="PC-2", guest_pass="G-7", now=NOW)
    assert by_card.patron == patron and guest.patron is None

    end_computer_session(session=by_card, now=NOW + HOUR)
    assert ComputerSession.objects.get(pk=by_card.pk).ended_at == NOW + HOUR
    with pytest.raises(SessionAlreadyEnded):
        end_computer_session(session=by_card, now=NOW + 2 * HOUR)


def test_a_session_needs_a_card_or_a_guest_pass():
    with pytest.raises(InvalidRecord):
        start_computer_session(branch=make_branch(), workstation="PC-1", now=NOW)


def test_one_person_per_workstation():
    branch = make_branch()
    first = start_computer_session(branch=branch, workstation="PC-1", guest_pass="G-1", now=NOW)
    with pytest.raises(WorkstationInUse):
        start_computer_session(branch=branch, workstation="PC-1", guest_pass="G-2", now=NOW)
    end_computer_session(session=first, now=NOW + HOUR)
    start_computer_session(branch=branch, workstation="PC-1", guest_pass="G-2", now=NOW + HOUR)


def test_a_session_never_ends_before_it_started():
    session = start_computer_session(
        branch=make_branch(), workstation="PC-1", guest_pass="G", now=NOW
    )
    end_computer_session(session=session, now=NOW - HOUR)  # a desk clock running slow
    assert session.ended_at == NOW


# meeting rooms


def test_book_a_room():
    room, patron = make_room(capacity=8), make_patron()
    booking = book_room(room=room, patron=patron, starts_at=NOW, ends_at=NOW + HOUR, attendees=8)
    assert booking.room == room and booking.patron == patron


def test_overlapping_bookings_are_refused():
    room = make_room()
    book_room(room=room, patron=make_patron(), starts_at=NOW, ends_at=NOW + 2 * HOUR)
    patron = make_patron()
    with pytest.raises(RoomUnavailable) as caught:
        book_room(room=room, patron=patron, starts_at=NOW + HOUR, ends_at=NOW + 3 * HOUR)
    assert_desk_safe(caught.value, patron)
    book_room(room=room, patron=patron, starts_at=NOW + 2 * HOUR, ends_at=NOW + 3 * HOUR)
    assert RoomBooking.objects.filter(room=room).count() == 2


def test_a_room_holds_only_so_many():
    with pytest.raises(RoomTooSmall) as caught:
        book_room(
            room=make_room(capacity=4),
            patron=make_patron(),
            starts_at=NOW,
            ends_at=NOW + HOUR,
            attendees=5,
        )
    assert "4" in str(caught.value)


@pytest.mark.parametrize("length", [dt.timedelta(0), -HOUR])
def test_a_booking_ends_after_it_starts(length):
    with pytest.raises(InvalidTimeWindow):
        book_room(room=make_room(), patron=make_patron(), starts_at=NOW, ends_at=NOW + length)


def test_a_booking_is_for_someone():
    with pytest.raises(InvalidRecord):
        book_room(
            room=make_room(), patron=make_patron(), starts_at=NOW, ends_at=NOW + HOUR, attendees=0
        )


def _deadlock_then(real_create, *, deadlocks: int, sqlstate: str = "40P01"):
    """RoomBooking.objects.create that first fails as PostgreSQL does when two desks'
    overlapping inserts wait on each other, then behaves normally."""
    calls = []

    def create(**fields):
        calls.append(fields)
        if len(calls) <= deadlocks:
            error = OperationalError("deadlock detected")
            error.__cause__ = type("DriverError", (Exception,), {"sqlstate": sqlstate})()
            raise error
        return real_create(**fields)

    return create, calls


def test_a_booking_that_lost_a_deadlock_is_tried_again(monkeypatch):
    room, patron = make_room(), make_patron()
    create, calls = _deadlock_then(RoomBooking.objects.create, deadlocks=1)
    monkeypatch.setattr(RoomBooking.objects, "create", create)
    booking = book_room(room=room, patron=patron, starts_at=NOW, ends_at=NOW + HOUR)
    assert len(calls) == 2
    assert list(RoomBooking.objects.filter(room=room)) == [booking]


def test_a_booking_stops_after_repeated_deadlocks_and_writes_nothing(monkeypatch):
    room = make_room()
    create, calls = _deadlock_then(RoomBooking.objects.create, deadlocks=10)
    monkeypatch.setattr(RoomBooking.objects, "create", create)
    with pytest.raises(OperationalError):
        book_room(room=room, patron=make_patron(), starts_at=NOW, ends_at=NOW + HOUR)
    assert len(calls) == 3  # the first try and two more
    assert not RoomBooking.objects.filter(room=room).exists()


def test_other_database_errors_during_a_booking_are_not_retried(monkeypatch):
    room = make_room()
    create, calls = _deadlock_then(RoomBooking.objects.create, deadlocks=1, sqlstate="53100")
    monkeypatch.setattr(RoomBooking.objects, "create", create)
    with pytest.raises(OperationalError):
        book_room(room=room, patron=make_patron(), starts_at=NOW, ends_at=NOW + HOUR)
    assert len(calls) == 1
    assert not RoomBooking.objects.filter(room=room).exists()


# reference, interlibrary loan, searches


def test_reference_interviews_with_or_without_a_patron():
    branch = make_branch()
    anonymous = record_reference_interview(
        branch=branch, channel="in_person", question="Bus timetables?", now=NOW
    )
    assert anonymous.patron is None and anonymous.asked_at == NOW
    named = record_reference_interview(
        branch=branch, channel="email", question="Family history sources", patron=make_patron()
    )
    assert named.patron is not None
    with pytest.raises(InvalidRecord):
        record_reference_interview(branch=branch, channel="telepathy", question="?")
    with pytest.raises(InvalidRecord):
        record_reference_interview(branch=branch, channel="chat", question="  ")


def test_interlibrary_loan_requests():
    request = request_ill(patron=make_patron(), title=" A Rare Book ", author="Someone", now=NOW)
    assert request.title == "A Rare Book"
    assert request.status == InterlibraryLoanRequest.Status.REQUESTED
    with pytest.raises(InvalidRecord):
        request_ill(patron=make_patron(), title="")


def test_search_records():
    kept = record_search(database="catalogue", query="x" * 600, patron=make_patron(), now=NOW)
    assert len(kept.query) == 500  # the column's limit; longer queries are cut, not refused
    assert record_search(database="newspapers", query="flood 1964").patron is None
    with pytest.raises(InvalidRecord):
        record_search(database="", query="q")


# security cameras


def test_camera_footage_with_identified_patrons():
    patron = make_patron()
    footage = record_camera_footage(
        branch=make_branch(),
        camera="Entrance",
        starts_at=NOW,
        ends_at=NOW + HOUR,
        retain_until=TODAY + dt.timedelta(days=30),
        storage_ref="vms://entrance/2026-03-02T11",
        identified_patrons=[patron],
    )
    assert list(footage.identified_patrons.all()) == [patron]


@pytest.mark.parametrize(
    "overrides, error",
    [
        (dict(ends_at=NOW), InvalidTimeWindow),
        (dict(retain_until=TODAY - dt.timedelta(days=1)), InvalidRecord),
        (dict(storage_ref=""), InvalidRecord),
    ],
)
def test_camera_footage_rules(overrides, error):
    values = dict(
        branch=make_branch(),
        camera="Desk",
        starts_at=NOW,
        ends_at=NOW + HOUR,
        retain_until=TODAY,
        storage_ref="vms://desk",
    )
    values.update(overrides)
    with pytest.raises(error):
        record_camera_footage(**values)
