"""What the desk says at the top of an account whose card may not be used: what happened,
in words, and what to do. Built from the door's `Standing` (released with the account's
status), never from the records.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# An active card this close to its expiry day gets a quiet reminder (not an alert).
EXPIRY_NOTICE_DAYS = 30

NEW_CARD = "Do not check out on it. Ask for photo ID; if it is the patron, issue a new card."


@dataclass(frozen=True, slots=True)
class Alert:
    title: str
    happened: str
    to_do: str
    # "alert": the card may not be used (role="alert", red); "notice": worth saying, no more.
    level: str = "alert"


def day_words(day: dt.date, today: dt.date) -> str:
    """ "3 November", with the year only when it is not this year's."""
    words = f"{day.day} {day:%B}"
    return words if day.year == today.year else f"{words} {day.year}"


def _on(day: dt.date | None, today: dt.date) -> str:
    return f" on {day_words(day, today)}" if day else ""


def alert_for(*, standing, balance: Decimal | None, today: dt.date) -> Alert | None:
    """The alert for a card in this standing, or None for a card in good standing that is
    not about to expire. `balance`: what the account owes, when that was released."""
    if standing is None:
        return None
    status = standing.status
    if status == "card_stolen":
        return Alert(
            "Card reported stolen",
            f"This card was reported stolen{_on(standing.since, today)}.",
            NEW_CARD,
        )
    if status == "card_lost":
        return Alert(
            "Card reported lost",
            f"This card was reported lost{_on(standing.since, today)}.",
            NEW_CARD,
        )
    if status == "blocked":
        owes = f" It owes ${balance:,.2f}." if balance else ""
        return Alert(
            "Account blocked",
            f"This account was blocked{_on(standing.since, today)}.{owes}",
            "Do not check out on it or place holds. A branch manager can say why it was "
            "blocked and what lifts the block.",
        )
    if status == "expired":
        # An "expired" status set by hand may come before the card's own expiry day.
        gone = standing.expires_on if standing.expires_on < today else None
        return Alert(
            "Card expired",
            f"This card expired{_on(gone, today)}.",
            "Do not check out on it until the registration is renewed: confirm the "
            "patron's address and phone number, then renew the card.",
        )
    left = (standing.expires_on - today).days
    if status == "active" and 0 <= left <= EXPIRY_NOTICE_DAYS:
        return Alert(
            "Card expires soon",
            f"This card expires on {day_words(standing.expires_on, today)}.",
            "Offer to renew it while the patron is here.",
            level="notice",
        )
    return None
