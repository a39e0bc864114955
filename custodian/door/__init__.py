"""The one door: every read of patron record data and every staff action on a patron's
record passes through here. It asks the policy engine, narrows to the reader's need to
know, appends one audit entry per call, and hands back plain immutable values.

    from custodian.door import Reader, find_patron, read_patron, check_out, check_in
    reader = Reader.staff(request.user)
    view = read_patron(reader=reader, patron_ref=ref, purpose="library_business",
                       fields=["loans.due_dates", "loans.titles"])

See docs/door.md.
"""

from custodian.door.errors import ActionFailed, DoorError, ItemNotFound, PatronNotFound, Refused
from custodian.door.lines import (
    ChargeLine,
    HoldLine,
    LoanLine,
    PaymentLine,
    ReadingHistory,
    Standing,
)
from custodian.door.lost import LostPreview, LostReceipt, lost_preview, mark_lost
from custodian.door.own import (
    OwnAccount,
    OwnActionRefused,
    OwnHistoryPage,
    cancel_own_hold,
    place_own_hold,
    read_own_account,
    read_own_history,
    renew_own,
)
from custodian.door.packages import PACKAGE_KEEPERS, read_package
from custodian.door.patron_view import PatronHandle, PatronView
from custodian.door.readers import Reader
from custodian.door.receipts import (
    CheckInReceipt,
    CheckOutReceipt,
    HoldReceipt,
    PaymentReceipt,
    RenewalReceipt,
)
from custodian.door.ruling import FIELDS
from custodian.door.selectors import find_patron, library_name, needed_fields, read_patron
from custodian.door.services import (
    ACTION_FIELDS,
    cancel_hold,
    check_in,
    check_out,
    pay,
    place_hold,
    record_denial,
    renew,
)
from custodian.door.takeout import Takeout, take_my_data

__all__ = [
    "ACTION_FIELDS",
    "FIELDS",
    "ActionFailed",
    "ChargeLine",
    "CheckInReceipt",
    "CheckOutReceipt",
    "DoorError",
    "HoldLine",
    "HoldReceipt",
    "ItemNotFound",
    "LoanLine",
    "LostPreview",
    "LostReceipt",
    "OwnAccount",
    "OwnActionRefused",
    "OwnHistoryPage",
    "PACKAGE_KEEPERS",
    "PatronHandle",
    "PatronNotFound",
    "PatronView",
    "PaymentLine",
    "PaymentReceipt",
    "Reader",
    "ReadingHistory",
    "Refused",
    "RenewalReceipt",
    "Standing",
    "Takeout",
    "cancel_hold",
    "cancel_own_hold",
    "check_in",
    "check_out",
    "find_patron",
    "library_name",
    "lost_preview",
    "mark_lost",
    "needed_fields",
    "pay",
    "place_hold",
    "place_own_hold",
    "read_package",
    "read_own_account",
    "read_own_history",
    "read_patron",
    "record_denial",
    "renew",
    "renew_own",
    "take_my_data",
]
