"""Building SIP2 responses: the standard's dates, fixed fields with safe defaults, counts,
the patron status flags and the summary ranges (the conversation is in handlers.py)."""

from decimal import Decimal

from django.utils import timezone

from custodian.door.kiosk import KioskPatron
from custodian.sip2.messages import DATE, RESPONSES, Message

# SIP2 18: circulation status by Item.Status.
CIRCULATION_STATUS = {
    "available": "03",
    "on_loan": "04",
    "on_hold_shelf": "08",
    "lost": "12",
    "withdrawn": "01",
}
UNKNOWN_LANGUAGE = "000"


def sip_date(moment=None) -> str:
    """The standard's 18-character date: local time, the zone left as four spaces."""
    local = timezone.localtime(moment or timezone.now())
    return local.strftime("%Y%m%d") + "    " + local.strftime("%H%M%S")


def sip_day(day) -> str:
    """A due date (a day) in the same form, at the end of that day."""
    return day.strftime("%Y%m%d") + "    235900"


def _default(name: str, length: int) -> str:
    if length == DATE:
        return sip_date()
    if name == "patron_status":
        return " " * 14
    if name == "language":
        return UNKNOWN_LANGUAGE
    if name.endswith("_count"):
        return "    "
    if name == "protocol_version":
        return "2.00"
    if name in ("circulation_status", "fee_type"):
        return "01"
    if name == "security_marker":
        return "00"
    if length == 3:
        return "000"
    return "N" if length == 1 else " " * length


def response(code: str, **fixed: str) -> Message:
    """A response with its fixed fields in layout order; those not given take safe
    defaults (flags N, counts blank, dates now)."""
    layout = RESPONSES[code]
    values = {}
    for name, length in layout:
        value = str(fixed.pop(name, _default(name, length)))
        if len(value) != length:
            raise ValueError(f"{code} {name}: {value!r} is not {length} characters")
        values[name] = value
    if fixed:
        raise ValueError(f"{code} has no fixed field {sorted(fixed)[0]!r}")
    return Message(code=code, fixed=values)


def count(n: int | None) -> str:
    return "    " if n is None else f"{min(n, 9999):04d}"


def status_flags(seen: KioskPatron | None) -> str:
    """The 14 "denied" flags of 24 and 64, set only when the card's standing is released."""
    if seen is None or seen.standing is None:
        return " " * 14
    flags = [" "] * 14
    if not seen.standing.usable:
        for i in (0, 1, 3):  # charge, renewal, hold privileges denied
            flags[i] = "Y"
    if seen.standing.status in ("card_lost", "card_stolen"):
        flags[4] = "Y"  # card reported lost
    return "".join(flags)


def summary_range(request: Message) -> tuple[int, int]:
    """BP..BQ, the items wanted (1-based, inclusive); all when not given or not numbers."""
    try:
        first = max(1, int(request.get("BP", "1") or 1))
    except ValueError:
        first = 1
    try:
        last = int(request.get("BQ", "9999") or 9999)
    except ValueError:
        last = 9999
    return first, max(first - 1, min(last, 9999))


def fine_line(charge) -> str:
    what = f" {charge.title}" if charge.title else ""
    return f"{Decimal(charge.outstanding):.2f} {charge.kind}{what}"
