"""Notices the library sends a patron (due soon, overdue, hold ready): what each may say.

A notice is the library telling the patron about their own record, so the engine is asked
as for the patron, on the channel the notice travels by:

- a phone message may land in a voicemail box, and a text on a lock screen or a shared
  family phone: both are the contract's `voicemail` ("messages the library leaves"), with
  no proof of who will hear or read them;
- an email goes to the address on the patron's own record, which the patron chose (with
  the channel, and titles or not) signed in with card and PIN: it is asked as the
  patron's own online account.

On top of the engine: no title of anything appears unless the patron opted in to titles
in notices, so title fields are not even asked for without it. One audit entry per notice,
listing the fields the message carried (names, never content), the channel and outcome.
"""

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from custodian.audit.services import append_access
from custodian.door.errors import PatronNotFound
from custodian.door.fields import render
from custodian.door.patron_view import PatronView
from custodian.door.ruling import Ruling, age_on, from_decision, requested_fields
from custodian.policy import decide
from custodian.records.models import Patron

CHANNELS = ("email", "sms", "phone")
# channel -> the contract's channel and the evidence that stands behind it.
NOTICE_ASK: dict[str, tuple[str, tuple[str, ...]]] = {
    "email": ("online", ("card_number", "pin")),
    "sms": ("voicemail", ()),
    "phone": ("voicemail", ()),
}
# Fields that name an item: never in a notice unless the patron opted in.
TITLE_FIELDS = frozenset(
    {
        "loans.titles",
        "overdue.titles",
        "lost.titles",
        "holds.titles",
        "history.titles",
        "charges.details",
    }
)
ACTOR = "notices"
# "system": not a staff member (the "who has looked" page shows no branch or name for it).
ROLE = "system"


@dataclass(frozen=True, slots=True)
class Contact:
    """Where and how to reach the patron: read by the door for delivery, never shown."""

    channel: str
    email: str
    phone: str
    language: str
    titles_opt_in: bool


@dataclass(frozen=True, slots=True)
class Delivered:
    """What the deliverer did: the fields whose content the message carried, and how it went."""

    carried: tuple[str, ...]
    outcome: str  # an identifier: "sent", "no_address", ...


def notice_ruling(
    *,
    channel: str,
    fields,
    titles_opt_in: bool,
    purpose: str | None = None,
    age: int | None = None,
) -> Ruling:
    """What a notice on `channel` may say of `fields` under the library's policy. Reads no
    patron data (the portal's example message uses it as it is)."""
    if channel not in NOTICE_ASK:
        raise ValueError(f"a notice goes by one of {', '.join(CHANNELS)}")
    fields = requested_fields(fields)
    asked = tuple(f for f in fields if titles_opt_in or f not in TITLE_FIELDS)
    if not asked:
        return Ruling(requested=fields, released=(), outcome="deny")
    contract_channel, evidence = NOTICE_ASK[channel]
    request = {
        "profile": settings.CUSTODIAN_PROFILE,
        "requester": {"kind": "patron"},
        "channel": contract_channel,
        "evidence": list(evidence),
        "purpose": purpose,
        "requested": list(asked),
    }
    if age is not None:
        request["patron"] = {"age": age}
    return from_decision(fields, decide(request), passes_on_refer=False)


def send_notice(
    *,
    patron_ref,
    kind: str,
    fields,
    purpose: str | None,
    deliver: Callable[[PatronView, Contact], Delivered],
) -> Delivered:
    """Read what the notice may say, hand it to `deliver` (which composes and sends it),
    and audit the notice, all in one transaction: a delivery that raises leaves no entry
    (the caller records the failure with `record_failed`)."""
    ref = UUID(str(patron_ref))
    today = timezone.localdate()
    with transaction.atomic():
        patron = Patron.objects.filter(ref=ref).first()
        if patron is None:
            raise PatronNotFound()
        contact = Contact(
            channel=patron.notice_channel,
            email=patron.email,
            phone=patron.phone,
            language=patron.preferred_language,
            titles_opt_in=patron.titles_in_notices,
        )
        if contact.channel not in NOTICE_ASK:
            ruling = Ruling(requested=requested_fields(fields), released=(), outcome="deny")
        else:
            ruling = notice_ruling(
                channel=contact.channel,
                fields=fields,
                titles_opt_in=contact.titles_opt_in,
                purpose=purpose,
                age=age_on(patron.birth_date, today),
            )
        # No reminder ever names or counts a lost item (it is charged for, not due back).
        values = render(patron=patron, released=ruling.released, today=today, lost_loans=False)
        view = PatronView.build(patron_ref=ref, ruling=ruling, values=values, today=today)
        delivered = deliver(view, contact)
        carried = tuple(f for f in delivered.carried if f in ruling.released)
        append_access(
            actor=ACTOR,
            role=ROLE,
            purpose=f"notice_{kind}",
            patron_ref=str(ref),
            fields=list(carried),
            outcome=delivered.outcome,
            clauses=ruling.clauses,
            action=f"notice_{contact.channel}",
        )
    return Delivered(carried=carried, outcome=delivered.outcome)


def record_failed(*, patron_ref, kind: str, channel: str) -> None:
    """A notice that could not be delivered: nothing was carried, and the log says so."""
    with transaction.atomic():
        append_access(
            actor=ACTOR,
            role=ROLE,
            purpose=f"notice_{kind}",
            patron_ref=str(UUID(str(patron_ref))),
            fields=[],
            outcome="failed",
            clauses=[],
            action=f"notice_{channel}",
        )
