"""The SIP2 2.00 messages Custodian speaks, as plain values (no wire format here).

A message on the wire is a two-digit command code, its fixed-length fields in the order the
standard gives, then variable fields, each a two-letter id, a value and a "|". The codec
(`codec.py`) turns that into a `Message` and back; the conversation (`handlers.py`) reads
and writes `Message`s only. Sequence numbers (AY) and checksums (AZ) are the codec's and
the server's business, never the conversation's.
"""

from dataclasses import dataclass, field
from typing import Protocol

# Each message's fixed fields, in wire order: (name, length). Names follow the 2.00 standard.
DATE = 18  # "YYYYMMDDZZZZHHMMSS": local time, four spaces for the zone (or "   Z" for UTC)

REQUESTS: dict[str, tuple[tuple[str, int], ...]] = {
    "93": (("uid_algorithm", 1), ("pwd_algorithm", 1)),  # login: CN, CO, CP
    "99": (("status_code", 1), ("max_print_width", 3), ("protocol_version", 4)),  # SC status
    "97": (),  # please resend your last message
    "23": (("language", 3), ("transaction_date", DATE)),  # patron status: AO AA AC AD
    "63": (("language", 3), ("transaction_date", DATE), ("summary", 10)),  # patron info
    "11": (  # checkout: AO AA AB AC, CH AD BO BI optional
        ("sc_renewal_policy", 1),
        ("no_block", 1),
        ("transaction_date", DATE),
        ("nb_due_date", DATE),
    ),
    "09": (("no_block", 1), ("transaction_date", DATE), ("return_date", DATE)),  # checkin
    "29": (  # renew: AO AA, AD AB AJ AC CH BO optional
        ("third_party_allowed", 1),
        ("no_block", 1),
        ("transaction_date", DATE),
        ("nb_due_date", DATE),
    ),
    "65": (("transaction_date", DATE),),  # renew all: AO AA, AD AC BO optional
    "17": (("transaction_date", DATE),),  # item information: AO AB, AC optional
    "37": (  # fee paid: BV AO AA, AC AD CG BK optional
        ("transaction_date", DATE),
        ("fee_type", 2),
        ("payment_type", 2),
        ("currency_type", 3),
    ),
    "15": (("hold_mode", 1), ("transaction_date", DATE)),  # hold: AO AA, BW BS BY AD AB AJ AC BO
    "35": (("transaction_date", DATE),),  # end patron session: AO AA, AC AD optional
}

RESPONSES: dict[str, tuple[tuple[str, int], ...]] = {
    "94": (("ok", 1),),
    "98": (
        ("online_status", 1),
        ("checkin_ok", 1),
        ("checkout_ok", 1),
        ("acs_renewal_policy", 1),
        ("status_update_ok", 1),
        ("offline_ok", 1),
        ("timeout_period", 3),
        ("retries_allowed", 3),
        ("date_time_sync", DATE),
        ("protocol_version", 4),
    ),  # AO AM BX, AN AF AG
    "96": (),
    "24": (("patron_status", 14), ("language", 3), ("transaction_date", DATE)),
    "64": (
        ("patron_status", 14),
        ("language", 3),
        ("transaction_date", DATE),
        ("hold_items_count", 4),
        ("overdue_items_count", 4),
        ("charged_items_count", 4),
        ("fine_items_count", 4),
        ("recall_items_count", 4),
        ("unavailable_holds_count", 4),
    ),
    "12": (
        ("ok", 1),
        ("renewal_ok", 1),
        ("magnetic_media", 1),
        ("desensitize", 1),
        ("transaction_date", DATE),
    ),
    "10": (
        ("ok", 1),
        ("resensitize", 1),
        ("magnetic_media", 1),
        ("alert", 1),
        ("transaction_date", DATE),
    ),
    "30": (
        ("ok", 1),
        ("renewal_ok", 1),
        ("magnetic_media", 1),
        ("desensitize", 1),
        ("transaction_date", DATE),
    ),
    "66": (
        ("ok", 1),
        ("renewed_count", 4),
        ("unrenewed_count", 4),
        ("transaction_date", DATE),
    ),
    "18": (
        ("circulation_status", 2),
        ("security_marker", 2),
        ("fee_type", 2),
        ("transaction_date", DATE),
    ),
    "38": (("payment_accepted", 1), ("transaction_date", DATE)),
    "16": (("ok", 1), ("available", 1), ("transaction_date", DATE)),
    "36": (("end_session", 1), ("transaction_date", DATE)),
}

# The response to each request (97 is answered by the server with the last response sent).
ANSWERS = {
    "93": "94",
    "99": "98",
    "23": "24",
    "63": "64",
    "11": "12",
    "09": "10",
    "29": "30",
    "65": "66",
    "17": "18",
    "37": "38",
    "15": "16",
    "35": "36",
}


@dataclass(slots=True)
class Message:
    """One SIP2 message without its AY/AZ trailer.

    `fixed` holds every fixed field of the message's layout by name (values exactly as long
    as the layout says); `fields` holds the variable fields by two-letter id, each a list
    because some (AS, AT, AU, AV, BM, BN, AF, AG, ...) repeat. Fields keep their order.
    """

    code: str
    fixed: dict[str, str] = field(default_factory=dict)
    fields: dict[str, list[str]] = field(default_factory=dict)

    def get(self, field_id: str, default: str = "") -> str:
        """The first value of a variable field, or `default` when absent."""
        values = self.fields.get(field_id)
        return values[0] if values else default

    def add(self, field_id: str, value: str) -> "Message":
        self.fields.setdefault(field_id, []).append(value)
        return self


class Conversation(Protocol):
    """One machine's connection, from login to hang-up (`handlers.py` implements it).

    The server makes one per TCP connection and calls `answer` for every well-formed
    request other than 97, from a worker thread (Django's database access is synchronous).
    `answer` never raises for anything a machine sends: a refusal is a response message.
    """

    def answer(self, request: Message) -> Message: ...

    def close(self) -> None:
        """The connection ended (end of stream, error or server shutdown)."""
