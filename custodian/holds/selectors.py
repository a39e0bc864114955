"""Which rows a legal hold keeps. Purge and erasure call `held_q` and leave those rows alone.

Active holds are few (a handful at a time), so they are read once and turned into one
condition on the rows: the patron, and the records' own date within the hold's range.
"""

import datetime as dt

from django.db.models import DateTimeField, Model, Q
from django.utils import timezone

from custodian.holds.models import LegalHold


def active_holds(*, category: str | None = None) -> list[LegalHold]:
    holds = list(LegalHold.objects.filter(released_at__isnull=True).order_by("pk"))
    if category is None:
        return holds
    return [h for h in holds if h.covers(category)]


def _field(model: type[Model], path: str):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return field


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def held_q(
    model: type[Model],
    *,
    category: str,
    patron_path: str = "patron",
    on_path: str | None = None,
    sealed: bool | None = None,
) -> Q | None:
    """A condition matching the rows of `model` an active hold keeps, or None if none does.

    `patron_path` leads from the row to the patron's id (``patron`` compares the foreign
    key); `on_path` names the row's own date or time the hold's range applies to (no path:
    the range is ignored, the whole category is held). `sealed` limits to sealed (True) or
    open (False) holds, so a summary can give sealed holds as counts only.
    """
    is_time = on_path is not None and isinstance(_field(model, on_path), DateTimeField)
    condition = None
    for hold in active_holds(category=category):
        if sealed is not None and hold.sealed != sealed:
            continue
        one = Q(**{patron_path: hold.patron_id})
        if on_path is not None and hold.records_from is not None:
            low = _start_of(hold.records_from) if is_time else hold.records_from
            one &= Q(**{f"{on_path}__gte": low})
        if on_path is not None and hold.records_until is not None:
            if is_time:
                one &= Q(**{f"{on_path}__lt": _start_of(hold.records_until + dt.timedelta(days=1))})
            else:
                one &= Q(**{f"{on_path}__lte": hold.records_until})
        condition = one if condition is None else condition | one
    return condition


def patron_is_held(patron_id: int) -> bool:
    """Whether any active hold names this patron (erasure refuses while one does)."""
    return LegalHold.objects.filter(patron_id=patron_id, released_at__isnull=True).exists()


def hold_counts() -> dict[str, int]:
    """How many holds are in force (by case, by hand, sealed) and released: counts only."""
    active = LegalHold.objects.filter(released_at__isnull=True)
    return {
        "in_force_from_a_case": active.filter(sealed=False, case__isnull=False).count(),
        "in_force_by_hand": active.filter(sealed=False, case__isnull=True).count(),
        "in_force_sealed": active.filter(sealed=True).count(),
        "released": LegalHold.objects.filter(released_at__isnull=False).count(),
    }
