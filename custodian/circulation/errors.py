"""Errors the write services raise.

Every message is fit to show at the desk as it is. None contains a patron's name, card
number or PIN: messages end up in logs, screens and error reports.
"""


class CirculationError(Exception):
    """Base class: the request was refused for a reason staff can act on."""

    default_message = "The request was refused."

    def __init__(self, message: str | None = None):
        self.message = message or self.default_message
        super().__init__(self.message)


# --- patrons ---------------------------------------------------------------------------


class PatronNotInGoodStanding(CirculationError):
    default_message = "This card cannot be used right now."


class PatronBlocked(PatronNotInGoodStanding):
    default_message = "This account is blocked. Please see a branch manager."


class PatronCardExpired(PatronNotInGoodStanding):
    default_message = "This card has expired. Please renew the registration first."


class PatronCardLost(PatronNotInGoodStanding):
    default_message = (
        "This card was reported lost. Do not check out on it. "
        "Ask for photo ID; if it is the patron, issue a new card."
    )


class PatronCardStolen(PatronCardLost):
    default_message = (
        "This card was reported stolen. Do not check out on it. "
        "Ask for photo ID; if it is the patron, issue a new card."
    )


class CardNumberTaken(CirculationError):
    default_message = "That card number is already in use. Scan a new card."


class InvalidPin(CirculationError):
    default_message = "A PIN must be 4 to 64 characters long."


class InvalidRecord(CirculationError):
    default_message = "Some details are missing or inconsistent."


class AuthorizationAlreadyRevoked(CirculationError):
    default_message = "This authorisation was already revoked."


# --- items and loans -------------------------------------------------------------------


class ItemNotAvailable(CirculationError):
    default_message = "This item cannot be checked out."


class ItemAlreadyOnLoan(ItemNotAvailable):
    default_message = "This item is already checked out. Check it in before lending it again."


class ItemOnHoldForAnother(ItemNotAvailable):
    default_message = "This item is on the hold shelf for another patron."


class ItemNotOnLoan(CirculationError):
    default_message = "This item is not checked out."


class ItemAlreadyLost(CirculationError):
    default_message = "This item is already marked lost."


class RenewalRefused(CirculationError):
    default_message = "This loan cannot be renewed."


class RenewalLimitReached(RenewalRefused):
    default_message = "This loan has been renewed the maximum number of times."


class ItemWanted(RenewalRefused):
    default_message = "Another patron is waiting for this item, so it cannot be renewed."


# --- holds -----------------------------------------------------------------------------


class HoldRefused(CirculationError):
    default_message = "A hold cannot be placed on this item."


class HoldAlreadyPlaced(HoldRefused):
    default_message = "This patron already has a hold on this item."


class HoldNotOpen(CirculationError):
    default_message = "This hold is no longer open."


# --- money -----------------------------------------------------------------------------


class InvalidAmount(CirculationError):
    default_message = "Enter an amount greater than zero, in dollars and cents."


class Overpayment(CirculationError):
    default_message = "The payment is more than what is owed."


class ChargeNotForPatron(CirculationError):
    default_message = "That charge belongs to a different account."


# --- programs, computers, rooms --------------------------------------------------------


class AlreadyRegistered(CirculationError):
    default_message = "This patron is already registered for the program."


class ProgramFull(CirculationError):
    default_message = "The program is full."


class WorkstationInUse(CirculationError):
    default_message = "Someone is already signed on at that workstation."


class SessionAlreadyEnded(CirculationError):
    default_message = "That computer session has already ended."


class RoomUnavailable(CirculationError):
    default_message = "The room is already booked for part of that time."


class RoomTooSmall(CirculationError):
    default_message = "The room does not hold that many people."


class InvalidTimeWindow(CirculationError):
    default_message = "The end time must come after the start time."
