"""Erasing a person for good: closing an account at the patron's request, or a card expired
past the retention schedule (`custodian purge` calls `erase_patron` for those).

What happens to each kind of record (decided per model; tests/holds/test_erasure.py checks
every one):

| record | what erasure does |
|---|---|
| the registration (Patron) | deleted, with its PIN hash; its data key is destroyed |
| responsible parties, written authorisations | deleted (they are only the patron's) |
| reading history (opted-in past loans) | deleted |
| loans of items marked lost | deleted (the item stays lost; its charge stays, with no person) |
| open holds | cancelled (an item on the hold shelf passes to the next in line); closed holds already name no one |
| charges and payments | kept for the accounts, with no person |
| program registrations | deleted (the link is the whole row); attendance counts live in the statistics |
| computer sessions, room bookings, reference interviews, ILL requests, searches | the patron link is stripped, or the row deleted, as the profile's retention schedule says for that category (strip when it says nothing); a room booking not yet begun is deleted, an open computer session is ended, an open ILL request cancelled |
| camera footage | the footage stays (its own retention), the "identified" link to the patron goes |
| other patrons' guardian links to this card | the link is cut; the ward's record keeps the responsible party's entry |
| the patron's word to the Director (concerns) | deleted |
| portal sign-in sessions and the card's sign-in throttle | deleted (sessions: when the patron asked; an expired card's leftover session names only the opaque ref) |
| released legal holds | kept as the director's history, with no person |
| disclosure cases and the audit log | kept: they name the patron only by the opaque ref, which now leads nowhere |

It refuses, changing nothing, while an active legal hold names the patron, while items are
out on loan to them (check them in or mark them lost first) and while an interlibrary loan
is in their hands. All of it is one transaction, with one audit entry holding counts only.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet

from custodian.audit.services import record_access
from custodian.circulation._common import resolve_now
from custodian.circulation.holds import cancel_hold
from custodian.holds.models import LegalHold
from custodian.notices.models import SentNotice
from custodian.policy import get_engine
from custodian.portal.models import Concern, SignInThrottle
from custodian.records.models import (
    Authorization,
    CameraFootage,
    Charge,
    ComputerSession,
    Hold,
    InterlibraryLoanRequest,
    Loan,
    PastLoan,
    Patron,
    Payment,
    ProgramRegistration,
    ReferenceInterview,
    ResponsibleParty,
    RoomBooking,
    SearchRecord,
)
from custodian.records.sealing import forget_key

OPEN_ILL = ("requested", "shipped")
ILL_IN_HAND = ("received",)
# Categories whose rows erasure strips or deletes as the retention schedule says.
SCHEDULED = ("computer_sessions", "room_bookings", "reference_interviews", "ill", "searches")
# The portal keeps the signed-in patron's ref under this session key (custodian.portal.session).
PORTAL_PATRON_KEY = "portal_patron_ref"


# Why an account is erased, in the library's words (the audit entry keeps the key only).
REASONS = {
    "patron_asked": "The patron asked to close the account",
    "card_expired": "The card expired past the retention schedule",
}


class ErasureRefused(Exception):
    """Erasure did not happen and nothing changed; the message says why in plain words."""


class PatronHeld(ErasureRefused):
    def __init__(self) -> None:
        super().__init__(
            "This account cannot be erased: a legal hold keeps this patron's records. "
            "The Director must release the hold first."
        )


class ItemsStillOut(ErasureRefused):
    def __init__(self, count: int) -> None:
        self.count = count
        items = "1 item is" if count == 1 else f"{count} items are"
        super().__init__(
            f"This account cannot be erased: {items} still out on loan. "
            "Check them in or mark them lost first."
        )


class InterlibraryLoanInHand(ErasureRefused):
    def __init__(self, count: int) -> None:
        self.count = count
        what = "1 interlibrary loan is" if count == 1 else f"{count} interlibrary loans are"
        super().__init__(
            f"This account cannot be erased: {what} still with the patron. "
            "Return them to the lending library first."
        )


@dataclass
class ErasureResult:
    patron_ref: str
    # "<category>" -> rows deleted / rows kept with the patron link cut.
    erased: dict[str, int] = field(default_factory=dict)
    stripped: dict[str, int] = field(default_factory=dict)
    key_forgotten: bool = False
    audit_seq: int | None = None

    def fields(self) -> list[str]:
        """The audit entry's fields: counts per category, never content."""
        out = [f"erased.{name}.{n}" for name, n in sorted(self.erased.items()) if n]
        out += [f"stripped.{name}.{n}" for name, n in sorted(self.stripped.items()) if n]
        return out


def schedule_action(category: str) -> str:
    """ "delete" or "strip": what the profile's retention schedule does with a category's rows
    (`[retention.<category>] action = ...`); strip when the schedule names no action."""
    profile = get_engine().profile(settings.CUSTODIAN_PROFILE)
    rule = getattr(profile, "schedule", {}).get(category)
    action = getattr(rule, "action", None)
    return "delete" if action == "delete" else "strip"


def _strip_or_delete(result: ErasureResult, category: str, rows: QuerySet) -> None:
    if schedule_action(category) == "delete":
        result.erased[category] = rows.delete()[1].get(rows.model._meta.label, 0)
    else:
        result.stripped[category] = rows.update(patron=None)


