"""A patron with every category of record populated, for "take my data" tests and its
benchmark (benchmarks/bench_take_my_data.py): `years` of opted-in reading history with
`past_loans` returned items, a few current loans (one overdue, one lost), and rows in every
other table. Bulk inserts: ten years of history takes a moment, not a minute.

Every text a test looks for carries `tag`, so another patron built with another tag can be
told apart in the output.
"""

import datetime as dt
import zlib
from decimal import Decimal

from django.utils import timezone

from custodian.portal.models import Concern
from custodian.records.models import (
    Authorization,
    Branch,
    CameraFootage,
    Charge,
    ComputerSession,
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


def full_patron(
    *,
    tag: str = "Alpha",
    card_number: str = "21234000055555",
    past_loans: int = 40,
    years: int = 10,
    others: int = 5,
    branch: Branch | None = None,
) -> Patron:
    """A patron of the library with `past_loans` past loans spread over `years` and
    `others` rows in each other table."""
    now = timezone.now()
    today = timezone.localdate()
    branch = branch or Branch.objects.get_or_create(code="MAIN", defaults={"name": "Main"})[0]
    patron = Patron.objects.create(
        card_number=card_number,
        first_name=f"{tag}first",
        last_name=f"{tag}last",
        birth_date=dt.date(1970, 5, 4),
        home_branch=branch,
        registered_on=today - dt.timedelta(days=365 * years + 30),
        expires_on=today + dt.timedelta(days=365),
        keeps_reading_history=True,
        reading_history_changed_at=now - dt.timedelta(days=365 * years + 20),
        address=f"1 {tag} Street",
        phone="707-555-0199",
        email=f"{tag.lower()}@example.org",
        notice_channel="sms",
    )
    prefix = f"{zlib.crc32(tag.encode()) % 10**6:06d}"

    def items(kind: str, count: int, start: int = 0) -> list[Item]:
        made = Item.objects.bulk_create(
            Item(
                barcode=f"39{prefix}{kind}{n:07d}",
                title=f"{tag} {kind} title {n}",
                author=f"{tag} Author {n % 50}",
                branch=branch,
            )
            for n in range(start, start + count)
        )
        return made

    # Reading history: `past_loans` returns over `years`, oldest first.
    span = dt.timedelta(days=365 * years)
    history_items = items("H", past_loans)
    step = span / max(1, past_loans)
    PastLoan.objects.bulk_create(
        PastLoan(
            patron=patron,
            item=item,
            checked_out_at=now - span + step * n,
            returned_at=now - span + step * n + dt.timedelta(days=14),
        )
        for n, item in enumerate(history_items)
    )

    # Current loans: one overdue, one lost, the rest due later.
    current = items("L", max(3, others))
    current[1].status = Item.Status.LOST
    current[1].save(update_fields=["status"])
    Loan.objects.bulk_create(
        Loan(
            item=item,
            patron=patron,
            branch=branch,
            checked_out_at=now - dt.timedelta(days=30 if n == 0 else 3),
            due_on=today - dt.timedelta(days=9) if n == 0 else today + dt.timedelta(days=18),
        )
        for n, item in enumerate(current)
    )
    Item.objects.filter(pk__in=[i.pk for i in current if i.status != Item.Status.LOST]).update(
        status=Item.Status.ON_LOAN
    )

    charges = Charge.objects.bulk_create(
        Charge(
            patron=patron,
            kind="overdue",
            amount=Decimal("0.75"),
            item=current[0],
            assessed_at=now - dt.timedelta(days=n + 1),
        )
        for n in range(others)
    )
    Payment.objects.bulk_create(
        Payment(
            patron=patron,
            charge=charges[n],
            amount=Decimal("0.50"),
            method="cash",
            paid_at=now - dt.timedelta(hours=n + 1),
        )
        for n in range(others)
    )
    Hold.objects.bulk_create(
        Hold(patron=patron, item=item, pickup_branch=branch, placed_at=now - dt.timedelta(days=1))
        for item in items("W", others)
    )
    programs = Program.objects.bulk_create(
        Program(title=f"{tag} program {n}", branch=branch, starts_at=now - dt.timedelta(days=n))
        for n in range(others)
    )
    ProgramRegistration.objects.bulk_create(
        ProgramRegistration(
            program=program, patron=patron, registered_at=now - dt.timedelta(days=30)
        )
        for program in programs
    )
    ComputerSession.objects.bulk_create(
        ComputerSession(
            patron=patron,
            branch=branch,
            workstation=f"PC-{n}",
            started_at=now - dt.timedelta(days=n + 1, hours=2),
            ended_at=now - dt.timedelta(days=n + 1, hours=1),
        )
        for n in range(others)
    )
    room = Room.objects.create(branch=branch, name=f"{tag} Room")
    RoomBooking.objects.bulk_create(
        RoomBooking(
            room=room,
            patron=patron,
            starts_at=now + dt.timedelta(days=n + 1),
            ends_at=now + dt.timedelta(days=n + 1, hours=1),
            attendees=3,
        )
        for n in range(others)
    )
    ReferenceInterview.objects.bulk_create(
        ReferenceInterview(
            patron=patron,
            branch=branch,
            asked_at=now - dt.timedelta(days=n),
            channel="chat",
            question=f"{tag} question {n}",
        )
        for n in range(others)
    )
    InterlibraryLoanRequest.objects.bulk_create(
        InterlibraryLoanRequest(
            patron=patron,
            title=f"{tag} borrowed elsewhere {n}",
            lending_library="Another Library",
            requested_at=now - dt.timedelta(days=n),
        )
        for n in range(others)
    )
    SearchRecord.objects.bulk_create(
        SearchRecord(
            patron=patron,
            database="catalogue",
            query=f"{tag} search {n}",
            searched_at=now - dt.timedelta(hours=n),
        )
        for n in range(others)
    )
    footage = CameraFootage.objects.bulk_create(
        CameraFootage(
            branch=branch,
            camera=f"{tag} camera {n}",
            starts_at=now - dt.timedelta(days=n + 1),
            ends_at=now - dt.timedelta(days=n + 1) + dt.timedelta(minutes=30),
            retain_until=today + dt.timedelta(days=20),
            storage_ref=f"vms://{tag}/{n}",
        )
        for n in range(others)
    )
    for clip in footage:
        clip.identified_patrons.add(patron)
    ResponsibleParty.objects.create(
        patron=patron, name=f"{tag} Guardian", relationship="guardian", phone="707-555-0111"
    )
    ward = Patron.objects.create(
        card_number=f"{card_number[:-1]}9",
        first_name=f"{tag}ward",
        last_name=f"{tag}child",
        birth_date=today - dt.timedelta(days=365 * 8),
        home_branch=branch,
        registered_on=today - dt.timedelta(days=10),
        expires_on=today + dt.timedelta(days=365),
    )
    ResponsibleParty.objects.create(
        patron=ward,
        name=f"{tag}first {tag}last",
        relationship="parent",
        financially_responsible=True,
        signed_on=today - dt.timedelta(days=10),
        guardian_patron=patron,
    )
    Authorization.objects.create(
        patron=patron,
        agent_name=f"{tag} Friend",
        fields=["loans.titles", "loans.due_dates"],
        signed_on=today,
        expires_on=today + dt.timedelta(days=7),
        made_in_portal=True,
    )
    Concern.objects.create(
        patron=patron,
        topic="handling",
        message=f"{tag} concern message",
        created_at=now - dt.timedelta(days=2),
        due_on=today + dt.timedelta(days=28),
    )
    return patron
