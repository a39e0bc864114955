"""The patron status flags of 24 and 64 say what the card's released standing says."""

import datetime as dt
from types import SimpleNamespace

from custodian.door.lines import Standing
from custodian.sip2.responses import status_flags

DAY = dt.date(2027, 1, 1)


def _flags(status: str) -> str:
    return status_flags(
        SimpleNamespace(standing=Standing(status=status, since=None, expires_on=DAY))
    )


def test_a_card_reported_lost_or_stolen_sets_the_card_reported_lost_flag():
    for status in ("card_lost", "card_stolen"):
        flags = _flags(status)
        assert flags[4] == "Y" and flags[0] == flags[1] == flags[3] == "Y"


def test_an_active_card_sets_no_flag_and_a_blocked_one_no_lost_flag():
    assert _flags("active") == " " * 14
    assert _flags("blocked")[4] == " " and _flags("blocked")[0] == "Y"


def test_nothing_released_says_nothing():
    assert status_flags(None) == " " * 14
    assert status_flags(SimpleNamespace(standing=None)) == " " * 14
