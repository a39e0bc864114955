"""The rules record data must keep hold in the database itself, not only in forms."""

import datetime as dt
import re
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import CheckConstraint

from custodian.records.models import (
    Authorization,
    Branch,
    CameraFootage,
    Charge,
    CirculationCount,
    ComputerSession,
    Hold,
    InterlibraryLoanRequest,
    Loan,
    PastLoan,
    Patron,
    Payment,
    ProgramRegistration,
    ReferenceInterview,
    ResponsibleParty,
    Room,
    RoomBooking,
)
from tests.records import factories as f

pytestmark = pytest.mark.django_db


def make_patron(**overrides):
    branch = Branch.objects.get_or_create(code="MAIN", defaults={"name": "Main"})[0]
    values = dict(
        card_number="21000000000001",
        first_name="Ada",
        last_name="Reader",
        home_branch=branch,
        registered_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2028, 1, 1),
    )
    values.update(overrides)
    return Patron.objects.create(**values)


def test_patron_expiry_cannot_precede_registration():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_patron(expires_on=dt.date(2024, 1, 1))


def test_patron_card_numbers_are_unique():
    make_patron()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_patron(first_name="Other")


def test_patron_str_never_shows_the_name():
    patron = make_patron()
    assert "Ada" not in str(patron) and "Reader" not in str(patron)
    assert str(patron.ref) in str(patron)


# --- every constraint in the record models, violated once ------------------------------
#
# `refused(name)` expects the database itself to refuse the write. For CHECK constraints the
# error names the constraint on both SQLite and PostgreSQL, so the test also proves *which*
# rule fired; for UNIQUE constraints only PostgreSQL names it (SQLite names the columns).


NOW = f.NOW
HOUR = dt.timedelta(hours=1)


def _all_constraints():
    for model in apps.get_app_config("records").get_models():
        for constraint in model._meta.constraints:
            yield model, constraint


_CHECKS = {c.name for _, c in _all_constraints() if isinstance(c, CheckConstraint)}
# Enforced by migration 0003 (exclusion constraint or triggers), not by Meta.constraints.
_MIGRATION_GUARDS = {"room_booking_no_overlap"}


