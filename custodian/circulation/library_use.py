"""Records of library use beyond lending: programs, computers, rooms, reference, ILL,
searches and camera footage. Each is a small write with the rule it must keep."""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from custodian.circulation._common import lock, resolve_now
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
from custodian.records.models import (
    Branch,
    CameraFootage,
    ComputerSession,
    InterlibraryLoanRequest,
    Patron,
    Program,
    ProgramRegistration,
    ReferenceInterview,
    Room,
    RoomBooking,
    SearchRecord,
)
from custodian.statistics import services as statistics

# --- programs --------------------------------------------------------------------------


def register_for_program(
    *, patron: Patron, program: Program, now: dt.datetime | None = None
) -> ProgramRegistration:
    with transaction.atomic():
        # The program row lock makes the capacity check and the insert one step.
        current = lock(Program, program.pk)
        if ProgramRegistration.objects.filter(program_id=program.pk, patron_id=patron.pk).exists():
            raise AlreadyRegistered()
        if (
            current.capacity is not None
            and ProgramRegistration.objects.filter(program_id=program.pk).count()
            >= current.capacity
        ):
            raise ProgramFull()
        now = resolve_now(now)
        try:
            with transaction.atomic():
                registration = ProgramRegistration.objects.create(
                    program=current, patron=patron, registered_at=now
                )
        except IntegrityError:
            raise AlreadyRegistered() from None
        statistics.count(
            "program_registration",
            branch_id=current.branch_id,
            when=now,
            birth_date=patron.birth_date,
        )
    return registration


def mark_attendance(*, registration: ProgramRegistration, attended: bool) -> ProgramRegistration:
    """Record whether the patron came. The attendance count (in the program's month) moves
    only when the answer changes to or from "came": marking twice counts once."""
    with transaction.atomic():
        current = (
            ProgramRegistration.objects.select_for_update()
            .select_related("program")
            .get(pk=registration.pk)
        )
        before = current.attended is True
        ProgramRegistration.objects.filter(pk=registration.pk).update(attended=attended)
        if before != (attended is True):
            statistics.count(
                "program_attendance",
                branch_id=current.program.branch_id,
                when=current.program.starts_at,
                birth_date=Patron.objects.filter(pk=current.patron_id)
                .values_list("birth_date", flat=True)
                .first(),
                take_back=before,
            )
    registration.attended = attended
    return registration


# --- public computers ------------------------------------------------------------------


def start_computer_session(
    *,
    branch: Branch,
    workstation: str,
    patron: Patron | None = None,
    guest_pass: str = "",
    now: dt.datetime | None = None,
) -> ComputerSession:
    if patron is None and not guest_pass:
        raise InvalidRecord("Sign on with a library card or a guest pass.")
    if not workstation:
        raise InvalidRecord("Name the workstation.")
    busy = ComputerSession.objects.filter(
        branch_id=branch.pk, workstation=workstation, ended_at__isnull=True
    )
    try:
        with transaction.atomic():
            if busy.exists():
                raise WorkstationInUse()
            session = ComputerSession.objects.create(
                patron=patron,
                guest_pass=guest_pass,
                branch=branch,
                workstation=workstation,
                started_at=resolve_now(now),
            )
            # A guest pass has no age: counted as "age not recorded".
            statistics.count(
                "computer_session",
                branch_id=branch.pk,
                when=session.started_at,
                birth_date=patron.birth_date if patron is not None else None,
            )
            return session
    except IntegrityError:
        # The partial unique index one_open_session_per_workstation caught a race.
        if busy.exists():
            raise WorkstationInUse() from None
        raise


def end_computer_session(
    *, session: ComputerSession, now: dt.datetime | None = None
) -> ComputerSession:
    now = resolve_now(now)
    with transaction.atomic():
        current = lock(ComputerSession, session.pk)
        if current.ended_at is not None:
            raise SessionAlreadyEnded()
        current.ended_at = max(now, current.started_at)
        current.save(update_fields=["ended_at"])
    session.ended_at = current.ended_at
    return current


# --- meeting rooms ---------------------------------------------------------------------


