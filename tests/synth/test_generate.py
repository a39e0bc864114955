"""The generated library is deterministic, believable and keeps every rule of the records."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from custodian.records.models import (
    CameraFootage,
    Charge,
    CirculationCount,
    ComputerSession,
    Hold,
    Item,
    Loan,
    PastLoan,
    Patron,
    Payment,
    ProgramRegistration,
    ResponsibleParty,
    RoomBooking,
)
from custodian.records.selectors import patron_by_card
from custodian.synth.generator import LibraryExists, generate
from custodian.synth.rand import age_on, mod10_check_digit
from tests.synth.conftest import FIXED_NOW, PATRONS, SEED

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _snapshot(*, seed: int) -> dict:
    """Generate inside a transaction, note what came out, and roll it all back."""
    result: dict = {}
    try:
        with transaction.atomic():
            summary = generate(patrons=300, seed=seed, now=FIXED_NOW)
            result["written"] = summary.written
            result["cards"] = list(
                Patron.objects.order_by("pk").values_list("card_number", flat=True)
            )
            result["items"] = list(Item.objects.order_by("pk").values_list("barcode", "title"))
            result["loans"] = list(
                Loan.objects.order_by("item__barcode").values_list(
                    "item__barcode", "patron__card_number", "due_on"
                )
            )
            result["showcase"] = summary.showcase
            raise _Rollback
    except _Rollback:
        pass
    return result


def test_same_seed_same_library_other_seed_other_library(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    first, again, other = _snapshot(seed=5), _snapshot(seed=5), _snapshot(seed=6)
    assert first["written"] == again["written"]
    assert first["cards"] == again["cards"]
    assert first["items"] == again["items"]
    assert first["loans"] == again["loans"]
    assert first["showcase"] == again["showcase"]
    assert first["cards"] != other["cards"]


def test_card_numbers_are_unique_14_digit_library_barcodes(library):
    cards = list(Patron.objects.values_list("card_number", flat=True))
    assert len(cards) == PATRONS == len(set(cards))
    for card in cards:
        assert len(card) == 14 and card.isdigit() and card.startswith("23141")
        assert card[-1] == mod10_check_digit(card[:-1])
    barcodes = list(Item.objects.values_list("barcode", flat=True))
    assert all(len(b) == 14 and b.startswith("33141") for b in barcodes)


def test_age_mix_is_believable(library):
    today = timezone.localdate(FIXED_NOW)
    ages = [
        age_on(birth=b, today=today) for b in Patron.objects.values_list("birth_date", flat=True)
    ]
    children = sum(age < 13 for age in ages) / len(ages)
    teens = sum(13 <= age <= 17 for age in ages) / len(ages)
    assert 0.11 <= children <= 0.19
    assert 0.06 <= teens <= 0.14
    assert max(ages) <= 92 and min(ages) >= 2


def test_every_child_has_a_responsible_party_who_signed(library):
    today = timezone.localdate(FIXED_NOW)
    cutoff = dt.date(today.year - 13, today.month, today.day)
    # Birth dates are sealed at rest (docs/encryption.md): compared in Python.
    born = dict(Patron.objects.values_list("pk", "birth_date"))
    children = Patron.objects.filter(pk__in=[pk for pk, b in born.items() if b > cutoff])
    assert children.exists()
    assert not children.filter(responsible_parties__isnull=True).exists()
    for child in children.prefetch_related("responsible_parties"):
        assert any(
            p.financially_responsible and p.signed_on for p in child.responsible_parties.all()
        )
    adult_from = dt.date(today.year - 18, today.month, today.day)
    teens = Patron.objects.filter(pk__in=[pk for pk, b in born.items() if adult_from < b <= cutoff])
    with_party = teens.filter(responsible_parties__isnull=False).distinct().count()
    assert with_party / teens.count() > 0.6


def test_reading_history_only_for_patrons_who_opted_in(library):
    assert PastLoan.objects.exists()
    assert not PastLoan.objects.filter(patron__keeps_reading_history=False).exists()
    opted_in = Patron.objects.filter(keeps_reading_history=True).count()
    assert 0 < opted_in < PATRONS * 0.25
    # Everyone else's returned loans survive only as anonymous counts.
    assert CirculationCount.objects.aggregate(n=Sum("checkouts"))["n"] > PastLoan.objects.count()


def test_loans_never_share_an_item_and_items_say_so(library):
    items = list(Loan.objects.values_list("item_id", flat=True))
    assert len(items) == len(set(items)) > 0
    on_loan = set(Item.objects.filter(status=Item.Status.ON_LOAN).values_list("pk", flat=True))
    assert on_loan == set(items)
    today = timezone.localdate(FIXED_NOW)
    assert Loan.objects.filter(due_on__lt=today).exists(), "some loans are overdue"
    assert not Loan.objects.filter(patron__status=Patron.Status.EXPIRED).exists()
    assert not Loan.objects.filter(checked_out_at__gt=FIXED_NOW).exists()


def test_transactions_are_about_ten_per_patron(library):
    assert 8 * PATRONS <= library.loan_transactions <= 12 * PATRONS


def test_holds_are_open_once_and_ready_ones_are_on_the_shelf(library):
    open_holds = Hold.objects.filter(status__in=["waiting", "ready"])
    pairs = Counter(open_holds.values_list("patron_id", "item_id"))
    assert pairs and max(pairs.values()) == 1
    ready = Hold.objects.filter(status="ready")
    assert ready.exists()
    assert not ready.exclude(item__status=Item.Status.ON_HOLD_SHELF).exists()
    # A waiting hold is never on an item the same patron has out.
    assert not Hold.objects.filter(
        status="waiting", item__current_loan__patron=F("patron")
    ).exists()


def test_balances_never_negative(library):
    charged = dict(Charge.objects.values_list("patron").annotate(t=Sum("amount")))
    paid = dict(Payment.objects.values_list("patron").annotate(t=Sum("amount")))
    assert charged and paid
    for patron, total in paid.items():
        assert charged.get(patron, Decimal(0)) >= total
    per_charge = Payment.objects.values("charge").annotate(t=Sum("amount"))
    amounts = dict(Charge.objects.values_list("pk", "amount"))
    for row in per_charge:
        assert row["t"] <= amounts[row["charge"]]
    # Blocked patrons owe something.
    blocked = Patron.objects.filter(status=Patron.Status.BLOCKED).values_list("pk", flat=True)
    for patron in blocked:
        assert charged.get(patron, Decimal(0)) - paid.get(patron, Decimal(0)) > 0


def test_room_bookings_never_overlap(library):
    by_room = defaultdict(list)
    for room, start, end in RoomBooking.objects.values_list("room_id", "starts_at", "ends_at"):
        by_room[room].append((start, end))
    assert by_room
    for bookings in by_room.values():
        bookings.sort()
        for (_s1, end), (start, _e2) in zip(bookings, bookings[1:], strict=False):
            assert end <= start


def test_programs_stay_within_capacity_and_attendance_is_known_only_afterwards(library):
    counts = ProgramRegistration.objects.values("program_id", "program__capacity").annotate(
        n=Count("pk")
    )
    assert counts
    for row in counts:
        assert row["program__capacity"] is not None and row["n"] <= row["program__capacity"]
    assert not ProgramRegistration.objects.filter(
        program__starts_at__gt=FIXED_NOW, attended__isnull=False
    ).exists()
    assert not ProgramRegistration.objects.filter(
        program__starts_at__lt=FIXED_NOW, attended__isnull=True
    ).exists()


def test_services_records_exist(library):
    assert ComputerSession.objects.filter(patron__isnull=True).exclude(guest_pass="").exists()
    assert ComputerSession.objects.filter(ended_at__isnull=True).exists()
    held = CameraFootage.objects.filter(identified_patrons__isnull=False)
    assert held.exists()
    today = timezone.localdate(FIXED_NOW)
    assert not CameraFootage.objects.filter(retain_until__lt=today).exists()
    for name in ("ReferenceInterview", "InterlibraryLoanRequest", "SearchRecord", "Authorization"):
        assert library.written[name] > 0, name


def test_showcase_patrons_are_what_the_demo_says(library):
    cards = {s.label: s.card_number for s in library.showcase}
    adult = patron_by_card(cards["adult"])
    assert adult.loans.count() >= 3 and adult.holds.filter(status="ready").exists()
    assert adult.charges.exists() and adult.keeps_reading_history
    today = timezone.localdate(FIXED_NOW)
    teen = patron_by_card(cards["teen"])
    assert age_on(birth=teen.birth_date, today=today) == 15
    assert teen.responsible_parties.filter(
        relationship=ResponsibleParty.Relationship.GUARDIAN
    ).exists()
    child = patron_by_card(cards["child"])
    assert age_on(birth=child.birth_date, today=today) == 10 and child.responsible_parties.exists()


def test_refuses_a_database_that_already_holds_a_library(library):
    with pytest.raises(LibraryExists):
        generate(patrons=10, seed=SEED, now=FIXED_NOW)


def test_settled_overdue_fines_no_longer_name_the_item(library):
    settled = Charge.objects.filter(kind=Charge.Kind.OVERDUE, payments__amount=F("amount"))
    assert settled.exists()
    assert not settled.filter(item__isnull=False).exists()


def test_demo_pins_verify_against_the_stored_hashes(library):
    from custodian.circulation.services import verify_pin

    for showcase in library.showcase:
        patron = patron_by_card(showcase.card_number)
        assert patron.pin_hash.startswith(("$argon2", "argon2$"))
        assert verify_pin(patron=patron, pin=showcase.pin)
        assert not verify_pin(patron=patron, pin="0000" if showcase.pin != "0000" else "1111")


# The categories whose periods the generator lays out as the daily run leaves them. Issue
# 11's schedule also gives periods to expired registrations, settled charges, programs and
# reference interviews, which the generator does not follow yet (the run finds some due).
GENERATED_AS_PURGED = (
    "reading_history",
    "holds",
    "computer_sessions",
    "room_bookings",
    "ill",
    "searches",
    "video",
    "cases",
    "audit",
)


def test_the_library_is_generated_as_the_retention_run_leaves_it(library):
    from custodian.retention.services import purge

    # Nothing ties a patron to a closed hold, and the daily run finds nothing left to cut.
    closed = Hold.objects.exclude(status__in=["waiting", "ready"])
    assert closed.exists()
    assert not closed.filter(patron__isnull=False).exists()
    assert not closed.filter(item__isnull=False).exists()
    due = {c.name: c.rows for c in purge(now=FIXED_NOW, dry_run=True).categories}
    assert {name: due[name] for name in GENERATED_AS_PURGED} == dict.fromkeys(
        GENERATED_AS_PURGED, 0
    )
    # What the run would have cut is there, anonymous: the generator does not skip it.
    assert ComputerSession.objects.filter(patron__isnull=True, guest_pass="").exists()
    assert RoomBooking.objects.filter(patron__isnull=True).exists()
