"""Opening a released package: its records past the door, its existence to those on the case.

A package's records are patron data (reading history under a judge's warrant, say). The
Director and designees open them; the clerk or branch manager who released a package opens
it once, to hand it over; everyone else who may open the case sees that a package exists,
when and to whom it went, and none of its records. Every attempt is ruled and audited by the
door (`door.read_package`) with the package's fields.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custodian.disclosure import gateways
from custodian.disclosure.models import Case, Release
from custodian.disclosure.services._common import (
    CUSTODIAN_ROLES,
    NotFound,
    _event,
    _refuse,
    can_view_case,
    role_of,
)

KINDS = ("page", "json", "pdf")


@dataclass(frozen=True)
class PackageAccess:
    """What this user gets of one package: always its facts, its records only if `open`."""

    case: Case
    release: Release
    open: bool
    # Why the records are withheld, fit to show (empty when open).
    message: str
    # This user may still open it once, to hand it over.
    hand_over_pending: bool
    # Whether the user may open the case the package belongs to (its facts, at least).
    sees_case: bool

    def json_bytes(self) -> bytes:
        """The package as stored (its SHA-256 is on the release); only for an open access."""
        if not self.open:
            raise PermissionError("this package is not open to this user")
        return _read(self.release.json)

    def document(self) -> dict:
        return json.loads(self.json_bytes())

    def pdf(self) -> bytes:
        if not self.open:
            raise PermissionError("this package is not open to this user")
        return _read(self.release.pdf)


def _read(field) -> bytes:
    field.open("rb")
    try:
        return field.read()
    finally:
        field.close()


def hand_over_pending(user, rel: Release) -> bool:
    """The releaser, not a custodian of records, who has not yet opened it to hand it over."""
    return (
        role_of(user) not in CUSTODIAN_ROLES
        and rel.by_id == getattr(user, "pk", None)
        and rel.handover_opened_at is None
    )


def open_package(*, user, case_ref, release_ref, kind: str, action: str, now=None) -> PackageAccess:
    """Find the package and rule, through the door, whether this user sees its records.

    `kind` is what is fetched: the `page` (facts for all on the case, records for the
    custodians), or the `json` or `pdf` file, which is the hand-over for a releaser who has
    not yet opened it. A sealed case, or no such package, is NotFound (audited); a refusal
    of the records is not an error here: `open` is False and the door has audited it.
    """
    if kind not in KINDS:
        raise NotFound("No such package.")
    try:
        case = Case.objects.select_related("request").get(ref=case_ref)
    except (Case.DoesNotExist, ValueError, ValidationError):
        _refuse(user, action, "No such case.", exc=NotFound)
    sees_case = can_view_case(user, case)
    if case.sealed and not sees_case:
        _refuse(user, action, "No such case.", patron_ref=case.request.patron_ref, exc=NotFound)
    rel = case.releases.filter(ref=release_ref).first() if _is_uuid(release_ref) else None
    if rel is None:
        _refuse(user, action, "No such package.", patron_ref=case.request.patron_ref, exc=NotFound)
    hand_over = kind != "page" and sees_case and hand_over_pending(user, rel)
    with transaction.atomic():
        if hand_over:
            # Two fetches at once: only one of them is the hand-over.
            rel = Release.objects.select_for_update().get(pk=rel.pk)
            hand_over = rel.handover_opened_at is None
        ruling = gateways.read_package(
            user=user,
            patron_ref=case.request.patron_ref,
            fields=list(rel.fields),
            hand_over=hand_over,
        )
        opened = bool(ruling.complete)
        if opened and hand_over:
            rel.handover_opened_at = now or timezone.now()
            rel.save(update_fields=["handover_opened_at"])
            _event(
                case,
                user,
                "handed_over",
                f"Package {rel.ref} opened to hand it to {rel.handed_to}; "
                "from now on only the Director and designees open its records.",
            )
    return PackageAccess(
        case=case,
        release=rel,
        open=opened,
        message="" if opened else (ruling.explanation or "These records are not open to you."),
        hand_over_pending=sees_case and hand_over_pending(user, rel),
        sees_case=sees_case,
    )


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
