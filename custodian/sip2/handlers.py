"""`KioskConversation`: one machine's SIP2 conversation, answered through the door.

The server makes one per connection and calls `answer` for each request (docs/sip2.md):

- Login (93) comes first. Anything else before a good login gets its own response with
  every "ok"/"valid" flag N and the screen message (AF) "This machine has not signed in"
  (a kiosk shows AF; a 96 would only make it resend). A wrong login answers 94 with ok 0
  and is throttled per account name and per peer address.
- Every later message checks that the account is still active (a disabled machine is
  refused at its next message) and that its institution id (AO), when sent, is the
  account's branch code.
- What a machine may send depends on its purpose: a return machine checks items in and
  asks about items; a PC-booking system asks about patrons; a self-check kiosk does all.
- The patron is the card number (AA) and, when the kiosk sends it, the PIN (AD). The PIN is
  verified once per patron per connection (Argon2 is slow on purpose) and throttled like
  the portal's sign-in. Without a verified PIN the profiles release nothing of the record:
  a check-out, a renewal or a hold needs the PIN. The door narrows what is shown to what
  the machine's purpose needs (the profile's `[kiosks]`); never an address (BD), email (BE)
  or phone (BF).
- Item identifiers in AS/AT/AU/CD/BM/BN are barcodes, sent only when the titles are
  released (a barcode names the title as well as the title does).
"""

import hmac
import logging
from dataclasses import dataclass
from hashlib import sha256
from uuid import UUID

from custodian.door import (
    ActionFailed,
    DoorError,
    OwnActionRefused,
    Refused,
    cancel_own_hold,
    library_name,
    place_own_hold,
    renew_own,
)
from custodian.door.kiosk import (
    KioskPatron,
    Machine,
    check_in_at_machine,
    check_out_at_machine,
    check_pin,
    item_facts,
    patron_ref_for_card,
    pay_at_machine,
    read_at_machine,
    renew_all_at_machine,
)
from custodian.sip2 import services, words
from custodian.sip2.messages import ANSWERS, Message
from custodian.sip2.responses import (
    CIRCULATION_STATUS,
    count,
    fine_line,
    response,
    sip_day,
    status_flags,
    summary_range,
)
from custodian.sip2.selectors import AccountInfo, still_active

log = logging.getLogger("custodian.sip2")

# The messages each purpose may send (login, status and end of session for every machine).
PATRON_MESSAGES = {"23", "63", "35"}
ALLOWED: dict[str, frozenset[str]] = {
    "self_check": frozenset({"23", "63", "11", "09", "29", "65", "17", "37", "15", "35"}),
    "pc_booking": frozenset({"23", "63", "35"}),
    "return": frozenset({"09", "17"}),
}
# BX, the supported messages, in the order SIP2 2.00 lists them: (request code or None).
BX_ORDER = (
    "23",
    "11",
    "09",
    None,
    "99",
    "97",
    "93",
    "63",
    "35",
    "37",
    "17",
    None,
    None,
    "15",
    "29",
    "65",
)
# SIP2 37 payment type: 00 cash, 01 VISA, 02 credit card; anything else is a card too.
PAYMENT_METHOD = {"00": "cash"}


