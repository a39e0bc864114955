"""The audit log's codes as a patron reads them ("Who has looked", the privacy page).

The auditor's words (custodian/audit/wording.py) speak of "a patron"; these speak to the
patron ("your record"), and are translatable. A code not listed here falls back to the
auditor's words, which are never raw codes either.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.audit import wording
from custodian.disclosure import vocab

ACTIONS = {
    "read": gettext_lazy("Opened your record"),
    "lookup": gettext_lazy("Looked up your card"),
    "check_out": gettext_lazy("Checked out an item to you"),
    "check_in": gettext_lazy("Checked in an item you had borrowed"),
    "renew": gettext_lazy("Renewed an item for you"),
    "place_hold": gettext_lazy("Placed a hold for you"),
    "cancel_hold": gettext_lazy("Cancelled one of your holds"),
    "pay": gettext_lazy("Took a payment from you"),
    "denied": gettext_lazy("Tried to open your record and was turned away"),
    "read_package": gettext_lazy("Opened a package of your records prepared for a request"),
    "set_pin": gettext_lazy("Set a new PIN for your card"),
    "export": gettext_lazy("Copied your registration into a file for another library system"),
    "import": gettext_lazy("Updated your registration from the library's previous system"),
    "disclosure.intake": gettext_lazy("Recorded a request for information about you"),
    "disclosure.release": gettext_lazy("Handed over information about you"),
    "disclosure.review": gettext_lazy("Reviewed a request for information about you"),
    "disclosure.written_decision": gettext_lazy(
        "Wrote the decision on a request for information about you"
    ),
    "disclosure.close": gettext_lazy("Closed a request for information about you"),
}

ROLES = {
    "desk": gettext_lazy("Desk staff"),
    "branch_manager": gettext_lazy("Branch manager"),
    "director": gettext_lazy("The Library Director"),
    "designee": gettext_lazy("The Director's designee"),
    "it_admin": gettext_lazy("IT administrator"),
    "auditor": gettext_lazy("Auditor"),
    "system": gettext_lazy("The library's computer system"),
    "anonymous": gettext_lazy("Someone who was not signed in"),
    "guardian": gettext_lazy("Your parent or guardian"),
    # A SIP2 machine: a self-check kiosk, a return machine, a computer-booking system.
    "sip_machine": gettext_lazy("A self-service machine at the library"),
}

PURPOSES = {
    "library_business": gettext_lazy("Library business"),
    "overdue_recovery": gettext_lazy("Recovering overdue items and charges"),
    "report_illegal_activity": gettext_lazy("Reporting conduct on library premises"),
    "emergency": gettext_lazy("An emergency: danger to public health or safety"),
    "disclosure": gettext_lazy("A request for information about you"),
    "retention": gettext_lazy("Removing records the library no longer keeps"),
    "own_record": gettext_lazy("Your own account"),
    "none": gettext_lazy("No reason given"),
    "": gettext_lazy("No reason given"),
}

# Answers: what the policy let them see.
OUTCOMES = {
    "release": gettext_lazy("Allowed"),
    "partial_release": gettext_lazy("Partly allowed"),
    "withhold": gettext_lazy("Refused: nothing was shown"),
    "refer": gettext_lazy("Sent to a manager to decide; nothing was shown"),
    "need_proof": gettext_lazy("Refused until proof of identity is shown"),
    "refused": gettext_lazy("Refused"),
    "deny": gettext_lazy("Refused"),
    "none": gettext_lazy("Nothing found"),
    "allowed": gettext_lazy("Allowed"),
    "applied": gettext_lazy("Done"),
    "released": gettext_lazy("Handed over"),
}

# To whom, for a disclosure: the requester kind.
WHOM = {
    "patron": gettext_lazy("You"),
    "authorized_agent": gettext_lazy("Someone you authorised in writing"),
    "guardian": gettext_lazy("Your parent or guardian"),
    "staff": gettext_lazy("Library staff"),
    "law_enforcement": gettext_lazy("A law enforcement officer"),
    "immigration": gettext_lazy("An immigration officer"),
    "government": gettext_lazy("Another public agency"),
    "public": gettext_lazy("A member of the public"),
    "media": gettext_lazy("The media"),
    "vendor": gettext_lazy("A library contractor"),
    "attorney": gettext_lazy("An attorney in a civil case"),
}


def action(code: str) -> str:
    if code in ACTIONS:
        return str(ACTIONS[code])
    if code.startswith("disclosure."):
        return _("Worked on a request for information about you")
    return wording.action(code)


def role(code: str) -> str:
    return str(ROLES[code]) if code in ROLES else wording.role(code)


def purpose(code: str) -> str:
    return str(PURPOSES[code]) if code in PURPOSES else wording.purpose(code)


def outcome(code: str) -> str:
    return str(OUTCOMES[code]) if code in OUTCOMES else wording.outcome(code)


def whom(code: str) -> str:
    if code in WHOM:
        return str(WHOM[code])
    return vocab.REQUESTER_KINDS.get(code, "") if code else ""


def field(code: str) -> str:
    """A record field's label. The labels are the policy vocabulary's (English); they are
    passed through gettext so a translation in the catalogue is used when there is one."""
    label = vocab.FIELDS.get(code)
    return _(label) if label else wording.field(code)
