"""`custodian notices send`: find the notices due today and send each once.

Which notices are due is decided from dates alone (no content is read); each notice is then
composed and sent through the door (`custodian.door.notices.send_notice`), which asks the
engine, reads only what may be said, and audits the notice. The rows that say a notice went
out are written in the same transaction as its audit entry. A message handed to the email
backend just before a database failure may go out again on the next run: at least once,
never silently dropped.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation

from custodian.door import library_name
from custodian.door.notices import Contact, Delivered, record_failed, send_notice
from custodian.notices.channels import CHANNELS
from custodian.notices.compose import FIELDS, KINDS, PURPOSES, compose
from custodian.notices.models import SentNotice
from custodian.records.models import Hold, Loan, Patron

OPEN_HOLDS = (Hold.Status.WAITING, Hold.Status.READY)


class UnknownKind(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Due:
    """One notice to send: a patron, a kind, and the loans (id, due date) or holds it covers."""

    patron_ref: UUID
    kind: str
    channel: str
    loans: tuple[tuple[int, date], ...] = ()
    holds: tuple[int, ...] = ()


@dataclass
class Summary:
    dry_run: bool
    # (kind, channel) -> count of notices sent (or, in a dry run, that would be sent).
    sent: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    no_address: int = 0  # no email or phone number on file for the chosen channel
    no_gateway: int = 0  # texts or phone messages, and the library has set no gateway
    chose_none: int = 0  # the patron asked for no notices
    failed: int = 0

    @property
    def total_sent(self) -> int:
        return sum(self.sent.values())


def _has_address(channel: str) -> Q:
    return ~Q(email="") if channel == "email" else ~Q(phone="")


def _due_rows(kind: str, today: date, days: int):
    """(patron ref, channel, loan or hold id, due date) of everything the kind is due for."""
    if kind == "hold_ready":
        sent = SentNotice.objects.filter(hold=OuterRef("pk"))
        rows = Hold.objects.filter(status=Hold.Status.READY).exclude(Exists(sent))
        return [
            (ref, channel, pk, None)
            for ref, channel, pk in rows.values_list("patron__ref", "patron__notice_channel", "pk")
        ]
    sent = SentNotice.objects.filter(kind=kind, loan=OuterRef("pk"), due_on=OuterRef("due_on"))
    if kind == "due_soon":
        rows = Loan.objects.filter(due_on__gte=today, due_on__lte=today + timedelta(days=days))
    else:
        rows = Loan.objects.filter(due_on__lt=today)
    # A loan marked lost is billed, not awaited: no reminder to bring it back.
    rows = rows.exclude(item__status="lost")
    return rows.exclude(Exists(sent)).values_list(
        "patron__ref", "patron__notice_channel", "pk", "due_on"
    )


def due_notices(*, kind: str, today: date, summary: Summary) -> list[Due]:
    """The notices of `kind` due today, one per patron; counts the ones that cannot go."""
    if kind not in KINDS:
        raise UnknownKind(f"unknown notice kind {kind!r}: choose one of {', '.join(KINDS)}")
    days = settings.CUSTODIAN_NOTICE_DUE_SOON_DAYS
    grouped: dict[tuple[UUID, str], list] = defaultdict(list)
    for ref, channel, pk, due_on in _due_rows(kind, today, days):
        grouped[(ref, channel)].append((pk, due_on))
    out = []
    for (ref, channel), subjects in grouped.items():
        if channel not in CHANNELS:
            summary.chose_none += 1
        elif not CHANNELS[channel].available():
            summary.no_gateway += 1
        else:
            if kind == "hold_ready":
                out.append(Due(ref, kind, channel, holds=tuple(pk for pk, _ in subjects)))
            else:
                out.append(Due(ref, kind, channel, loans=tuple(subjects)))
    # Whether an address is on file is asked of the database, not read out of it.
    refs_with_address = set()
    for channel in CHANNELS:
        refs = [d.patron_ref for d in out if d.channel == channel]
        if refs:
            refs_with_address |= set(
                Patron.objects.filter(_has_address(channel), ref__in=refs).values_list(
                    "ref", flat=True
                )
            )
    ready = [d for d in out if d.patron_ref in refs_with_address]
    summary.no_address += len(out) - len(ready)
    return ready


def _deliverer(due: Due, today: date) -> Callable:
    def deliver(view, contact: Contact) -> Delivered:
        channel = CHANNELS.get(contact.channel)
        to = channel.recipient(contact) if channel else None
        if to is None:
            return Delivered(carried=(), outcome="no_address")
        language = contact.language or settings.LANGUAGE_CODE
        with translation.override(language):
            message = compose(
                kind=due.kind,
                channel=contact.channel,
                view=view,
                today=today,
                library=library_name(),
                portal_url=settings.CUSTODIAN_PORTAL_URL,
                due_soon_days=settings.CUSTODIAN_NOTICE_DUE_SOON_DAYS,
                titles_opt_in=contact.titles_opt_in,
            )
        channel.send(message=message, to=to)
        SentNotice.objects.bulk_create(
            [SentNotice(kind=due.kind, loan_id=pk, due_on=d) for pk, d in due.loans]
            + [SentNotice(kind=due.kind, hold_id=pk) for pk in due.holds]
        )
        return Delivered(carried=message.carried, outcome="sent")

    return deliver


def forget_closed_holds() -> int:
    """A closed hold names no one; its notice row is deleted with the hold's business."""
    closed = SentNotice.objects.filter(hold__isnull=False).exclude(hold__status__in=OPEN_HOLDS)
    return closed.delete()[0]


def send_notices(
    *,
    kinds=KINDS,
    dry_run: bool = False,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Send every notice due today (or, with `dry_run`, count them and write nothing)."""
    today = today or timezone.localdate()
    summary = Summary(dry_run=dry_run)
    due = [d for kind in kinds for d in due_notices(kind=kind, today=today, summary=summary)]
    if dry_run:
        for d in due:
            summary.sent[(d.kind, d.channel)] += 1
        return summary
    forget_closed_holds()
    for done, d in enumerate(due, start=1):
        try:
            delivered = send_notice(
                patron_ref=d.patron_ref,
                kind=d.kind,
                fields=FIELDS[d.kind],
                purpose=PURPOSES[d.kind],
                deliver=_deliverer(d, today),
            )
        except Exception:
            # The notice is tried again tomorrow; the log says it failed, with no content.
            record_failed(patron_ref=d.patron_ref, kind=d.kind, channel=d.channel)
            summary.failed += 1
        else:
            if delivered.outcome == "sent":
                summary.sent[(d.kind, d.channel)] += 1
            else:
                summary.no_address += 1
        if progress:
            progress(done, len(due))
    return summary
