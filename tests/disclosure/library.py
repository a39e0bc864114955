"""A tiny real library (record models) for tests that go through the real door."""

import datetime as dt

from django.utils import timezone

from custodian.records.models import Branch, Item, Loan, Patron

CARD = "21000000000001"
TITLES = ("The Quiet Harbour", "Lanterns of Ash", "A Field Guide to Moss")


def due_dates(today=None):
    today = today or timezone.localdate()
    year = today.year if today <= dt.date(today.year, 12, 1) else today.year + 1
    return (dt.date(year, 12, 4), dt.date(year, 12, 9), dt.date(year, 12, 12))


def make_library(card=CARD):
    branch, _ = Branch.objects.get_or_create(code="MAIN", defaults={"name": "Main Library"})
    today = timezone.localdate()
    patron = Patron.objects.create(
        card_number=card,
        first_name="Ada",
        last_name="Reader",
        address="12 Orchard Lane",
        phone="555-0100",
        email="ada@example.org",
        birth_date=dt.date(1980, 5, 1),
        home_branch=branch,
        registered_on=today - dt.timedelta(days=400),
        expires_on=today + dt.timedelta(days=700),
    )
    now = timezone.now()
    for i, (title, due) in enumerate(zip(TITLES, due_dates(today), strict=True)):
        item = Item.objects.create(
            barcode=f"3900000000{i}", title=title, branch=branch, status="on_loan"
        )
        Loan.objects.create(
            item=item,
            patron=patron,
            branch=branch,
            checked_out_at=now - dt.timedelta(days=3),
            due_on=due,
        )
    return patron
