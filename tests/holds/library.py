"""A patron with a row in every kind of record erasure touches, and a snapshot of the tables."""

import datetime as dt
from decimal import Decimal

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from custodian.circulation import services as circulation
from custodian.holds.models import LegalHold
from custodian.notices.models import SentNotice
from custodian.portal.models import Concern, SignInThrottle
from custodian.portal.services_signin import card_key
from custodian.records.models import (
    Authorization,
    CameraFootage,
    Charge,
    ComputerSession,
    DataKey,
    Hold,
    InterlibraryLoanRequest,
    Item,
    Loan,
    PastLoan,
    Patron,
    Payment,
    Program,
    ProgramRegistration,
    ReferenceInterview,
    ResponsibleParty,
    Room,
    RoomBooking,
    SearchRecord,
)
from tests.door import library

CARD = "21234000055555"
FIRST, LAST = "Wilhelmina", "Thistlewood"


def everything(*, director) -> tuple[Patron, dict]:
    """A patron (keeping reading history) with at least one row of every kind."""
    branch = library.branch()
    now = timezone.now()
    patron = library.patron(
        card_number=CARD, first_name=FIRST, last_name=LAST, keeps_reading_history=True
    )
    rows: dict = {}
    book = library.item("3900000000101", "A Returned Book", at=branch)
    circulation.check_out(patron=patron, item=book, branch=branch, now=now - dt.timedelta(days=9))
    circulation.check_in(item=book, branch=branch, now=now - dt.timedelta(days=2))
    assert PastLoan.objects.filter(patron=patron).count() == 1

    wanted = library.item("3900000000102", "A Wanted Book", at=branch)
    rows["hold"] = circulation.place_hold(
        patron=patron, item=wanted, pickup_branch=branch, now=now - dt.timedelta(days=1)
    )
    rows["notice"] = SentNotice.objects.create(kind="hold_ready", hold=rows["hold"])

    rows["charge"] = Charge.objects.create(
        patron=patron, kind="overdue", amount=Decimal("2.50"), assessed_at=now
    )
    rows["payment"] = Payment.objects.create(
        patron=patron, charge=rows["charge"], amount=Decimal("1.00"), method="cash", paid_at=now
    )
    program = Program.objects.create(title="Knitting circle", branch=branch, starts_at=now)
    ProgramRegistration.objects.create(program=program, patron=patron, registered_at=now)
    rows["ended_session"] = ComputerSession.objects.create(
        patron=patron,
        branch=branch,
        workstation="PC-1",
        started_at=now - dt.timedelta(hours=3),
        ended_at=now - dt.timedelta(hours=2),
    )
    rows["open_session"] = ComputerSession.objects.create(
        patron=patron, branch=branch, workstation="PC-2", started_at=now - dt.timedelta(hours=1)
    )
    room = Room.objects.create(branch=branch, name="Study room")
    rows["past_booking"] = RoomBooking.objects.create(
        room=room,
        patron=patron,
        starts_at=now - dt.timedelta(days=3),
        ends_at=now - dt.timedelta(days=3) + dt.timedelta(hours=1),
    )
    RoomBooking.objects.create(
        room=room,
        patron=patron,
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=1),
    )
    rows["interview"] = ReferenceInterview.objects.create(
        patron=patron, branch=branch, asked_at=now, channel="phone", question="Tax forms"
    )
    rows["ill_done"] = InterlibraryLoanRequest.objects.create(
        patron=patron, title="A Far Book", requested_at=now, status="returned"
    )
    rows["ill_open"] = InterlibraryLoanRequest.objects.create(
        patron=patron, title="Another Far Book", requested_at=now, status="requested"
    )
    rows["search"] = SearchRecord.objects.create(
        patron=patron, database="Catalogue", query="tax forms", searched_at=now
    )
    rows["footage"] = CameraFootage.objects.create(
        branch=branch,
        camera="Entrance",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now,
        retain_until=now.date() + dt.timedelta(days=30),
        storage_ref="vms://entrance/1",
    )
    rows["footage"].identified_patrons.add(patron)
    ResponsibleParty.objects.create(patron=patron, name="Ward's Parent", relationship="parent")
    Authorization.objects.create(
        patron=patron, agent_name="A Friend", fields=["loans.titles"], signed_on=now.date()
    )
    Concern.objects.create(
        patron=patron,
        topic="privacy",
        message="Who saw my record?",
        created_at=now,
        due_on=now.date(),
    )
    SignInThrottle.objects.create(
        key=card_key(CARD), failures=2, first_failure_at=now, last_failure_at=now
    )
    session = SessionStore()
    session["portal_patron_ref"] = str(patron.ref)
    session.create()
    rows["session_key"] = session.session_key

    # Someone else's record names this patron's card as their guardian.
    ward = library.patron(card_number="21234000066666", first_name="Wee", last_name="Ward", age=8)
    rows["ward_party"] = ResponsibleParty.objects.create(
        patron=ward, name="Guardian", relationship="guardian", guardian_patron=patron
    )
    # A hold the director placed once and released: it stays in the history.
    rows["released_hold"] = LegalHold.objects.create(
        patron=patron,
        reason="Preservation letter",
        placed_by=director,
        placed_at=now - dt.timedelta(days=10),
        released_at=now - dt.timedelta(days=5),
        released_by=director,
        release_reason="The letter was withdrawn",
    )
    return patron, rows


SNAPSHOT_MODELS = (
    Patron,
    DataKey,
    Loan,
    PastLoan,
    Hold,
    Item,
    Charge,
    Payment,
    ProgramRegistration,
    ComputerSession,
    RoomBooking,
    ReferenceInterview,
    InterlibraryLoanRequest,
    SearchRecord,
    CameraFootage.identified_patrons.through,
    ResponsibleParty,
    Authorization,
    Concern,
    SignInThrottle,
    Session,
    LegalHold,
    SentNotice,
)


def snapshot() -> dict:
    """Every row of every table erasure touches, to compare before and after a refusal."""
    return {
        m._meta.label: sorted(map(repr, m.objects.order_by("pk").values_list()))
        for m in SNAPSHOT_MODELS
    }
