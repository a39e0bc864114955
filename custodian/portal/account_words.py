"""The words "My account" and "My reading history" use for the door's codes, in the
patron's language: why a renewal or a hold was refused, a hold's state, a charge's kind.

The door hands back codes (custodian.door.own); the desk's English messages are written
for staff ("Ask for photo ID ..."), so the patron gets these instead.
"""

from django.utils.translation import gettext_lazy as _

# Why the library said no to a renewal or a hold, said to the patron.
REASONS = {
    "blocked": _("Your account is blocked. Please speak to library staff."),
    "card_lost": _(
        "Your card was reported lost or stolen. Please bring photo ID to the library "
        "for a new card."
    ),
    "expired": _("Your card has expired. Please renew your membership at the library."),
    "card_unusable": _("Your card cannot be used right now. Please speak to library staff."),
    "renewal_limit": _(
        "It has been renewed as many times as the library allows. Please return it by the due date."
    ),
    "wanted": _("Someone else is waiting for it, so it cannot be renewed."),
    "not_on_loan": _("It is no longer checked out to you."),
    "already_held": _("You already have a hold on it."),
    "hold_not_open": _("That hold is no longer open."),
    "hold_refused": _("A hold cannot be placed on it."),
    "not_in_collection": _("It is no longer in the library's collection."),
    "yours_already": _("You have it checked out already."),
    "no_item": _("The library has no item with that number."),
    "policy": _("The library's policy does not allow this online. Please ask at the desk."),
    "refused": _("The library could not do this. Please ask at the desk."),
}

HOLD_STATUS = {
    "waiting": _("Waiting: you will be told when it is ready"),
    "ready": _("Ready for you to pick up"),
}

CHARGE_KINDS = {
    "overdue": _("Overdue fine"),
    "lost": _("Lost item"),
    "damaged": _("Damaged item"),
    "card": _("Replacement card"),
    "other": _("Other charge"),
}

PAYMENT_METHODS = {
    "cash": _("Cash"),
    "card": _("Card"),
    "waived": _("Waived by the library"),
}

ILL_STATUS = {
    "requested": _("Requested from another library"),
    "shipped": _("On its way to us"),
    "received": _("Here for you"),
    "returned": _("Returned to the lending library"),
    "cancelled": _("Cancelled"),
}

ITEM_STATUS = {
    "available": _("On the shelf"),
    "on_loan": _("Checked out"),
    "on_hold_shelf": _("On the hold shelf"),
}

CARD_STANDING = {
    "blocked": _(
        "Your account is blocked: you cannot borrow or renew. Please speak to library staff."
    ),
    "card_lost": _(
        "Your card was reported lost. Please bring photo ID to the library for a new card."
    ),
    "card_stolen": _(
        "Your card was reported stolen. Please bring photo ID to the library for a new card."
    ),
    "expired": _("Your card has expired. Please renew your membership at the library."),
}

# The categories that may be "Not kept by this library", and their headings.
CATEGORY_HEADINGS = {
    "programs.records": _("Programs you signed up for"),
    "rooms.records": _("Room bookings"),
    "computer.records": _("Computer sessions"),
    "ill.records": _("Interlibrary loan requests"),
}


def reason(code: str) -> str:
    return str(REASONS.get(code, REASONS["refused"]))


def word(table: dict, code: str) -> str:
    """A code's words; an unknown code still reads as words, never as a raw code."""
    return str(table[code]) if code in table else str(code).replace("_", " ").capitalize()
