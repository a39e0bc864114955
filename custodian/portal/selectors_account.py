"""Reads for "My account" that are not the patron's record: the library's catalogue, and
which categories of record this library keeps at all (from its policy profile).

A catalogue search is not stored anywhere: no `SearchRecord`, no log line, and the form
posts its words so they stay out of the address and the web server's access log.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from custodian.door import FIELDS
from custodian.policy import get_engine
from custodian.records.models import Hold, Item

MAX_RESULTS = 25
MIN_QUERY = 2
MAX_QUERY = 200
# The categories "My account" shows beyond loans, holds and money: each may be one the
# library does not keep at all.
OPTIONAL_CATEGORIES = ("programs.records", "rooms.records", "computer.records", "ill.records")


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    barcode: str
    title: str
    author: str
    call_number: str
    branch: str
    status: str  # Item.Status code
    has_holds: bool


def search_catalogue(*, query: str) -> tuple[CatalogueItem, ...]:
    """Items whose barcode is `query` or whose title contains it (lost and withdrawn items
    left out). Reads the catalogue only: nothing about who has an item out."""
    query = " ".join((query or "").split())[:MAX_QUERY]
    if len(query) < MIN_QUERY:
        return ()
    waiting = Hold.objects.filter(item=OuterRef("pk"), status__in=("waiting", "ready"))
    rows = (
        Item.objects.filter(Q(barcode=query) | Q(title__icontains=query))
        .exclude(status__in=(Item.Status.LOST, Item.Status.WITHDRAWN))
        .select_related("branch")
        .annotate(has_holds=Exists(waiting))
        .order_by("title", "barcode")[:MAX_RESULTS]
    )
    return tuple(
        CatalogueItem(
            barcode=i.barcode,
            title=i.title,
            author=i.author,
            call_number=i.call_number,
            branch=i.branch.name,
            status=i.status,
            has_holds=i.has_holds,
        )
        for i in rows
    )


def not_kept(*, profile: str | None = None) -> frozenset[str]:
    """The record categories this library says it keeps none of: its profile's
    `[retention] not_kept`, in the contract's field names. A name outside the contract is a
    mistake in the profile, and is refused rather than silently ignored."""
    given = (
        get_engine().profile(profile or settings.CUSTODIAN_PROFILE).retention.get("not_kept", [])
    )
    if not isinstance(given, list) or any(f not in FIELDS for f in given):
        raise ValueError("[retention] not_kept lists the contract's field names only")
    return frozenset(given)
