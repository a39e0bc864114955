"""Finding a patron by what a person types (a card number, a name): through the blind index.

The columns themselves are sealed (custodian.records.sealing), so the match is on a keyed hash
of the normalised value: exact only (no prefix or fuzzy search), and the clear value is never
in a query, a log line or the database.

While `custodian keys rotate-index` runs, a row's index may be under the new key or the
previous one, so every lookup here matches the value under each key of the index keyring
(one key, one value, the rest of the time).
"""

from django.db.models import Q, QuerySet

from custodian.records import sealing
from custodian.records.models import Patron


def _matching(column: str, values: list[str]) -> Q:
    if len(values) == 1:
        return Q(**{column: values[0]})
    return Q(**{f"{column}__in": values})


def patron_by_card(card_number: str, queryset: QuerySet | None = None) -> Patron | None:
    """The patron with this card number (spaces and case ignored), or None."""
    indexes = sealing.card_indexes(card_number or "")
    if not indexes:
        return None
    found = Patron.objects.all() if queryset is None else queryset
    return found.filter(_matching("card_index", indexes)).first()


def card_in_use(card_number: str) -> bool:
    indexes = sealing.card_indexes(card_number or "")
    return bool(indexes) and Patron.objects.filter(_matching("card_index", indexes)).exists()


def patrons_named(last_name: str, first_name: str = "") -> QuerySet:
    """Patrons with exactly this name (case, accents and spacing ignored); last name alone
    when no first name is given."""
    if first_name:
        indexes = sealing.name_indexes(last_name, first_name)
        column = "name_index"
    else:
        indexes = sealing.last_name_indexes(last_name)
        column = "last_name_index"
    if not indexes:
        return Patron.objects.none()
    return Patron.objects.filter(_matching(column, indexes))


def card_indexes(card_numbers) -> list[str]:
    """The blind-index values of these card numbers, under every index key (for
    `exclude(card_index__in=...)`)."""
    return [index for c in card_numbers if c for index in sealing.card_indexes(c)]
