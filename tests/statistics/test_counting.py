"""Each act is counted once, at the moment it happens, in a table that names no one."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Sum

from custodian.circulation import services as circ
from custodian.circulation.errors import CirculationError, ItemAlreadyOnLoan, PatronBlocked
from custodian.records.models import (
    ComputerSession,
    Hold,
    Loan,
    Patron,
    ProgramRegistration,
)
from custodian.statistics import services as statistics
from custodian.statistics.models import ACTS, Tally
from tests.records.factories import (
    NOW,
    TODAY,
    make_branch,
    make_item,
    make_patron,
    make_program,
    make_room,
)

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def n(act, **key) -> int:
    return Tally.objects.filter(act=act, **key).aggregate(s=Sum("n"))["s"] or 0


def all_counts() -> dict:
    return {
        (t.act, t.branch_id, t.year, t.month, t.collection, t.item_type, t.age_band): t.n
        for t in Tally.objects.all()
    }


@pytest.fixture
def branch():
    return make_branch()


def teen():
    # 15 on NOW (2026-03-02).
    return make_patron(birth_date=dt.date(2010, 6, 1))


def test_a_check_out_and_its_return_count_once_each_with_band_collection_and_type(branch):
    patron = teen()
    item = make_item(branch=branch, collection="Teen fiction", item_type="Book")
    circ.check_out(patron=patron, item=item, branch=branch, now=NOW)
    assert all_counts() == {
        ("checkout", branch.pk, 2026, 3, "Teen fiction", "Book", "13-17"): 1,
    }
    circ.renew(loan=Loan.objects.get(item=item), now=NOW + DAY)
    other = make_branch()
    circ.check_in(item=item, branch=other, now=NOW + 40 * DAY)
    assert all_counts() == {
        ("checkout", branch.pk, 2026, 3, "Teen fiction", "Book", "13-17"): 1,
        ("renewal", branch.pk, 2026, 3, "Teen fiction", "Book", "13-17"): 1,
        # Returned in April, at the other branch.
        ("return", other.pk, 2026, 4, "Teen fiction", "Book", "13-17"): 1,
    }


def test_a_second_check_out_in_the_same_cell_adds_to_it(branch):
    for _ in range(3):
        item = make_item(branch=branch, collection="Adult fiction", item_type="Book")
        circ.check_out(patron=make_patron(), item=item, branch=branch, now=NOW)
    # No birth date: the band is "unknown".
    assert all_counts() == {("checkout", branch.pk, 2026, 3, "Adult fiction", "Book", "unknown"): 3}


def test_a_refused_check_out_counts_nothing(branch):
    item = make_item(branch=branch)
    circ.check_out(patron=make_patron(), item=item, branch=branch, now=NOW)
    with pytest.raises(ItemAlreadyOnLoan):
        circ.check_out(patron=make_patron(), item=item, branch=branch, now=NOW)
    blocked = make_patron(status=Patron.Status.BLOCKED, status_since=TODAY)
    with pytest.raises(PatronBlocked):
        circ.check_out(patron=blocked, item=make_item(branch=branch), branch=branch, now=NOW)
    assert n("checkout") == 1


def test_holds_placed_filled_cancelled_and_expired_are_counted(branch):
    adult = make_patron(birth_date=dt.date(1980, 1, 1))
    other = make_patron(birth_date=dt.date(1950, 1, 1))
    item = make_item(branch=branch, collection="DVDs", item_type="DVD")
    circ.check_out(patron=other, item=item, branch=branch, now=NOW)
    circ.place_hold(patron=adult, item=item, pickup_branch=branch, now=NOW)
    assert n("hold_placed", age_band="18-64", collection="DVDs") == 1
    circ.check_in(item=item, branch=branch, now=NOW + DAY)
    hold = Hold.objects.get(patron=adult)
    circ.fill_hold(hold=hold, branch=branch, now=NOW + 2 * DAY)
    assert n("hold_filled", age_band="18-64") == 1
    assert n("checkout") == 2 and n("return", age_band="65+") == 1

    second = make_item(branch=branch)
    circ.check_out(patron=other, item=second, branch=branch, now=NOW)
    waiting = circ.place_hold(patron=adult, item=second, pickup_branch=branch, now=NOW)
    circ.cancel_hold(hold=waiting, now=NOW)
    assert n("hold_cancelled", age_band="18-64") == 1
    with pytest.raises(CirculationError):
        circ.cancel_hold(hold=Hold.objects.get(pk=waiting.pk), now=NOW)
    assert n("hold_cancelled") == 1

    third = make_item(branch=branch)
    circ.place_hold(patron=adult, item=third, pickup_branch=branch, now=NOW)  # ready at once
    assert circ.expire_holds(now=NOW + 30 * DAY) == 1
    assert circ.expire_holds(now=NOW + 31 * DAY) == 0
    assert n("hold_expired", month=4) == 1
    assert n("hold_placed") == 3


def test_programs_computers_rooms_and_ill_are_counted(branch):
    child = make_patron(birth_date=dt.date(2018, 5, 5))
    program = make_program(branch=branch)
    reg = circ.register_for_program(patron=child, program=program, now=NOW)
    assert n("program_registration", age_band="0-12") == 1
    circ.mark_attendance(registration=reg, attended=True)
    circ.mark_attendance(registration=ProgramRegistration.objects.get(pk=reg.pk), attended=True)
    assert n("program_attendance", age_band="0-12") == 1  # marking twice counts once
    circ.mark_attendance(registration=reg, attended=False)
    assert n("program_attendance") == 0  # unmarked: taken back
    circ.mark_attendance(registration=reg, attended=True)
    assert n("program_attendance") == 1

    circ.start_computer_session(branch=branch, workstation="PC1", patron=child, now=NOW)
    circ.start_computer_session(branch=branch, workstation="PC2", guest_pass="G-1", now=NOW)
    with pytest.raises(CirculationError):
        circ.start_computer_session(branch=branch, workstation="PC1", guest_pass="G-2", now=NOW)
    assert n("computer_session") == 2 and n("computer_session", age_band="unknown") == 1
    assert ComputerSession.objects.count() == 2

    room = make_room(branch=branch)
    start = NOW + 5 * DAY
    circ.book_room(room=room, patron=child, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    with pytest.raises(CirculationError):
        circ.book_room(
            room=room, patron=child, starts_at=start, ends_at=start + dt.timedelta(hours=1)
        )
    assert n("room_booking") == 1

    circ.request_ill(patron=child, title="A rare book", now=NOW)
    assert n("ill_request", branch=child.home_branch) == 1


def test_no_statistics_table_can_name_a_patron_an_item_or_a_moment():
    """Inspect the model: no link to a patron or an item, no time, no day, no surrogate id."""
    fields = Tally._meta.concrete_fields
    assert not [f for f in fields if isinstance(f, models.AutoField)]
    assert not [f for f in fields if isinstance(f, models.DateField | models.DateTimeField)]
    related = {f.related_model._meta.label for f in fields if f.is_relation}
    assert related == {"records.Branch"}
    names = {f.name for f in fields}
    assert not names & {"patron", "patron_id", "item", "item_id", "ref", "day", "time"}
    assert [f.name for f in Tally._meta.pk_fields] == [
        "act",
        "branch",
        "year",
        "month",
        "collection",
        "item_type",
        "age_band",
    ]
    # Nothing else in the statistics app stores anything.
    from django.apps import apps

    assert list(apps.get_app_config("statistics").get_models()) == [Tally]


def test_on_sqlite_the_tally_has_no_rowid():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's heap is resealed by statistics.reseal()")
    with pytest.raises(Exception, match="rowid"), connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM statistics_tally")


def test_the_database_refuses_a_tally_that_breaks_its_rules(branch):
    good = dict(act="checkout", branch=branch, year=2026, month=3, age_band="18-64", n=1)
    Tally.objects.create(**good)
    bad = [
        dict(good, act="looked_at_patron"),
        dict(good, month=13),
        dict(good, month=0),
        dict(good, year=1066),
        dict(good, age_band=""),
        dict(good, collection="x", n=-1),
        good,  # the same key twice
    ]
    for row in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            Tally.objects.create(**row)
    assert set(ACTS) >= {"checkout", "return", "hold_placed", "ill_request"}


def test_counts_survive_a_purge_that_strips_every_patron_link(branch):
    patron = teen()
    items = [make_item(branch=branch, collection="Teen", item_type="Book") for _ in range(3)]
    for item in items:
        circ.check_out(patron=patron, item=item, branch=branch, now=NOW)
        circ.check_in(item=item, branch=branch, now=NOW + DAY)
    circ.request_ill(patron=patron, title="A rare book", now=NOW)
    before = all_counts()
    # What a purge and then an erasure leave: no loan, no request, no patron at all.
    from custodian.records.models import InterlibraryLoanRequest

    assert not Loan.objects.filter(patron=patron).exists()
    InterlibraryLoanRequest.objects.filter(patron=patron).delete()
    Patron.objects.filter(pk=patron.pk).delete()
    assert all_counts() == before
    assert before[("return", branch.pk, 2026, 3, "Teen", "Book", "13-17")] == 3


def test_age_bands_come_from_the_profile_or_the_default():
    on = dt.date(2026, 3, 2)
    assert statistics.age_band(None, on) == "unknown"
    assert statistics.age_band(dt.date(2013, 3, 3), on) == "0-12"  # 12, birthday tomorrow
    assert statistics.age_band(dt.date(2013, 3, 2), on) == "13-17"  # 13 today
    assert statistics.age_band(dt.date(1961, 3, 2), on) == "65+"
    custom = statistics.parse_settings({"min_cell_size": 5, "age_bands": [[0, 17], [18]]})
    assert custom.min_cell_size == 5 and custom.band_codes == ("0-17", "18+", "unknown")
    for bad in (
        {"age_bands": [[1, 12], [13]]},
        {"age_bands": [[0, 12], [14]]},
        {"age_bands": [[0, 12], [13, 20]]},
        {"min_cell_size": 0},
        {"min_cell_size": "ten"},
    ):
        with pytest.raises(statistics.BadStatisticsSettings):
            statistics.parse_settings(bad)
    assert statistics.band_words("65+") == "65 and over"
    assert statistics.band_words("13-17") == "13 to 17"


def test_every_shipped_profile_says_its_cell_size_and_bands():
    from custodian.policy import get_engine

    for name in ("sonoma-county", "jackson-county", "jensen-memorial", "westchester"):
        table = get_engine().profile(name).statistics
        assert table["min_cell_size"] == 10
        assert statistics.parse_settings(table).band_codes == (
            "0-12",
            "13-17",
            "18-64",
            "65+",
            "unknown",
        )
