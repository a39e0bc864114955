"""Closing a patron's account at the desk: what will go and what stays, and erasing the person.

The desk shows `closing_preview` (counts only, with the reason erasure would refuse, if any)
and, once the clerk has seen the profile's proof of identity that the person asking is the
patron (`[proofs.patron_identified]`, the same proof a PIN reset needs), calls
`close_account`, which erases the person through `custodian.holds.erasure.erase_patron`.
Both are audited; neither audit entry holds a name or a card number.
"""

from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.db import transaction

from custodian.accounts.models import PATRON_DESK_ROLES
from custodian.audit.services import record_access
from custodian.door.errors import ActionFailed, PatronNotFound
from custodian.door.readers import Reader
from custodian.holds.erasure import ErasureRefused, ErasureResult, check_erasable, erase_patron
from custodian.policy import get_engine
from custodian.records.models import (
    Charge,
    Hold,
    Loan,
    PastLoan,
    Patron,
    Payment,
)

PROOF = "patron_identified"
CHANNEL = "in_person"
PURPOSE = "account_closing"
# Who may close an account at the desk: the staff who open patron accounts for library
# business (the IT administrator and the auditor never do).
CLOSE_ROLES = frozenset(PATRON_DESK_ROLES)


class ClosingRefused(ActionFailed):
    """The account was not closed; the message says why in plain words (no name, no card)."""


@dataclass(frozen=True)
class ClosingPreview:
    patron_ref: UUID
    loans_out: int
    # Loans of items marked lost: they do not stop the closing; the loan goes, the charge stays.
    lost_loans: int
    reading_history: int
    open_holds: int
    charges: int
    payments: int
    # Why erasure would refuse now (a legal hold, items out), in words; "" when it would not.
    refusal: str


def _patron(patron_ref) -> Patron:
    try:
        return Patron.objects.get(ref=UUID(str(patron_ref)))
    except (Patron.DoesNotExist, ValueError):
        raise PatronNotFound() from None


def _refuse_role(reader: Reader, patron_ref, action: str) -> None:
    if reader.kind != "staff" or reader.role not in CLOSE_ROLES:
        with transaction.atomic():
            record_access(
                actor=reader.actor,
                role=reader.audit_role,
                purpose=PURPOSE,
                patron_ref=str(patron_ref),
                fields=[],
                outcome="refused",
                clauses=[],
                action=action,
            )
        raise ClosingRefused("Your role does not close patron accounts.")


def closing_preview(*, reader: Reader, patron_ref) -> ClosingPreview:
    """What closing this account would erase and keep, in counts. Audited."""
    _refuse_role(reader, patron_ref, "close_account_preview")
    patron = _patron(patron_ref)
    try:
        check_erasable(patron=patron)
        refusal = ""
    except ErasureRefused as refused:
        refusal = str(refused)
    preview = ClosingPreview(
        patron_ref=patron.ref,
        loans_out=Loan.objects.filter(patron=patron).exclude(item__status="lost").count(),
        lost_loans=Loan.objects.filter(patron=patron, item__status="lost").count(),
        reading_history=PastLoan.objects.filter(patron=patron).count(),
        open_holds=Hold.objects.filter(patron=patron).count(),
        charges=Charge.objects.filter(patron=patron).count(),
        payments=Payment.objects.filter(patron=patron).count(),
        refusal=refusal,
    )
    record_access(
        actor=reader.actor,
        role=reader.audit_role,
        purpose=PURPOSE,
        patron_ref=str(patron.ref),
        fields=["loans.count", "reading_history.count", "holds.count", "charges.count"],
        outcome="allowed",
        clauses=[],
        action="close_account_preview",
    )
    return preview


def proof_choices() -> tuple[list[tuple[str, str]], str, list[str]]:
    """What the desk may tick for the proof of identity, the proof in words, its clauses."""
    from custodian.policy.vocabulary import EVIDENCE_WORDS

    proof = get_engine().profile(settings.CUSTODIAN_PROFILE).proofs.get(PROOF)
    options = proof.channels.get(CHANNEL, ()) if proof else ()
    codes: list[str] = []
    for option in options:
        codes += [c for c in sorted(option) if c not in codes]
    choices = [(c, EVIDENCE_WORDS[c].screen if c in EVIDENCE_WORDS else c) for c in codes]
    words = " or ".join(
        " and ".join(EVIDENCE_WORDS[c].phrase if c in EVIDENCE_WORDS else c for c in sorted(o))
        for o in options
    )
    clauses = [proof.clause] if proof and proof.clause else []
    return choices, words or "a proof of identity this library's policy does not define", clauses


def close_account(*, reader: Reader, patron_ref, evidence) -> ErasureResult:
    """Erase the patron who asked, after the profile's in-person proof that it is them."""
    _refuse_role(reader, patron_ref, "close_account")
    patron = _patron(patron_ref)
    profile = get_engine().profile(settings.CUSTODIAN_PROFILE)
    _choices, words, clauses = proof_choices()
    if PROOF not in profile.proofs_established(CHANNEL, list(evidence)):
        with transaction.atomic():
            record_access(
                actor=reader.actor,
                role=reader.audit_role,
                purpose=PURPOSE,
                patron_ref=str(patron.ref),
                fields=[f"evidence.{c}" for c in sorted(evidence)],
                outcome="refused",
                clauses=clauses,
                action="close_account",
            )
        raise ClosingRefused(
            f"The account was not closed. Before an account is closed, the library's policy "
            f"needs {words}. Tick what the patron showed you."
        )
    try:
        return erase_patron(
            patron=patron, actor=reader.actor, role=reader.audit_role, reason="patron_asked"
        )
    except ErasureRefused as refused:
        raise ClosingRefused(f"The account was not closed. {refused}") from None
