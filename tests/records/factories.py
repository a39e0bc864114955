"""Plain factory functions for record tests: explicit values, unique keys from a counter."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from custodian.records.models import Branch, Item, Patron, Program, Room

# A fixed, timezone-aware "now" so due dates and days late never depend on the wall clock.
NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 11, 0))
TODAY = timezone.localdate(NOW)

_seq = itertools.count(1)


def make_branch(**overrides) -> Branch:
    n = next(_seq)
    values = dict(code=f"B{n}", name=f"Branch {n}")
    values.update(overrides)
    return Branch.objects.create(**values)


def make_patron(**overrides) -> Patron:
    n = next(_seq)
    values = dict(
        card_number=f"2100000{n:07d}",
        first_name="Ada",
        last_name=f"Reader{n}",
        registered_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2028, 1, 1),
    )
    values.update(overrides)
    if "home_branch" not in values:
        values["home_branch"] = make_branch()
    return Patron.objects.create(**values)


def make_item(**overrides) -> Item:
    n = next(_seq)
    values = dict(
        barcode=f"3100000{n:07d}",
        title=f"A Book Nobody Should Know You Read, vol. {n}",
        author="Anon",
        replacement_cost=Decimal("25.00"),
    )
    values.update(overrides)
    if "branch" not in values:
        values["branch"] = make_branch()
    return Item.objects.create(**values)


def make_program(**overrides) -> Program:
    values = dict(title="Story time", starts_at=NOW + dt.timedelta(days=3), capacity=None)
    values.update(overrides)
    if "branch" not in values:
        values["branch"] = make_branch()
    return Program.objects.create(**values)


def make_room(**overrides) -> Room:
    n = next(_seq)
    values = dict(name=f"Room {n}", capacity=10)
    values.update(overrides)
    if "branch" not in values:
        values["branch"] = make_branch()
    return Room.objects.create(**values)