def book_room(
    *,
    room: Room,
    patron: Patron,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    attendees: int = 1,
) -> RoomBooking:
    """Book a room. Overlaps are refused here under the room's row lock, and again by the
    database (exclusion constraint on PostgreSQL, triggers on SQLite; migration 0003)."""
    if ends_at <= starts_at:
        raise InvalidTimeWindow()
    if attendees < 1:
        raise InvalidRecord("A booking is for at least one person.")
    overlapping = RoomBooking.objects.filter(
        room_id=room.pk, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    with transaction.atomic():
        current = lock(Room, room.pk)
        if attendees > current.capacity:
            raise RoomTooSmall(f"The room holds at most {current.capacity} people.")
        if overlapping.exists():
            raise RoomUnavailable()
        deadlocks = 0
        while True:
            try:
                with transaction.atomic():
                    booking = RoomBooking.objects.create(
                        room=current,
                        patron=patron,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        attendees=attendees,
                    )
                break
            except IntegrityError:
                if overlapping.exists():
                    raise RoomUnavailable() from None
                raise
            except OperationalError as error:
                # PostgreSQL checks an exclusion constraint after inserting the row, so two
                # desks inserting overlapping bookings at once can each wait on the other's
                # row; the server then aborts one with "deadlock detected". Trying the insert
                # again waits for the winner and then meets the constraint: RoomUnavailable.
                deadlocks += 1
                if not _is_deadlock(error) or deadlocks > _DEADLOCK_RETRIES:
                    raise
        # Room use in the month it is used.
        statistics.count(
            "room_booking",
            branch_id=current.branch_id,
            when=starts_at,
            birth_date=patron.birth_date,
        )
    return booking


_DEADLOCK_RETRIES = 2


def _is_deadlock(error: OperationalError) -> bool:
    # psycopg puts the SQLSTATE on the driver's exception, which Django keeps as __cause__.
    return getattr(error.__cause__, "sqlstate", None) == "40P01"


# --- reference, interlibrary loan, searches --------------------------------------------


def record_reference_interview(
    *,
    branch: Branch,
    channel: str,
    question: str,
    patron: Patron | None = None,
    now: dt.datetime | None = None,
) -> ReferenceInterview:
    if channel not in ReferenceInterview.Channel.values:
        raise InvalidRecord("Choose how the question was asked.")
    if not question.strip():
        raise InvalidRecord("Enter the question.")
    return ReferenceInterview.objects.create(
        patron=patron, branch=branch, channel=channel, question=question, asked_at=resolve_now(now)
    )


def request_ill(
    *,
    patron: Patron,
    title: str,
    author: str = "",
    lending_library: str = "",
    now: dt.datetime | None = None,
) -> InterlibraryLoanRequest:
    if not title.strip():
        raise InvalidRecord("Enter the title requested.")
    now = resolve_now(now)
    with transaction.atomic():
        request = InterlibraryLoanRequest.objects.create(
            patron=patron,
            title=title.strip(),
            author=author,
            lending_library=lending_library,
            requested_at=now,
        )
        # Counted at the patron's home branch: an interlibrary loan has no other.
        statistics.count(
            "ill_request",
            branch_id=patron.home_branch_id,
            when=now,
            birth_date=patron.birth_date,
        )
    return request


ILL_CLOSED = (InterlibraryLoanRequest.Status.RETURNED, InterlibraryLoanRequest.Status.CANCELLED)


def set_ill_status(*, request: InterlibraryLoanRequest, status: str) -> InterlibraryLoanRequest:
    """Move an interlibrary loan on (shipped, received, returned, cancelled).

    Once it is returned to the lender or cancelled its business is done: the request keeps
    the title for statistics and loses the patron, unless the patron keeps reading history
    (then it is part of that history, and opting out clears it).
    """
    if status not in InterlibraryLoanRequest.Status.values:
        raise InvalidRecord("Choose the request's new status.")
    with transaction.atomic():
        current = lock(InterlibraryLoanRequest, request.pk)
        if current.status in ILL_CLOSED:
            raise InvalidRecord("This interlibrary loan request is already closed.")
        current.status = status
        if status in ILL_CLOSED and current.patron_id is not None:
            # The patron row lock orders this with an opt-out running at the same moment.
            if not lock(Patron, current.patron_id).keeps_reading_history:
                current.patron = None
        current.save(update_fields=["status", "patron"])
    request.status, request.patron_id = current.status, current.patron_id
    return current


def record_search(
    *,
    database: str,
    query: str,
    patron: Patron | None = None,
    now: dt.datetime | None = None,
) -> SearchRecord:
    if not database or not query:
        raise InvalidRecord("A search record names the database and the query.")
    max_query = SearchRecord._meta.get_field("query").max_length
    return SearchRecord.objects.create(
        patron=patron, database=database, query=query[:max_query], searched_at=resolve_now(now)
    )


# --- security cameras ------------------------------------------------------------------


def record_camera_footage(
    *,
    branch: Branch,
    camera: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    retain_until: dt.date,
    storage_ref: str,
    identified_patrons: Iterable[Patron] = (),
) -> CameraFootage:
    if ends_at <= starts_at:
        raise InvalidTimeWindow()
    if not camera or not storage_ref:
        raise InvalidRecord("Name the camera and where the recording is stored.")
    if retain_until < timezone.localdate(starts_at):
        raise InvalidRecord("Footage cannot be due for deletion before it was recorded.")
    with transaction.atomic():
        footage = CameraFootage.objects.create(
            branch=branch,
            camera=camera,
            starts_at=starts_at,
            ends_at=ends_at,
            retain_until=retain_until,
            storage_ref=storage_ref,
        )
        patrons = list(identified_patrons)
        if patrons:
            footage.identified_patrons.add(*patrons)
    return footage
