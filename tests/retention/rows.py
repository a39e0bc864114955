"""One record per retention category whose business ended at a given moment, and a check of
whether the purge has dealt with it (deleted, or made anonymous)."""

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from custodian.disclosure.models import Case, DisclosureRequest, Release
from custodian.holds.models import LegalHold
from custodian.records.models import (
    CameraFootage,
    Charge,
    ComputerSession,
    Hold,
    InterlibraryLoanRequest,
    PastLoan,
    Patron,
    Payment,
    ProgramRegistration,
    ReferenceInterview,
    RoomBooking,
    SearchRecord,
)
from tests.records.factories import (
    NOW,
    make_branch,
    make_item,
    make_patron,
    make_program,
    make_room,
)

HOUR = dt.timedelta(hours=1)
_n = itertools.count(1)


def staff(role="director"):
    user, _ = get_user_model().objects.get_or_create(
        username=f"{role}-retention", defaults={"role": role}
    )
    return user


def registration(ended, patron=None):
    # `ended` is the day the card expired.
    return make_patron(registered_on=dt.date(2015, 1, 1), expires_on=ended)


def reading_history(ended, patron=None):
    patron = patron or make_patron(keeps_reading_history=True)
    return PastLoan.objects.create(
        patron=patron, item=make_item(), checked_out_at=ended - 10 * 24 * HOUR, returned_at=ended
    )


def holds(ended, patron=None):
    return Hold.objects.create(pickup_branch=make_branch(), placed_at=ended, status="filled")


def charges(ended, patron=None):
    patron = patron or make_patron()
    charge = Charge.objects.create(
        patron=patron,
        kind="overdue",
        amount=Decimal("1.50"),
        item=make_item(),
        assessed_at=ended - 48 * HOUR,
        note="late: the title of the book",
    )
    Payment.objects.create(
        patron=patron, charge=charge, amount=Decimal("1.50"), method="cash", paid_at=ended
    )
    return charge


def programs(ended, patron=None):
    return ProgramRegistration.objects.create(
        program=make_program(starts_at=ended),
        patron=patron or make_patron(),
        registered_at=ended - 72 * HOUR,
    )


def computer_sessions(ended, patron=None):
    return ComputerSession.objects.create(
        patron=patron or make_patron(),
        branch=make_branch(),
        workstation=f"PC{next(_n)}",
        started_at=ended - HOUR,
        ended_at=ended,
    )


def room_bookings(ended, patron=None):
    return RoomBooking.objects.create(
        room=make_room(), patron=patron or make_patron(), starts_at=ended - HOUR, ends_at=ended
    )


def reference_interviews(ended, patron=None):
    return ReferenceInterview.objects.create(
        patron=patron or make_patron(),
        branch=make_branch(),
        asked_at=ended,
        channel="phone",
        question="Books about a private matter",
    )


def ill(ended, patron=None):
    return InterlibraryLoanRequest.objects.create(
        patron=patron or make_patron(), title="A borrowed title", requested_at=ended,
        status="returned",
    )  # fmt: skip


def searches(ended, patron=None):
    return SearchRecord.objects.create(
        patron=patron or make_patron(), database="catalogue", query="a private question",
        searched_at=ended,
    )  # fmt: skip


def video(ended, patron=None):
    footage = CameraFootage.objects.create(
        branch=make_branch(),
        camera="Front door",
        starts_at=ended - HOUR,
        ends_at=ended,
        retain_until=timezone.localdate(NOW) - dt.timedelta(days=1),
        storage_ref=f"vms://clip/{next(_n)}",
    )
    if patron is not None:
        footage.identified_patrons.add(patron)
    return footage


def cases(ended, patron=None):
    patron = patron or make_patron()
    request = DisclosureRequest.objects.create(
        profile="sonoma-county",
        requester_kind="law_enforcement",
        channel="in_person",
        patron_ref=patron.ref,
        patron_age=40,
        requested=["loans.titles"],
        decision={},
        outcome="refer",
        refer_to="director",
        instrument_type="subpoena",
        created_by=staff(),
    )
    request.scan.save(f"scan-{request.ref}", ContentFile(b"%PDF-scan"), save=True)
    case = Case.objects.create(
        request=request, kind="referral", assigned_role="director", decision={}
    )
    Case.objects.filter(pk=case.pk).update(status="released", closed_at=ended, opened_at=ended)
    release = Release(
        case=case, fields=["loans.titles"], handed_to="Det. Example", handed_at=ended, by=staff()
    )
    release.pdf.save(f"{release.ref}.pdf", ContentFile(b"%PDF-package"), save=False)
    release.json.save(f"{release.ref}.json", ContentFile(b"{}"), save=False)
    release.save()
    return Case.objects.get(pk=case.pk)


BUILDERS = {
    "registration": registration,
    "reading_history": reading_history,
    "holds": holds,
    "charges": charges,
    "programs": programs,
    "computer_sessions": computer_sessions,
    "room_bookings": room_bookings,
    "reference_interviews": reference_interviews,
    "ill": ill,
    "searches": searches,
    "video": video,
    "cases": cases,
}
# Categories whose period counts from a day (not a moment).
BY_DAY = {"registration"}


def dealt_with(name, row) -> bool:
    """Whether the purge has deleted the row, or cut every link to a person."""
    model = type(row)
    current = model.objects.filter(pk=row.pk).first()
    if current is None:
        return True
    if name == "charges":
        return current.patron_id is None and current.item_id is None and current.note == ""
    if name == "computer_sessions":
        return current.patron_id is None and current.guest_pass == ""
    if name == "holds":
        return False  # closed holds are deleted
    if name == "cases":
        request = current.request
        releases = list(current.releases.all())
        return (
            request.patron_ref is None
            and not request.scan
            and all(not r.pdf and not r.json for r in releases)
        )
    if name == "registration":
        return not Patron.objects.filter(pk=row.pk).exists()
    return getattr(current, "patron_id", "n/a") is None


def place_hold(patron, *, categories=(), sealed=False, records_from=None, records_until=None):
    return LegalHold.objects.create(
        patron=patron,
        categories=list(categories),
        records_from=records_from,
        records_until=records_until,
        reason="Preservation letter from the county attorney",
        sealed=sealed,
        placed_by=staff(),
        placed_at=NOW - 400 * 24 * HOUR,
    )