def _log_failure(code: str, peer: str, error: Exception) -> None:
    """Where it failed, never the exception's message: a database error can quote the
    values it was given, and those may be a patron's."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb is not None else "?"
    log.error("SIP2 %s from %s failed: %s at %s", code, peer, type(error).__name__, where)


@dataclass(slots=True)
class _PatronAtMachine:
    """The patron at the machine now: their card's ref (None: no such card), and whether a
    PIN was verified on this connection (and a digest of it, to notice a different one)."""

    card: str
    ref: UUID | None
    pin_digest: bytes | None = None
    pin_ok: bool = False
    pin_problem: str | None = None  # "wrong" | "card_locked" | "address_locked"


class KioskConversation:
    def __init__(self, *, peer: str):
        self.peer = peer
        self.account: AccountInfo | None = None
        self.machine: Machine | None = None
        self._patron: _PatronAtMachine | None = None

    # -- the protocol ----------------------------------------------------------------

    def answer(self, request: Message) -> Message:
        code = request.code
        if code not in ANSWERS:
            return Message(code="96")
        try:
            if code == "93":
                return self._login(request)
            refused = self._refusal(request)
            if refused is not None:
                return refused
            return getattr(self, f"_answer_{code}")(request)
        except Exception as error:  # a machine never sees a traceback
            _log_failure(code, self.peer, error)
            return self._refuse(request, words.FAILED)

    def close(self) -> None:
        self._patron = None
        self.machine = None
        self.account = None

    # -- login, status and refusals -------------------------------------------------------

    def _login(self, request: Message) -> Message:
        result = services.authenticate(
            name=request.get("CN"), password=request.get("CO"), peer=self.peer
        )
        if result.outcome != "signed_in":
            self.close()
            message = response("94", ok="0")
            if result.outcome != "refused":
                log.warning("SIP2 login locked (%s) from %s", result.outcome, self.peer)
            return message
        self.account = result.account
        self.machine = Machine(
            name=result.account.name,
            purpose=result.account.purpose,
            branch_id=result.account.branch_id,
        )
        self._patron = None
        return response("94", ok="1")

    def _refusal(self, request: Message) -> Message | None:
        """The answer for a message this machine may not send now, or None."""
        if self.account is None:
            return self._refuse(request, words.NOT_SIGNED_IN)
        if not still_active(account_id=self.account.id):
            self.close()
            return self._refuse(request, words.DISABLED)
        institution = request.get("AO").strip()
        if institution and institution != self.account.branch_code:
            return self._refuse(request, words.WRONG_INSTITUTION)
        if request.code != "99" and request.code not in ALLOWED[self.account.purpose]:
            return self._refuse(request, words.NOT_THIS_MACHINE)
        return None

    def _refuse(self, request: Message, screen: str) -> Message:
        """The request's own response with every ok/valid flag N and a screen message."""
        code = ANSWERS.get(request.code, "96")
        if code == "96":
            return Message(code="96")
        fixed = {}
        if code in ("94", "12", "10", "30", "66", "16"):
            fixed["ok"] = "0"
        out = response(code, **fixed)
        if code not in ("94", "98"):
            self._echo(request, out)
        if code in ("24", "64"):
            out.add("AE", "")
            out.add("BL", "N")
        if code in ("12", "30", "10", "18"):
            out.fields.setdefault("AB", [request.get("AB")])
            out.add("AJ", "")
        if code == "12" or code == "30":
            out.add("AH", "")
        if code == "10":
            out.add("AQ", "")
        return out.add("AF", screen)

    def _echo(self, request: Message, out: Message) -> None:
        """AO and AA (and AB) back as the machine sent them, as the standard asks."""
        if self.account is not None:
            out.add("AO", self.account.branch_code)
        elif "AO" in request.fields:
            out.add("AO", request.get("AO"))
        if "AA" in request.fields:
            out.add("AA", request.get("AA"))
        if "AB" in request.fields:
            out.add("AB", request.get("AB"))

    def _answer_99(self, request: Message) -> Message:
        allowed = ALLOWED[self.account.purpose] | {"99", "97", "93"}
        out = response(
            "98",
            online_status="Y",
            checkin_ok="Y" if "09" in allowed else "N",
            checkout_ok="Y" if "11" in allowed else "N",
            acs_renewal_policy="Y" if "29" in allowed else "N",
            timeout_period="030",
            retries_allowed="003",
        )
        out.add("AO", self.account.branch_code)
        out.add("AM", library_name())
        out.add("BX", "".join("Y" if c in allowed else "N" for c in BX_ORDER))
        out.add("AN", self.account.name)
        return out

    # -- the patron at the machine ---------------------------------------------------------

    def _who(self, request: Message) -> _PatronAtMachine:
        """The patron this message is about; the PIN checked once per patron per connection."""
        card = "".join(request.get("AA").split())
        here = self._patron
        if here is None or here.card != card:
            here = self._patron = _PatronAtMachine(card=card, ref=patron_ref_for_card(card))
        pin = request.get("AD")
        if pin:
            digest = hmac.new(b"sip2-pin", pin.encode(), sha256).digest()
            if here.pin_digest is None or not hmac.compare_digest(digest, here.pin_digest):
                outcome = check_pin(machine=self.machine, card_number=card, pin=pin)
                here.pin_digest = digest
                here.pin_ok = outcome == "ok" and here.ref is not None
                here.pin_problem = None if here.pin_ok else outcome
        return here

    def _reader(self, here: _PatronAtMachine):
        return self.machine.reader_for(here.ref, pin_verified=here.pin_ok)

    def _pin_words(self, here: _PatronAtMachine, request: Message) -> str | None:
        """Why nothing can be done for this card yet, or None."""
        if here.pin_problem == "card_locked":
            return words.CARD_LOCKED
        if here.pin_problem == "address_locked":
            return words.MACHINE_LOCKED
        if here.pin_problem == "wrong" or (here.ref is None and request.get("AD")):
            return words.WRONG_PIN
        if not here.pin_ok:
            return words.PIN_NEEDED
        return None

    def _patron_flags(self, out: Message, here: _PatronAtMachine, request: Message) -> None:
        """BL (valid patron) and CQ (valid PIN), only when a PIN was sent: without one, the
        answer must not tell whether the card exists."""
        if request.get("AD") or here.pin_digest is not None:
            out.add("BL", "Y" if here.pin_ok else "N")
            out.add("CQ", "Y" if here.pin_ok else "N")

    def _seen(self, request: Message) -> tuple[_PatronAtMachine, KioskPatron | None]:
        here = self._who(request)
        if here.ref is None:
            return here, None
        return here, read_at_machine(reader=self._reader(here))

    def _answer_23(self, request: Message) -> Message:
        here, seen = self._seen(request)
        out = response("24", patron_status=status_flags(seen))
        self._echo(request, out)
        self._patron_fields(out, here, seen, request)
        return out

    def _answer_63(self, request: Message) -> Message:
        here, seen = self._seen(request)
        loans = seen.loans if seen else None
        holds = seen.holds if seen else None
        ready = [h for h in holds if h.status == "ready"] if holds is not None else None
        waiting = [h for h in holds if h.status != "ready"] if holds is not None else None
        fines = (
            [c for c in seen.charges if c.outstanding > 0]
            if seen and seen.charges is not None
            else None
        )
        out = response(
            "64",
            patron_status=status_flags(seen),
            hold_items_count=count(len(ready) if ready is not None else None),
            overdue_items_count=count(seen.overdue_count if seen else None),
            charged_items_count=count(seen.loans_count if seen else None),
            fine_items_count=count(len(fines) if fines is not None else None),
            recall_items_count=count(0 if seen and seen.released else None),
            unavailable_holds_count=count(len(waiting) if waiting is not None else None),
        )
        self._echo(request, out)
        self._patron_fields(out, here, seen, request)
        summary = request.fixed.get("summary", "")
        wanted = summary.find("Y")
        first, last = summary_range(request)
        lists = {
            0: ("AS", [h.barcode for h in ready] if ready is not None else None),
            1: (
                "AT",
                [x.barcode for x in seen.overdue] if seen and seen.overdue is not None else None,
            ),
            2: ("AU", [x.barcode for x in loans] if loans is not None else None),
            3: ("AV", [fine_line(c) for c in fines] if fines is not None else None),
            4: ("BU", [] if seen and seen.released else None),
            5: ("CD", [h.barcode for h in waiting] if waiting is not None else None),
        }
        if wanted in lists:
            field_id, values = lists[wanted]
            for value in (values or [])[first - 1 : last]:
                out.add(field_id, value)
        return out

    def _patron_fields(self, out, here: _PatronAtMachine, seen, request: Message) -> None:
        out.add("AE", seen.name if seen and seen.name is not None else "")
        self._patron_flags(out, here, request)
        if seen and seen.balance is not None:
            out.add("BH", "USD")
            out.add("BV", f"{seen.balance:.2f}")
        problem = self._pin_words(here, request)
        if problem:
            out.add("AF", problem)
        elif seen and not seen.released:
            out.add("AF", words.NOTHING_SHOWN)
        elif seen and seen.standing is not None and not seen.standing.usable:
            out.add("AF", words.CARD_UNUSABLE)

    # -- the patron's acts -------------------------------------------------------------------

    def _act(self, request: Message, code: str, act, done) -> Message:
        """Run a patron's act; refusals become this message's response with ok 0."""
        here = self._who(request)
        problem = self._pin_words(here, request)
        if here.ref is None:  # no such card: nothing to ask or audit, and the same words
            return self._refuse(request, problem or words.PIN_NEEDED)
        try:
            # Asked even without a PIN: the engine refuses, and the refusal is audited.
            result = act(self._reader(here))
        except OwnActionRefused as error:
            said = words.REASONS.get(error.reason) if error.reason != "refused" else None
            return self._refuse(request, said or error.message)
        except Refused:
            return self._refuse(request, problem or words.NOT_ALLOWED)
        except (ActionFailed, DoorError) as error:
            return self._refuse(request, error.message)
        return done(result)

    def _answer_11(self, request: Message) -> Message:
        return self._lend(request, check_out_at_machine, renewal_ok="N", said=words.checked_out)

    def _answer_29(self, request: Message) -> Message:
        return self._lend(request, renew_own, renewal_ok="Y", said=words.renewed)

    def _lend(self, request: Message, action, *, renewal_ok: str, said) -> Message:
        """Check-out (11) and renew (29): the same act on the item in AB, answered alike
        (12 or 30) with its title and new due date."""
        barcode = request.get("AB").strip()

        def done(receipt):
            out = response(
                ANSWERS[request.code],
                ok="1",
                renewal_ok=renewal_ok,
                magnetic_media="U",
                desensitize="Y",
            )
            self._echo(request, out)
            out.add("AJ", receipt.title)
            out.add("AH", sip_day(receipt.due_on))
            return out.add("AF", said(receipt.due_on))

        act = lambda reader: action(reader=reader, item_barcode=barcode)  # noqa: E731
        return self._act(request, request.code, act, done)

    def _answer_65(self, request: Message) -> Message:
        def done(receipt):
            out = response(
                "66",
                ok="1",
                renewed_count=count(len(receipt.renewed)),
                unrenewed_count=count(len(receipt.unrenewed)),
            )
            self._echo(request, out)
            for barcode in receipt.renewed:
                out.add("BM", barcode)
            for barcode in receipt.unrenewed:
                out.add("BN", barcode)
            return out.add("AF", words.renewed_all(len(receipt.renewed), len(receipt.unrenewed)))

        return self._act(request, "65", lambda reader: renew_all_at_machine(reader=reader), done)

    def _answer_15(self, request: Message) -> Message:
        mode = request.fixed.get("hold_mode", "")
        barcode = request.get("AB").strip()
        if mode not in "+-" or not mode or not barcode:
            return self._refuse(request, words.HOLD_MODE)
        place = mode == "+"

        def done(receipt):
            out = response("16", ok="1", available="Y" if receipt.status == "ready" else "N")
            self._echo(request, out)
            out.add("AJ", receipt.title)
            return out.add("AF", words.HOLD_PLACED if place else words.HOLD_CANCELLED)

        def act(reader):
            if place:
                return place_own_hold(reader=reader, item_barcode=barcode)
            return cancel_own_hold(reader=reader, item_barcode=barcode)

        return self._act(request, "15", act, done)

    def _answer_37(self, request: Message) -> Message:
        method = PAYMENT_METHOD.get(request.fixed.get("payment_type", ""), "card")
        amount = request.get("BV")

        def done(receipt):
            out = response("38", payment_accepted="Y")
            self._echo(request, out)
            if request.get("BK"):
                out.add("BK", request.get("BK"))
            return out.add("AF", words.paid(receipt.amount, receipt.balance))

        def act(reader):
            return pay_at_machine(reader=reader, amount=amount, method=method)

        return self._act(request, "37", act, done)

    def _answer_35(self, request: Message) -> Message:
        self._patron = None
        out = response("36", end_session="Y")
        self._echo(request, out)
        return out.add("AF", words.GOODBYE)

    # -- the machine's own acts ------------------------------------------------------------

    def _answer_09(self, request: Message) -> Message:
        barcode = request.get("AB").strip()
        try:
            receipt = check_in_at_machine(machine=self.machine, item_barcode=barcode)
        except DoorError as error:
            return self._refuse(request, error.message)
        out = response(
            "10",
            ok="1",
            resensitize="N" if receipt.to_hold_shelf else "Y",
            magnetic_media="U",
            alert="Y" if receipt.to_hold_shelf or receipt.transit_to or receipt.was_lost else "N",
        )
        self._echo(request, out)
        out.add("AQ", receipt.home_branch_code)
        message = words.CHECKED_IN
        if receipt.transit_to:
            out.add("CL", f"transit-{receipt.transit_to}")
            message = words.TRANSIT
        elif receipt.to_hold_shelf:
            out.add("CL", "hold-shelf")
            message = words.HOLD_SHELF
        if receipt.was_lost:
            # Staff see it first: its replacement charge was reversed, maybe a refund is due.
            message = words.FOUND_LOST
        out.add("AF", message)
        return out

    def _answer_17(self, request: Message) -> Message:
        barcode = request.get("AB").strip()
        try:
            facts = item_facts(item_barcode=barcode)
        except DoorError:
            out = response("18", circulation_status="01")
            self._echo(request, out)
            out.add("AJ", "")
            return out.add("AF", words.NO_ITEM)
        out = response(
            "18",
            circulation_status=CIRCULATION_STATUS.get(facts.status, "01"),
            security_marker="02",
        )
        self._echo(request, out)
        # A shared return machine shows no titles (docs/sip2.md).
        out.add("AJ", "" if self.account.purpose == "return" else facts.title)
        if facts.due_on is not None:
            out.add("AH", sip_day(facts.due_on))
        return out
