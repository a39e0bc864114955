"""`held_q`: which rows an active hold keeps, by category, date range (dates and times) and
sealing; `patron_is_held`."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from custodian.holds.models import LegalHold
from custodian.holds.selectors import active_holds, held_q, patron_is_held
from custodian.records.models import Charge, PastLoan, SearchRecord
from tests.door import library

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _hold(patron, director, **kw):
    values = {
        "patron": patron,
        "reason": "Subpoena",
        "placed_by": director,
        "placed_at": timezone.now(),
    }
    values.update(kw)
    return LegalHold.objects.create(**values)


@pytest.fixture
def searches(patron):
    other = library.patron(card_number="21234000088888", first_name="Other", last_name="One")
    rows = {}
    for who, p in (("held", patron), ("other", other)):
        for offset in (-1, 0, 1, 2):
            rows[(who, offset)] = SearchRecord.objects.create(
                patron=p,
                database="Catalogue",
                query="q",
                searched_at=_at(DAY + dt.timedelta(days=offset), hour=23 if offset == 1 else 0),
            )
    return rows


def _kept(model, q):
    return set(model.objects.filter(q).values_list("pk", flat=True)) if q is not None else set()


def test_no_hold_no_condition(searches):
    assert held_q(SearchRecord, category="searches") is None


def test_a_hold_keeps_only_its_patron_and_its_categories(searches, patron, director):
    _hold(patron, director, categories=["searches"])
    q = held_q(SearchRecord, category="searches")
    assert _kept(SearchRecord, q) == {r.pk for k, r in searches.items() if k[0] == "held"}
    assert held_q(PastLoan, category="reading_history") is None


def test_a_hold_with_no_categories_keeps_every_category(searches, patron, director):
    _hold(patron, director, categories=[])
    assert held_q(PastLoan, category="reading_history") is not None
    assert len(_kept(SearchRecord, held_q(SearchRecord, category="searches"))) == 4


def test_the_range_applies_to_datetimes_by_whole_days(searches, patron, director):
    _hold(
        patron,
        director,
        categories=["searches"],
        records_from=DAY,
        records_until=DAY + dt.timedelta(days=1),
    )
    q = held_q(SearchRecord, category="searches", on_path="searched_at")
    # The first day from midnight, the last day up to 23:00 included; not the day before or after.
    assert _kept(SearchRecord, q) == {searches[("held", 0)].pk, searches[("held", 1)].pk}


def test_open_ended_ranges(searches, patron, director):
    _hold(patron, director, categories=["searches"], records_from=DAY + dt.timedelta(days=1))
    q = held_q(SearchRecord, category="searches", on_path="searched_at")
    assert _kept(SearchRecord, q) == {searches[("held", 1)].pk, searches[("held", 2)].pk}


def test_the_range_applies_to_dates(patron, director):
    charges = [
        Charge.objects.create(
            patron=patron, kind="card", amount=Decimal("1.00"), assessed_at=_at(DAY)
        )
        for _ in range(1)
    ]
    item = library.item("3900000000401", "Dated", at=patron.home_branch)
    loans = {
        d: PastLoan.objects.create(
            patron=patron,
            item=item,
            checked_out_at=_at(d - dt.timedelta(days=5)),
            returned_at=_at(d),
        )
        for d in (DAY - dt.timedelta(days=1), DAY, DAY + dt.timedelta(days=1))
    }
    _hold(patron, director, categories=["reading_history"], records_until=DAY)
    q = held_q(PastLoan, category="reading_history", on_path="returned_at")
    assert _kept(PastLoan, q) == {loans[DAY].pk, loans[DAY - dt.timedelta(days=1)].pk}
    assert held_q(Charge, category="charges") is None
    assert charges


def test_a_date_field_range_is_inclusive(patron, director):
    from custodian.records.models import Patron

    _hold(patron, director, categories=["registration"], records_from=patron.registered_on)
    q = held_q(Patron, category="registration", patron_path="pk", on_path="registered_on")
    assert _kept(Patron, q) == {patron.pk}
    LegalHold.objects.all().delete()
    _hold(
        patron,
        director,
        categories=["registration"],
        records_until=patron.registered_on - dt.timedelta(days=1),
    )
    q = held_q(Patron, category="registration", patron_path="pk", on_path="registered_on")
    assert _kept(Patron, q) == set()


def test_sealed_and_open_holds_are_told_apart(searches, patron, director):
    other = searches[("other", 0)].patron
    _hold(patron, director, categories=["searches"], sealed=True)
    _hold(other, director, categories=["searches"], sealed=False)
    sealed = _kept(SearchRecord, held_q(SearchRecord, category="searches", sealed=True))
    unsealed = _kept(SearchRecord, held_q(SearchRecord, category="searches", sealed=False))
    assert sealed == {r.pk for k, r in searches.items() if k[0] == "held"}
    assert unsealed == {r.pk for k, r in searches.items() if k[0] == "other"}


def test_a_released_hold_keeps_nothing(searches, patron, director):
    now = timezone.now()
    _hold(
        patron,
        director,
        categories=["searches"],
        placed_at=now - dt.timedelta(days=1),
        released_at=now,
        released_by=director,
        release_reason="Withdrawn",
    )
    assert held_q(SearchRecord, category="searches") is None
    assert active_holds() == []
    assert not patron_is_held(patron.pk)


def test_patron_is_held(patron, director):
    assert not patron_is_held(patron.pk)
    _hold(patron, director, categories=["video"])
    assert patron_is_held(patron.pk)
