"""A small library with SIP machines, for the conversation's tests (tests/sip2/test_handlers_*).

Rosalind (tests/door/conftest.py) has two loans (one overdue), a hold and a fine; here she
also has a PIN. Each machine is a SIP account at MAIN; `signed_in` logs a conversation in.
"""

from custodian.circulation import services as circulation
from custodian.sip2 import services
from custodian.sip2.handlers import KioskConversation
from custodian.sip2.messages import REQUESTS, Message

PIN = "4719"
CARD = "21234000012345"
ADDRESS = "12 Orchard Lane"
PASSWORD = "kiosk password 1"
NAMES = {"self_check": "kiosk-1", "pc_booking": "libki-1", "return": "bookdrop-1"}


def with_pin(patron, pin: str = PIN):
    circulation.set_pin(patron=patron, pin=pin)
    return patron


def account(purpose: str = "self_check", *, name: str | None = None, branch: str = "MAIN"):
    return services.create_account(
        name=name or NAMES[purpose], branch_code=branch, purpose=purpose, password=PASSWORD
    ).account


def request(code: str, fields: dict | None = None, **fixed: str) -> Message:
    """A request with its fixed fields filled (dates as a kiosk sends them)."""
    values = {}
    for name, length in REQUESTS[code]:
        if name in fixed:
            values[name] = fixed.pop(name)
        elif length == 18:
            values[name] = "20261202    120000"
        elif name == "summary":
            values[name] = " " * 10
        elif name == "language":
            values[name] = "001"
        elif name == "currency_type":
            values[name] = "USD"
        elif name in ("fee_type", "payment_type"):
            values[name] = "01" if name == "fee_type" else "00"
        elif name == "hold_mode":
            values[name] = "+"
        elif name == "max_print_width":
            values[name] = "040"
        elif name == "protocol_version":
            values[name] = "2.00"
        else:
            values[name] = "N" if length == 1 else "0" * length
    assert not fixed, fixed
    message = Message(code=code, fixed=values)
    for key, value in (fields or {}).items():
        message.add(key, value)
    return message


def login(name: str, password: str = PASSWORD) -> Message:
    return request("93", {"CN": name, "CO": password}, uid_algorithm="0", pwd_algorithm="0")


def signed_in(purpose: str = "self_check", *, peer: str = "10.0.0.5:40001") -> KioskConversation:
    conversation = KioskConversation(peer=peer)
    answer = conversation.answer(login(NAMES[purpose]))
    assert answer.fixed["ok"] == "1"
    return conversation


def patron_fields(card: str = CARD, pin: str | None = PIN, **more) -> dict:
    fields = {"AO": "MAIN", "AA": card}
    if pin is not None:
        fields["AD"] = pin
    fields.update(more)
    return fields


def text_of(message: Message) -> str:
    """Everything a response carries, as one string to search."""
    parts = [message.code, *message.fixed.values()]
    for key, values in message.fields.items():
        parts.extend(f"{key}{v}" for v in values)
    return "|".join(parts)