def _portal_sessions(ref: str, now: dt.datetime) -> list[str]:
    keys = []
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if session.get_decoded().get(PORTAL_PATRON_KEY) == ref:
            keys.append(session.session_key)
    return keys


def _refuse_if_blocked(patron: Patron) -> None:
    if LegalHold.objects.filter(patron=patron, released_at__isnull=True).exists():
        raise PatronHeld()
    out = Loan.objects.filter(patron=patron).exclude(item__status="lost").count()
    if out:
        raise ItemsStillOut(out)
    in_hand = InterlibraryLoanRequest.objects.filter(patron=patron, status__in=ILL_IN_HAND)
    if in_hand.exists():
        raise InterlibraryLoanInHand(in_hand.count())


def check_erasable(*, patron: Patron) -> None:
    """Raise the `ErasureRefused` that `erase_patron` would raise now (for a confirmation
    page that shows the refusal before anyone presses the button)."""
    _refuse_if_blocked(patron)


def erase_patron(
    *, patron: Patron, actor: str, role: str, reason: str, now: dt.datetime | None = None
) -> ErasureResult:
    """Erase the person for good (see the module's table). Raises `ErasureRefused` (nothing
    changed) while a legal hold names them or something is still in their hands."""
    if not (reason or "").strip():
        raise ValueError("Erasing an account needs a reason.")
    # The audit entry names a reason only by its key: free text could name someone.
    reason_field = [f"reason.{reason}"] if reason in REASONS else ["reason.other"]
    now = resolve_now(now)
    with transaction.atomic():
        patron = Patron.objects.select_for_update().get(pk=patron.pk)
        _refuse_if_blocked(patron)
        ref = str(patron.ref)
        result = ErasureResult(patron_ref=ref)
        erased, stripped = result.erased, result.stripped

        erased["reading_history"] = PastLoan.objects.filter(patron=patron).delete()[0]
        # Loans of items marked lost: the item stays lost, its charge stays in the accounts;
        # the link to the patron (the loan itself, and its sent notices) goes.
        lost = Loan.objects.filter(patron=patron, item__status="lost")
        erased["notices"] = SentNotice.objects.filter(loan__in=lost).delete()[0]
        erased["lost_items_loans"] = lost.delete()[0]

        open_holds = list(Hold.objects.filter(patron=patron, status__in=("waiting", "ready")))
        erased["notices"] += SentNotice.objects.filter(hold__in=open_holds).delete()[0]
        for hold in open_holds:
            cancel_hold(hold=hold, now=now)
        stripped["holds"] = len(open_holds)

        # A note can name the person: the stripped charge keeps only the money.
        charges = Charge.objects.filter(patron=patron)
        stripped["charges"] = charges.update(patron=None, note="")
        stripped["payments"] = Payment.objects.filter(patron=patron).update(patron=None)

        erased["programs"] = ProgramRegistration.objects.filter(patron=patron).delete()[0]

        sessions = ComputerSession.objects.filter(patron=patron)
        sessions.filter(ended_at__isnull=True).update(ended_at=now)
        _strip_or_delete(result, "computer_sessions", sessions)

        bookings = RoomBooking.objects.filter(patron=patron)
        erased["room_bookings_to_come"] = bookings.filter(starts_at__gt=now).delete()[0]
        _strip_or_delete(result, "room_bookings", bookings.filter(starts_at__lte=now))

        _strip_or_delete(
            result, "reference_interviews", ReferenceInterview.objects.filter(patron=patron)
        )

        ill = InterlibraryLoanRequest.objects.filter(patron=patron)
        ill.filter(status__in=OPEN_ILL).update(status="cancelled")
        _strip_or_delete(result, "ill", ill)

        _strip_or_delete(result, "searches", SearchRecord.objects.filter(patron=patron))

        through = CameraFootage.identified_patrons.through
        stripped["video"] = through.objects.filter(patron=patron).delete()[0]

        stripped["guardian_links"] = ResponsibleParty.objects.filter(guardian_patron=patron).update(
            guardian_patron=None
        )
        erased["responsible_parties"] = ResponsibleParty.objects.filter(patron=patron).delete()[0]
        erased["authorizations"] = Authorization.objects.filter(patron=patron).delete()[0]
        erased["concerns"] = Concern.objects.filter(patron=patron).delete()[0]

        from custodian.portal.services_signin import card_key

        erased["sign_in_throttle"] = SignInThrottle.objects.filter(
            key=card_key(patron.card_number)
        ).delete()[0]
        # A patron at the desk may still be signed in elsewhere: end those sessions. For a
        # card expired past the schedule (the purge, thousands at a time) the scan of every
        # session is skipped: a leftover session holds only the opaque ref, which now leads
        # nowhere, and expires on its own.
        if reason != "card_expired":
            keys = _portal_sessions(ref, now)
            erased["portal_sessions"] = Session.objects.filter(session_key__in=keys).delete()[0]

        stripped["legal_holds_released"] = LegalHold.objects.filter(patron=patron).update(
            patron=None
        )

        Patron.objects.filter(pk=patron.pk).delete()
        erased["registration"] = 1
        result.key_forgotten = forget_key(patron.ref)

        entry = record_access(
            actor=actor,
            role=role,
            purpose="erasure",
            patron_ref=ref,
            fields=reason_field + result.fields(),
            outcome="erased",
            clauses=[],
            action="erase",
        )
        result.audit_seq = entry.seq
    return result
