"""The audit log's codes in words, for the auditor's screens (custodian/audit/views.py).

Actions, outcomes and purposes are written by many parts of the system; each known one has
a label here, and an unknown one is shown as words (never with underscores or dots).
"""

from __future__ import annotations

import re

from custodian.accounts.models import Role
from custodian.disclosure import vocab

ACTIONS = {
    "read": "Opened a patron's record",
    "lookup": "Looked up a patron",
    "check_out": "Checked out an item",
    "check_in": "Checked in an item",
    "renew": "Renewed an item",
    "place_hold": "Placed a hold",
    "cancel_hold": "Cancelled a hold",
    "pay": "Took a payment",
    "mark_lost": "Marked an item lost",
    "denied": "Was turned away from a screen",
    "read_package": "Opened a release package",
    "purge": "Removed records past their retention period",
    "import": "Imported patrons from another system",
    "rotate_index_key": "Rewrote the look-up index under a new key",
    "export": "Exported a patron's registration for another system",
    "staff_create": "Created a staff account",
    "staff_set_role": "Changed a staff member's role",
    "staff_set_branch": "Changed a staff member's branch",
    "staff_deactivate": "Deactivated a staff account",
    "staff_unlock": "Unlocked a staff account",
    "staff_reset_password": "Set a new password for a staff member",
    "audit_verify": "Verified the audit chain",
    "audit_log_search": "Searched the access log for one patron",
    "audit_check_decisions": "Re-checked every decision against the policy",
    "disclosure.intake": "Recorded a request for patron information",
    "disclosure.checklist": "Opened a request's checklist",
    "disclosure.case_list": "Listed disclosure cases",
    "disclosure.case": "Opened a disclosure case",
    "disclosure.case.note": "Added a note to a case",
    "disclosure.review": "Reviewed a case",
    "disclosure.written_decision": "Recorded the written decision",
    "disclosure.release": "Released records",
    "disclosure.package": "Opened a release package",
    "disclosure.cost": "Recorded a cost",
    "disclosure.counsel_review": "Recorded counsel's review",
    "disclosure.unseal": "Unsealed a case",
    "disclosure.close": "Closed a case",
    "disclosure.scan": "Opened a scanned document",
    "disclosure.incident_report": "Opened an incident report",
    "disclosure.invoice": "Opened an invoice",
    "disclosure.transparency": "Opened the transparency report",
    "disclosure.reminders": "Listed reminders",
    "concern_file": "Wrote to the Director",
    "concern_list": "Listed patrons' concerns",
    "concern_read": "Read a patron's concern",
    "concern_answer": "Answered a patron's concern",
    "concern_close": "Closed a patron's concern",
    "portal.signed_in": "The patron signed in online",
    "portal.pin_changed": "The patron changed their PIN",
    "portal.pin_reset": "Reset the patron's PIN at the desk",
    "portal.unlocked": "Unlocked the patron's online sign-in",
    "portal.notice": "Told the patron their PIN was changed",
    "portal.who_looked": "The patron read who has looked at their record",
    "portal.take_my_data": "The patron downloaded everything kept about them",
}

OUTCOMES = {
    **vocab.OUTCOMES,
    "allowed": "Allowed",
    "refused": "Refused",
    "applied": "Done",
    "recorded": "Recorded",
    "released": "Released",
    "disclose": "Decided to disclose",
    "withhold": "Decided to withhold",
    "unsealed": "Unsealed",
    "closed": "Closed",
    "intact": "Chain intact",
    "broken": "Chain broken",
    "agree": "Every decision agrees",
    "disagree": "Some decisions disagree",
    "failed": "Could not run",
    "not_locked": "Nothing to unlock",
    "sent_email": "Sent by email",
    "sent_sms": "Sent by text message",
    "sent_phone": "Sent as a phone message",
    "not_sent": "Not sent (no way to reach the patron); told at the desk",
}

PURPOSES = {
    **{code: text for code, text in vocab.PURPOSES.items() if code},
    "disclosure": "A request for patron information",
    "retention": "The retention schedule",
    "key_rotation": "Changing the library's keys",
    "import": "Moving patrons in from another system",
    "staff_administration": "Running staff accounts",
    "own_record": "The patron's own record",
    "patron_concern": "A patron's question or complaint to the Director",
    "audit": "Auditing",
    "none": "Not stated",
}

ROLES = {
    **dict(Role.choices),
    "patron": "The patron",
    "anonymous": "Not signed in",
    # The actor is "sip:<account>": a self-check kiosk, return machine or PC-booking system.
    "sip_machine": "A self-service machine (SIP2)",
}


def _words(code: str) -> str:
    text = str(code).replace("_", " ").replace(".", ": ")
    return text[:1].upper() + text[1:]


def action(code: str) -> str:
    if code in ACTIONS:
        return ACTIONS[code]
    if code.startswith("disclosure."):  # a refused screen records the view's name
        return "Disclosure: " + code.removeprefix("disclosure.").replace("_", " ").replace(".", " ")
    return _words(code)


def outcome(code: str) -> str:
    return OUTCOMES.get(code) or _words(code)


def purpose(code: str) -> str:
    return PURPOSES.get(code) or _words(code) if code else "Not stated"


def role(code: str) -> str:
    return str(ROLES.get(code) or _words(code))


_STAFF_FIELD = re.compile(r"staff_account\.(\d+)\.([a-z_]+)\.(.+)")
_STAFF_WHAT = {
    "role": "role",
    "previous_role": "previous role",
    "branch": "branch",
    "previous_branch": "previous branch",
    "active": "can sign in",
    "lockout": "failed sign-ins",
    "password": "password",
}


def field(code: str) -> str:
    """A field of an entry: a patron-record field's label, or a staff change in words."""
    if code in vocab.FIELDS:
        return vocab.FIELDS[code]
    staff = _STAFF_FIELD.fullmatch(code)
    if staff:
        number, what, value = staff.groups()
        if what in ("role", "previous_role"):
            value = role(value)
        elif what == "active":
            value = "no" if value == "false" else "yes"
        elif value in ("reset", "cleared", "none"):
            value = {"reset": "set anew", "cleared": "cleared", "none": "none"}[value]
        else:
            value = f"number {value}"
        return f"Staff account {number}: {_STAFF_WHAT.get(what, _words(what).lower())} {value}"
    return _words(code)


def problem(text: str) -> str:
    """A re-check finding (custodian/policy/replay.py) with its outcome and field codes in
    words: the sentence is the engine's, the codes become labels."""

    def swap(match: re.Match) -> str:
        word = match.group(0)
        if word in vocab.OUTCOMES:
            return vocab.OUTCOMES[word].lower()
        if word in vocab.FIELDS:
            return vocab.FIELDS[word]
        return word

    return re.sub(r"[a-z_]+(?:\.[a-z_*]+)*", swap, text)