@contextmanager
def refused(name, *, or_column_check=None):
    """`or_column_check`: a positive-integer column carries its own CHECK (column >= 0) as
    well, and the database may report that one first. Either proves the rule."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    message = str(caught.value)
    if name in _CHECKS or name in _MIGRATION_GUARDS or connection.vendor == "postgresql":
        names = [name] + ([or_column_check] if or_column_check else [])
        assert any(n in message for n in names), message


def test_every_constraint_in_the_models_has_a_test_here():
    source = Path(__file__).read_text()
    tested = set(re.findall(r'refused\("([a-z_]+)"[,)]', source))
    declared = {c.name for _, c in _all_constraints()} | _MIGRATION_GUARDS
    assert declared - tested == set()


# registration records


def test_patron_status_must_be_known():
    with refused("patron_status_known"):
        f.make_patron(status="suspended-ish")


def test_a_stolen_card_is_a_known_status_reported_no_earlier_than_registration():
    patron = f.make_patron(status=Patron.Status.CARD_STOLEN)
    Patron.objects.filter(pk=patron.pk).update(status_since=patron.registered_on)
    with refused("patron_status_since_registration"):
        Patron.objects.filter(pk=patron.pk).update(
            status_since=patron.registered_on - dt.timedelta(days=1)
        )


def test_patron_notice_channel_must_be_known():
    with refused("patron_notice_channel_known"):
        f.make_patron(notice_channel="pigeon")  # short enough for the column on PostgreSQL


def test_patron_card_number_cannot_be_blank():
    with refused("patron_card_number_present"):
        f.make_patron(card_number="")


def test_patron_expiry_after_registration_is_named():
    with refused("patron_expiry_after_registration"):
        f.make_patron(expires_on=dt.date(2024, 12, 31))


@pytest.mark.parametrize("pin_hash", ["1234", "password", "pbkdf2_sha256$1$x$y", "$2b$12$bcrypt"])
def test_patron_pin_is_only_ever_an_argon2_hash(pin_hash):
    with refused("patron_pin_is_a_hash"):
        f.make_patron(pin_hash=pin_hash)


@pytest.mark.parametrize("pin_hash", ["", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"])
def test_patron_pin_hash_may_be_empty_or_argon2(pin_hash):
    f.make_patron(pin_hash=pin_hash)


def test_financial_responsibility_must_be_signed():
    patron = f.make_patron()
    with refused("financial_responsibility_is_signed"):
        ResponsibleParty.objects.create(
            patron=patron, name="P", relationship="parent", financially_responsible=True
        )


def test_responsible_party_relationship_must_be_known():
    patron = f.make_patron()
    with refused("responsible_party_relationship_known"):
        ResponsibleParty.objects.create(patron=patron, name="P", relationship="neighbour")


def test_authorization_cannot_expire_before_signing():
    patron = f.make_patron()
    with refused("authorization_expiry_after_signing"):
        Authorization.objects.create(
            patron=patron,
            agent_name="Agent",
            fields=["loans.titles"],
            signed_on=dt.date(2026, 1, 10),
            expires_on=dt.date(2026, 1, 9),
        )


# circulation records


def test_item_barcode_cannot_be_blank():
    with refused("item_barcode_present"):
        f.make_item(barcode="")


def test_item_cost_cannot_be_negative():
    with refused("item_cost_not_negative"):
        f.make_item(replacement_cost=Decimal("-0.01"))


def test_item_status_must_be_known():
    with refused("item_status_known"):
        f.make_item(status="misplaced")


def _loan(item, patron, **overrides):
    values = dict(item=item, patron=patron, branch=item.branch, checked_out_at=NOW, due_on=f.TODAY)
    values.update(overrides)
    return Loan.objects.create(**values)


def test_one_current_loan_per_item():
    item = f.make_item()
    _loan(item, f.make_patron())
    with pytest.raises(IntegrityError), transaction.atomic():
        _loan(item, f.make_patron())


def test_loan_renewals_cannot_be_negative():
    with refused("loan_renewals_not_negative", or_column_check="renewals"):
        _loan(f.make_item(), f.make_patron(), renewals=-1)


def test_past_loan_returned_after_checked_out():
    with refused("past_loan_returned_after_out"):
        PastLoan.objects.create(
            patron=f.make_patron(),
            item=f.make_item(),
            checked_out_at=NOW,
            returned_at=NOW - dt.timedelta(seconds=1),
        )


def test_one_circulation_count_per_item_branch_day():
    # The key is the primary key (item, branch, day): no surrogate id, no second row.
    item = f.make_item()
    CirculationCount.objects.create(item=item, branch=item.branch, day=f.TODAY, checkouts=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CirculationCount.objects.create(item=item, branch=item.branch, day=f.TODAY, checkouts=1)
    assert [f.name for f in CirculationCount._meta.pk_fields] == ["item", "branch", "day"]


def _hold(item, patron, **overrides):
    values = dict(item=item, patron=patron, pickup_branch=item.branch, placed_at=NOW)
    values.update(overrides)
    return Hold.objects.create(**values)


def test_one_open_hold_per_patron_and_item():
    item, patron = f.make_item(), f.make_patron()
    _hold(item, patron)
    with refused("one_open_hold_per_patron_item"):
        _hold(item, patron)


def test_a_closed_hold_does_not_block_a_new_one():
    item, patron = f.make_item(), f.make_patron()
    first = _hold(item, patron)
    Hold.objects.filter(pk=first.pk).update(status="cancelled", patron=None, item=None)
    _hold(item, patron)
    assert Hold.objects.filter(patron=patron, item=item).count() == 1


@pytest.mark.parametrize("status", ["filled", "cancelled", "expired"])
@pytest.mark.parametrize("keep", ["patron", "item", "both"])
def test_a_closed_hold_names_neither_patron_nor_item(status, keep):
    item, patron = f.make_item(), f.make_patron()
    hold = _hold(item, patron)
    cleared = {"patron": None, "item": None}
    if keep in ("patron", "both"):
        del cleared["patron"]
    if keep in ("item", "both"):
        del cleared["item"]
    with refused("closed_hold_is_anonymous"):
        Hold.objects.filter(pk=hold.pk).update(status=status, **cleared)
    # Anonymous, the same closing is accepted.
    Hold.objects.filter(pk=hold.pk).update(status=status, patron=None, item=None)


@pytest.mark.parametrize("missing", ["patron", "item"])
def test_an_open_hold_names_its_patron_and_item(missing):
    item = f.make_item()
    values = {"item": item, "patron": f.make_patron(), missing: None}
    with refused("open_hold_names_patron_and_item"):
        Hold.objects.create(**values, pickup_branch=item.branch, placed_at=NOW)


def test_ready_hold_has_a_pickup_date():
    with refused("ready_hold_has_pickup_date"):
        _hold(f.make_item(), f.make_patron(), status="ready", ready_until=None)


def test_one_ready_hold_per_item():
    item = f.make_item()
    _hold(item, f.make_patron(), status="ready", ready_until=f.TODAY)
    with refused("one_ready_hold_per_item"):
        _hold(item, f.make_patron(), status="ready", ready_until=f.TODAY)


def test_hold_status_must_be_known():
    with refused("hold_status_known"):
        _hold(f.make_item(), f.make_patron(), status="paused")


def _charge(**overrides):
    values = dict(kind="overdue", amount=Decimal("1.00"), assessed_at=NOW)
    values.update(overrides)
    if "patron" not in values:
        values["patron"] = f.make_patron()
    return Charge.objects.create(**values)


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("-1.00")])
def test_charge_amount_must_be_positive(amount):
    with refused("charge_amount_positive"):
        _charge(amount=amount)


def test_charge_kind_must_be_known():
    with refused("charge_kind_known"):
        _charge(kind="parking")


def _payment(**overrides):
    values = dict(amount=Decimal("1.00"), method="cash", paid_at=NOW)
    values.update(overrides)
    if "patron" not in values:
        values["patron"] = f.make_patron()
    return Payment.objects.create(**values)


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("-5.00")])
def test_payment_amount_must_be_positive(amount):
    with refused("payment_amount_positive"):
        _payment(amount=amount)


def test_payment_method_must_be_known():
    with refused("payment_method_known"):
        _payment(method="barter")


# programs, computers, rooms, reference, interlibrary loan, cameras


def test_one_registration_per_patron_and_program():
    program, patron = f.make_program(), f.make_patron()
    ProgramRegistration.objects.create(program=program, patron=patron, registered_at=NOW)
    with refused("one_registration_per_program"):
        ProgramRegistration.objects.create(program=program, patron=patron, registered_at=NOW)


def _session(**overrides):
    values = dict(guest_pass="G-1", workstation="PC-1", started_at=NOW)
    values.update(overrides)
    if "branch" not in values:
        values["branch"] = f.make_branch()
    return ComputerSession.objects.create(**values)


def test_computer_session_ends_after_it_starts():
    with refused("computer_session_ends_after_start"):
        _session(ended_at=NOW - HOUR)


def test_computer_session_has_a_card_or_a_guest_pass():
    with refused("computer_session_has_user"):
        _session(guest_pass="", patron=None)


def test_an_ended_computer_session_may_be_anonymous():
    # What the retention run leaves: the use of the workstation, not who used it.
    _session(guest_pass="", patron=None, ended_at=NOW + HOUR)


def test_one_open_session_per_workstation():
    branch = f.make_branch()
    _session(branch=branch)
    with refused("one_open_session_per_workstation"):
        _session(branch=branch, guest_pass="G-2")


def test_ended_sessions_do_not_block_the_workstation():
    branch = f.make_branch()
    _session(branch=branch, ended_at=NOW + HOUR)
    _session(branch=branch, ended_at=NOW + HOUR)
    _session(branch=branch)
    _session(branch=f.make_branch())  # the same workstation name in another branch


def test_room_names_are_unique_within_a_branch():
    room = f.make_room()
    with refused("room_name_unique_in_branch"):
        Room.objects.create(branch=room.branch, name=room.name)


def _booking(room, start, end, **overrides):
    values = dict(room=room, patron=f.make_patron(), starts_at=start, ends_at=end)
    values.update(overrides)
    return RoomBooking.objects.create(**values)


def test_booking_ends_after_it_starts():
    with refused("booking_ends_after_start"):
        _booking(f.make_room(), NOW, NOW)


def test_booking_is_for_at_least_one_person():
    with refused("booking_has_attendees"):
        _booking(f.make_room(), NOW, NOW + HOUR, attendees=0)


@pytest.mark.parametrize(
    "start, end",
    [
        (NOW, NOW + HOUR),  # the same slot
        (NOW - HOUR / 2, NOW + HOUR / 2),  # overlaps the start
        (NOW + HOUR / 2, NOW + 2 * HOUR),  # overlaps the end
        (NOW + HOUR / 4, NOW + HOUR / 2),  # inside
        (NOW - HOUR, NOW + 2 * HOUR),  # around
    ],
)
def test_a_room_cannot_be_booked_twice_at_once(start, end):
    room = f.make_room()
    _booking(room, NOW, NOW + HOUR)
    with refused("room_booking_no_overlap"):
        _booking(room, start, end)


def test_moving_a_booking_onto_another_is_refused():
    room = f.make_room()
    _booking(room, NOW, NOW + HOUR)
    later = _booking(room, NOW + 2 * HOUR, NOW + 3 * HOUR)
    later.starts_at = NOW + HOUR / 2
    with refused("room_booking_no_overlap"):
        later.save()


def test_back_to_back_and_other_rooms_are_fine():
    room = f.make_room()
    _booking(room, NOW, NOW + HOUR)
    _booking(room, NOW + HOUR, NOW + 2 * HOUR)  # starts as the first ends
    _booking(room, NOW - HOUR, NOW)  # ends as the first starts
    _booking(f.make_room(branch=room.branch), NOW, NOW + HOUR)
    moved = _booking(room, NOW + 5 * HOUR, NOW + 6 * HOUR)
    moved.ends_at = NOW + 7 * HOUR  # a booking does not collide with itself
    moved.save()


def test_reference_channel_must_be_known():
    with refused("reference_channel_known"):
        ReferenceInterview.objects.create(
            branch=f.make_branch(), asked_at=NOW, channel="carrier-pigeon", question="Q?"
        )


def test_ill_status_must_be_known():
    with refused("ill_status_known"):
        InterlibraryLoanRequest.objects.create(
            patron=f.make_patron(), title="T", requested_at=NOW, status="lost-in-post"
        )


@pytest.mark.parametrize("status", ["requested", "shipped", "received"])
def test_an_open_ill_request_names_its_patron(status):
    with refused("open_ill_names_patron"):
        InterlibraryLoanRequest.objects.create(
            patron=None, title="T", requested_at=NOW, status=status
        )


@pytest.mark.parametrize("status", ["returned", "cancelled"])
def test_a_closed_ill_request_may_be_anonymous(status):
    InterlibraryLoanRequest.objects.create(patron=None, title="T", requested_at=NOW, status=status)


def test_ill_request_names_a_title():
    with refused("ill_title_present"):
        InterlibraryLoanRequest.objects.create(patron=f.make_patron(), title="", requested_at=NOW)


def test_footage_ends_after_it_starts():
    with refused("footage_ends_after_start"):
        CameraFootage.objects.create(
            branch=f.make_branch(),
            camera="Entrance",
            starts_at=NOW,
            ends_at=NOW,
            retain_until=f.TODAY,
            storage_ref="vms://1",
        )


# field-level uniqueness (unique=True), which Meta.constraints does not list


def test_branch_codes_are_unique():
    f.make_branch(code="CEN")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_branch(code="CEN")


def test_item_barcodes_are_unique():
    f.make_item(barcode="31000099")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_item(barcode="31000099")


def test_patron_refs_are_unique():
    first = f.make_patron()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_patron(ref=first.ref)
