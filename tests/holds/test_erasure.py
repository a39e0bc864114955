"""Erasing a person for good: every kind of record, refusals, the audit entry, the data key."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.db.models import Sum
from django.utils import timezone

from custodian.accounts.models import Role
from custodian.audit.models import AuditEntry
from custodian.circulation import services as circulation
from custodian.holds import erasure
from custodian.holds.erasure import (
    InterlibraryLoanInHand,
    ItemsStillOut,
    PatronHeld,
    erase_patron,
)
from custodian.holds.models import LegalHold
from custodian.notices.models import SentNotice
from custodian.portal.models import Concern, SignInThrottle
from custodian.records.models import (
    Authorization,
    CameraFootage,
    Charge,
    ComputerSession,
    Hold,
    InterlibraryLoanRequest,
    Item,
    PastLoan,
    Patron,
    Payment,
    ProgramRegistration,
    ReferenceInterview,
    ResponsibleParty,
    RoomBooking,
    SearchRecord,
)
from tests.door import library
from tests.holds.library import CARD, FIRST, LAST, everything, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def director():
    return library.staff(Role.DIRECTOR, "director")


@pytest.fixture
def full(director):
    return everything(director=director)


def _erase(patron, **kw):
    return erase_patron(patron=patron, actor="clerk", role="desk", reason="patron_asked", **kw)


def test_the_registration_and_everything_only_theirs_is_deleted(full):
    patron, rows = full
    pk, ref = patron.pk, patron.ref
    result = _erase(patron)
    assert not Patron.objects.filter(pk=pk).exists()
    assert not Patron.objects.filter(ref=ref).exists()
    assert PastLoan.objects.count() == 0
    assert ProgramRegistration.objects.count() == 0
    assert Authorization.objects.count() == 0
    assert Concern.objects.count() == 0
    assert not SignInThrottle.objects.exists()
    assert not Session.objects.filter(session_key=rows["session_key"]).exists()
    # Their own responsible party goes; the ward's entry naming them stays, unlinked.
    assert list(ResponsibleParty.objects.values_list("pk", flat=True)) == [rows["ward_party"].pk]
    rows["ward_party"].refresh_from_db()
    assert rows["ward_party"].guardian_patron_id is None
    assert result.erased["registration"] == 1
    assert result.erased["reading_history"] == 1
    assert result.erased["room_bookings_to_come"] == 1


def test_money_records_are_kept_for_the_accounts_with_no_person(full):
    patron, rows = full
    total_charged = Charge.objects.aggregate(s=Sum("amount"))["s"]
    total_paid = Payment.objects.aggregate(s=Sum("amount"))["s"]
    _erase(patron)
    assert Charge.objects.aggregate(s=Sum("amount"))["s"] == total_charged == Decimal("2.50")
    assert Payment.objects.aggregate(s=Sum("amount"))["s"] == total_paid == Decimal("1.00")
    assert not Charge.objects.filter(patron__isnull=False).exists()
    assert not Payment.objects.filter(patron__isnull=False).exists()
    # The payment still says which charge it paid.
    assert Payment.objects.get().charge_id == rows["charge"].pk


def test_open_holds_are_cancelled_and_name_no_one(full):
    patron, rows = full
    _erase(patron)
    hold = Hold.objects.get(pk=rows["hold"].pk)
    assert hold.status == Hold.Status.CANCELLED
    assert hold.patron_id is None and hold.item_id is None
    assert not SentNotice.objects.exists()


def test_a_ready_hold_passes_its_item_on(director):
    branch = library.branch()
    patron = library.patron(card_number=CARD, first_name=FIRST, last_name=LAST)
    item = library.item("3900000000201", "Shelf Book", at=branch)
    now = timezone.now()
    circulation.place_hold(patron=patron, item=item, pickup_branch=branch, now=now)
    hold = Hold.objects.get()
    Hold.objects.filter(pk=hold.pk).update(status="ready", ready_until=now.date())
    Item.objects.filter(pk=item.pk).update(status="on_hold_shelf")
    _erase(patron)
    assert Item.objects.get(pk=item.pk).status == "available"
    assert Hold.objects.get(pk=hold.pk).status == "cancelled"


def test_service_rows_are_stripped_when_the_schedule_says_strip(full, monkeypatch):
    monkeypatch.setattr(erasure, "schedule_action", lambda category: "strip")
    patron, rows = full
    result = _erase(patron)
    for key, model in (
        ("ended_session", ComputerSession),
        ("open_session", ComputerSession),
        ("past_booking", RoomBooking),
        ("interview", ReferenceInterview),
        ("ill_done", InterlibraryLoanRequest),
        ("ill_open", InterlibraryLoanRequest),
        ("search", SearchRecord),
    ):
        row = model.objects.get(pk=rows[key].pk)
        assert row.patron_id is None, key
    # An open session is ended, an open interlibrary request cancelled; the room's use stays.
    assert ComputerSession.objects.get(pk=rows["open_session"].pk).ended_at is not None
    assert InterlibraryLoanRequest.objects.get(pk=rows["ill_open"].pk).status == "cancelled"
    assert RoomBooking.objects.count() == 1
    assert result.stripped == result.stripped | {
        "computer_sessions": 2,
        "room_bookings": 1,
        "reference_interviews": 1,
        "ill": 2,
        "searches": 1,
    }


def test_service_rows_are_deleted_when_the_schedule_says_delete(full, monkeypatch):
    monkeypatch.setattr(erasure, "schedule_action", lambda category: "delete")
    patron, rows = full
    result = _erase(patron)
    for model in (
        ComputerSession,
        RoomBooking,
        ReferenceInterview,
        InterlibraryLoanRequest,
        SearchRecord,
    ):
        assert model.objects.count() == 0, model.__name__
    assert result.erased["computer_sessions"] == 2
    assert result.erased["searches"] == 1


def test_the_profile_schedule_decides_strip_or_delete():
    # Whatever the profile says, erasure only ever strips or deletes.
    from custodian.policy.retention import CATEGORIES

    for category in CATEGORIES:
        assert erasure.schedule_action(category) in ("strip", "delete")


def test_footage_stays_but_no_longer_names_the_patron(full):
    patron, rows = full
    _erase(patron)
    footage = CameraFootage.objects.get(pk=rows["footage"].pk)
    assert footage.identified_patrons.count() == 0


def test_a_released_legal_hold_stays_in_the_history_naming_no_one(full):
    patron, rows = full
    _erase(patron)
    hold = LegalHold.objects.get(pk=rows["released_hold"].pk)
    assert hold.patron_id is None
    assert hold.release_reason == "The letter was withdrawn"


def test_other_patrons_are_untouched(full):
    patron, rows = full
    other = library.patron(card_number="21234000077777", first_name="Other", last_name="Person")
    Charge.objects.create(
        patron=other, kind="card", amount=Decimal("1.00"), assessed_at=timezone.now()
    )
    _erase(patron)
    assert Patron.objects.filter(pk=other.pk).exists()
    assert Charge.objects.filter(patron=other).count() == 1


def test_the_data_key_is_destroyed(full):
    from custodian.records.models import DataKey

    patron, rows = full
    assert DataKey.objects.filter(owner_ref=patron.ref).exists()
    result = _erase(patron)
    assert result.key_forgotten is True
    assert not DataKey.objects.filter(owner_ref=patron.ref).exists()


def test_one_audit_entry_with_counts_only(full):
    patron, rows = full
    ref = str(patron.ref)
    before = AuditEntry.objects.count()
    result = _erase(patron)
    entries = list(AuditEntry.objects.filter(seq__gt=before - 1, action="erase"))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.seq == result.audit_seq
    assert str(entry.patron_ref) == ref
    assert entry.actor == "clerk" and entry.role == "desk"
    assert "reason.patron_asked" in entry.fields
    assert "erased.registration.1" in entry.fields
    assert "stripped.charges.1" in entry.fields
    for name in entry.fields:
        assert re.fullmatch(r"(erased|stripped)\.[a-z_]+\.\d+|reason\.[a-z_]+", name), name
    for secret in (FIRST, LAST, CARD, "Orchard", "tax forms", "Who saw"):
        assert secret not in entry.body


def test_free_text_reasons_never_reach_the_audit_log(full):
    patron, rows = full
    erase_patron(patron=patron, actor="it", role="it_admin", reason=f"{FIRST} moved away")
    entry = AuditEntry.objects.filter(action="erase").get()
    assert "reason.other" in entry.fields
    assert FIRST not in entry.body


def test_a_reason_is_required(full):
    patron, rows = full
    with pytest.raises(ValueError):
        erase_patron(patron=patron, actor="clerk", role="desk", reason="  ")
    assert Patron.objects.filter(pk=patron.pk).exists()


def test_refuses_while_a_legal_hold_names_the_patron_and_changes_nothing(full, director):
    patron, rows = full
    LegalHold.objects.create(
        patron=patron,
        categories=["reading_history"],
        reason="Subpoena",
        placed_by=director,
        placed_at=timezone.now(),
    )
    before = snapshot()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(PatronHeld) as refused:
        _erase(patron)
    assert "legal hold" in str(refused.value)
    assert snapshot() == before
    assert AuditEntry.objects.count() == audit_before


def test_refuses_while_items_are_out_saying_how_many(full):
    patron, rows = full
    branch = library.branch()
    for n in range(2):
        item = library.item(f"390000000030{n}", f"Out Book {n}", at=branch)
        circulation.check_out(patron=patron, item=item, branch=branch)
    before = snapshot()
    with pytest.raises(ItemsStillOut) as refused:
        _erase(patron)
    assert "2 items are still out on loan" in str(refused.value)
    assert "check them in or mark them lost" in str(refused.value).lower()
    for secret in (FIRST, LAST, CARD):
        assert secret not in str(refused.value)
    assert snapshot() == before


def test_refuses_while_an_interlibrary_loan_is_in_their_hands(full):
    patron, rows = full
    InterlibraryLoanRequest.objects.filter(pk=rows["ill_open"].pk).update(status="received")
    before = snapshot()
    with pytest.raises(InterlibraryLoanInHand):
        _erase(patron)
    assert snapshot() == before


def test_a_failure_halfway_leaves_everything_as_it_was(full, monkeypatch):
    patron, rows = full
    before = snapshot()

    def broken(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(erasure, "record_access", broken)
    with pytest.raises(RuntimeError):
        _erase(patron)
    assert snapshot() == before


def test_erasure_at_a_given_moment(full):
    patron, rows = full
    later = timezone.now() + dt.timedelta(days=1)
    _erase(patron, now=later)
    session = ComputerSession.objects.get(pk=rows["open_session"].pk)
    assert session.ended_at == later


def test_an_expired_card_is_erased_without_scanning_sessions(full):
    patron, rows = full
    result = erase_patron(
        patron=patron, actor="custodian-purge", role="system", reason="card_expired"
    )
    assert "portal_sessions" not in result.erased
    assert not Patron.objects.filter(pk=patron.pk).exists()
    entry = AuditEntry.objects.filter(action="erase").get()
    assert "reason.card_expired" in entry.fields and entry.actor == "custodian-purge"


def test_another_patrons_portal_session_survives(full):
    from django.contrib.sessions.backends.db import SessionStore

    patron, rows = full
    other = SessionStore()
    other["portal_patron_ref"] = "00000000-0000-0000-0000-000000000001"
    other.create()
    _erase(patron)
    assert Session.objects.filter(session_key=other.session_key).exists()
    assert not Session.objects.filter(session_key=rows["session_key"]).exists()


def test_an_item_marked_lost_does_not_stop_erasure(full):
    from custodian.records.models import Loan

    patron, rows = full
    branch = library.branch()
    item = library.item("3900000000601", "Never Coming Back", at=branch)
    circulation.check_out(patron=patron, item=item, branch=branch)
    with pytest.raises(ItemsStillOut):
        _erase(patron)
    Item.objects.filter(pk=item.pk).update(status="lost")
    result = _erase(patron)
    assert result.erased["lost_items_loans"] == 1
    assert not Loan.objects.exists()
    assert Item.objects.get(pk=item.pk).status == "lost"


def test_an_old_copy_of_the_patrons_row_no_longer_opens(full):
    """What a backup taken before the erasure holds: the sealed columns, raw. Once the
    data key is destroyed they open to nothing, here or in any copy of the database."""
    from django.db import connection

    from custodian.records import sealing

    patron, rows = full
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT first_name, last_name, address FROM records_patron WHERE id = %s",
            [patron.pk],
        )
        backup = cursor.fetchone()
    labels = ("records.patron.first_name", "records.patron.last_name", "records.patron.address")
    assert all(sealing.is_sealed(v) for v in backup)
    assert FIRST not in "".join(backup) and LAST not in "".join(backup)
    assert sealing.open_sealed(backup[0], labels[0]) == FIRST
    _erase(patron)
    sealing.clear_cache()
    for value, label in zip(backup, labels, strict=True):
        assert sealing.open_sealed(value, label) is None
