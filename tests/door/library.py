"""A small library to test against: a branch, staff in each role, a patron with loans."""

import datetime as dt

from django.utils import timezone

from custodian.accounts.models import Role, StaffUser
from custodian.records.models import Branch, Item, Patron

PASSWORD = "correct horse battery staple"


def branch(code: str = "MAIN") -> Branch:
    return Branch.objects.get_or_create(code=code, defaults={"name": f"{code} Library"})[0]


def staff(role: str = Role.DESK, username: str | None = None, *, at: Branch | None = None):
    username = username or f"{role}-clerk"
    user = StaffUser.objects.create_user(username=username, password=PASSWORD, role=role)
    if at is not None:
        user.branch = at
        user.save(update_fields=["branch"])
    return user


def patron(
    *,
    card_number: str = "21234000012345",
    first_name: str = "Rosalind",
    last_name: str = "Quackenbush",
    age: int = 40,
    keeps_reading_history: bool = False,
    home: Branch | None = None,
) -> Patron:
    today = timezone.localdate()
    return Patron.objects.create(
        card_number=card_number,
        first_name=first_name,
        last_name=last_name,
        birth_date=today.replace(year=today.year - age) - dt.timedelta(days=10),
        home_branch=home or branch(),
        registered_on=today - dt.timedelta(days=30),
        expires_on=today + dt.timedelta(days=365),
        keeps_reading_history=keeps_reading_history,
        address="12 Orchard Lane",
        phone="707-555-0101",
        email="rq@example.org",
    )


def item(barcode: str, title: str, *, at: Branch | None = None) -> Item:
    return Item.objects.create(
        barcode=barcode, title=title, author="A. Writer", branch=at or branch()
    )
