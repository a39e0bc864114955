"""Finding a patron by what a person types (a card number, a name): through the blind index.

The columns themselves are sealed (custodian.records.sealing), so the match is on a keyed hash
of the normalised value: exact only (no prefix or fuzzy search), and the clear value is never
in a query, a log line or the database.
"""

from django.db.models import QuerySet

from custodian.records import sealing
from custodian.records.models import Patron


def patron_by_card(card_number: str, queryset: QuerySet | None = None) -> Patron | None:
    """The patron with this card number (spaces and case ignored), or None."""
    index = sealing.card_index(card_number or "")
    if not index:
        return None
    found = Patron.objects.all() if queryset is None else queryset
    return found.filter(card_index=index).first()


def card_in_use(card_number: str) -> bool:
    index = sealing.card_index(card_number or "")
    return bool(index) and Patron.objects.filter(card_index=index).exists()


def patrons_named(last_name: str, first_name: str = "") -> QuerySet:
    """Patrons with exactly this name (case, accents and spacing ignored); last name alone
    when no first name is given."""
    if first_name:
        return Patron.objects.filter(name_index=sealing.name_index(last_name, first_name))
    return Patron.objects.filter(last_name_index=sealing.last_name_index(last_name))


def card_indexes(card_numbers) -> list[str]:
    """The blind-index values of these card numbers (for `exclude(card_index__in=...)`)."""
    return [sealing.card_index(c) for c in card_numbers if c]
