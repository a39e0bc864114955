"""A first morning at the desk, played through the door on a new demo library.

The demo should show the door at work, not an empty audit log: the desk clerk looks up
the showcase patrons, reads their accounts, checks an item out and back in. Every step
goes through `custodian.door`, so each one is decided by the policy and audited.
"""

from django.contrib.auth import get_user_model

from custodian import door
from custodian.records.models import Item

ACCOUNT_FIELDS = [
    "registration.name",
    "loans.due_dates",
    "loans.titles",
    "holds.titles",
    "charges.amount",
]


def play(*, card_numbers: list[str], clerk_username: str = "desk") -> int:
    """Run the morning; returns how many door calls were made (each wrote one audit entry)."""
    clerk = get_user_model().objects.get(username=clerk_username)
    reader = door.Reader.staff(clerk)
    calls = 0
    first_ref = None
    for card_number in card_numbers:
        handle = door.find_patron(reader=reader, card_number=card_number)
        calls += 1
        if handle is None:
            continue
        first_ref = first_ref or handle.ref
        door.read_patron(
            reader=reader, patron_ref=handle.ref, purpose="library_business", fields=ACCOUNT_FIELDS
        )
        calls += 1
    item = (
        Item.objects.filter(status=Item.Status.AVAILABLE, holds__isnull=True).order_by("pk").first()
    )
    if first_ref is not None and item is not None:
        door.check_out(reader=reader, patron_ref=first_ref, item_barcode=item.barcode)
        door.check_in(reader=reader, item_barcode=item.barcode)
        calls += 2
    return calls
