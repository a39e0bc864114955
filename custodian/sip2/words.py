"""What a machine's screen says (SIP2 AF): plain words, no names, no card numbers."""

NOT_SIGNED_IN = "This machine has not signed in. Please ask library staff for help."
DISABLED = "This machine's account has been turned off. Please ask library staff for help."
WRONG_INSTITUTION = "This machine is set up for a different branch. Please ask library staff."
NOT_THIS_MACHINE = "This machine cannot do that. Please use a self-check machine or the desk."
FAILED = "Something went wrong. Nothing was changed. Please ask library staff for help."
PIN_NEEDED = "Please enter your PIN."
WRONG_PIN = "That card number and PIN do not match. Please try again."
CARD_LOCKED = "Too many tries with this card. Please ask at the library desk to unlock it."
MACHINE_LOCKED = "Too many tries at this machine. Please wait 15 minutes or ask at the desk."
NOTHING_SHOWN = "This machine cannot show your account. Please ask at the desk."
NOT_ALLOWED = "This machine cannot do that for your card. Please ask at the desk."
CARD_UNUSABLE = "Your card cannot be used right now. Please ask at the desk."
HOLD_MODE = "This machine can place or cancel a hold, with an item barcode."
HOLD_PLACED = "Your hold is placed. We will tell you when it is ready."
HOLD_CANCELLED = "Your hold is cancelled."
GOODBYE = "Thank you. Goodbye."
CHECKED_IN = "Thank you. The item is checked in."
HOLD_SHELF = "Checked in. Please put this item on the hold shelf cart."
TRANSIT = "Checked in. This item goes to another branch."
FOUND_LOST = "Checked in. Please take this item to the desk."
NO_ITEM = "No item has that barcode."

# The door's refusal codes for the patron's own acts (custodian/door/own.py).
REASONS = {
    "blocked": "Your account is blocked. Please ask at the desk.",
    "card_lost": "This card was reported lost or stolen. Please ask at the desk.",
    "expired": "Your card has expired. Please renew it at the desk.",
    "card_unusable": CARD_UNUSABLE,
    "renewal_limit": "This item has been renewed as many times as it can be.",
    "wanted": "Someone is waiting for this item, so it cannot be renewed.",
    "not_on_loan": "This item is not checked out to you.",
    "already_held": "You already have a hold on this item.",
    "hold_not_open": "You have no open hold on this item.",
    "hold_refused": "A hold cannot be placed on this item.",
    "not_in_collection": "This item is no longer in the collection.",
    "yours_already": "You already have this item.",
    "refused": "That cannot be done. Please ask at the desk.",
}


def _day(day) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def checked_out(due_on) -> str:
    return f"Checked out. Due back {_day(due_on)}."


def renewed(due_on) -> str:
    return f"Renewed. Now due back {_day(due_on)}."


def renewed_all(renewed_count: int, not_renewed: int) -> str:
    if not not_renewed:
        return f"Renewed {renewed_count} item(s)."
    return f"Renewed {renewed_count} item(s); {not_renewed} could not be renewed."


def paid(amount, balance) -> str:
    return f"Thank you. Paid {amount:.2f}; you now owe {balance:.2f}."
