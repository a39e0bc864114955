"""The write services, in one place: what the door and the generator call.

Keyword-only functions taking model instances. Each runs in its own transaction (joining
the caller's when there is one) and raises a `CirculationError` subclass from
`custodian.circulation.errors` with a message fit to show at the desk.
"""

from custodian.circulation.guardians import link_guardian, unlink_guardian
from custodian.circulation.holds import cancel_hold, expire_holds, place_hold
from custodian.circulation.library_use import (
    book_room,
    end_computer_session,
    mark_attendance,
    record_camera_footage,
    record_reference_interview,
    record_search,
    register_for_program,
    request_ill,
    set_ill_status,
    start_computer_session,
)
from custodian.circulation.loans import (
    CheckInResult,
    check_in,
    check_out,
    check_out_fresh,
    fill_hold,
    overdue_fine,
    renew,
)
from custodian.circulation.lost import LostResult, mark_lost, replacement_charge
from custodian.circulation.money import PaymentReceipt, assess_charge, pay
from custodian.circulation.patrons import (
    add_responsible_party,
    hash_pin,
    record_authorization,
    register_patron,
    revoke_authorization,
    set_pin,
    set_reading_history,
    verify_pin,
)
from custodian.circulation.selectors import balance

__all__ = [
    "CheckInResult",
    "LostResult",
    "PaymentReceipt",
    "add_responsible_party",
    "assess_charge",
    "balance",
    "book_room",
    "cancel_hold",
    "check_in",
    "check_out",
    "check_out_fresh",
    "end_computer_session",
    "expire_holds",
    "fill_hold",
    "hash_pin",
    "link_guardian",
    "mark_attendance",
    "mark_lost",
    "overdue_fine",
    "pay",
    "place_hold",
    "record_authorization",
    "record_camera_footage",
    "record_reference_interview",
    "record_search",
    "register_for_program",
    "register_patron",
    "renew",
    "replacement_charge",
    "request_ill",
    "set_ill_status",
    "revoke_authorization",
    "set_pin",
    "set_reading_history",
    "start_computer_session",
    "unlink_guardian",
    "verify_pin",
]
