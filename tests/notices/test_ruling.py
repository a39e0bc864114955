"""What a notice may say is the engine's answer for the channel, then the patron's opt-in."""

import pytest

from custodian.door.notices import TITLE_FIELDS, notice_ruling

PROFILES = ("sonoma-county", "jackson-county", "jensen-memorial", "westchester")
ASKED = ("loans.due_dates", "loans.titles", "overdue.status", "overdue.titles", "holds.titles")


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("channel", ["email", "sms", "phone"])
def test_no_titles_without_the_opt_in(settings, profile, channel):
    settings.CUSTODIAN_PROFILE = profile
    ruling = notice_ruling(channel=channel, fields=ASKED, titles_opt_in=False)
    assert not TITLE_FIELDS & set(ruling.released)
    assert ruling.requested == ASKED  # asked for, and withheld


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("channel", ["sms", "phone"])
def test_a_message_left_names_no_titles_even_opted_in(settings, profile, channel):
    settings.CUSTODIAN_PROFILE = profile
    ruling = notice_ruling(channel=channel, fields=ASKED, titles_opt_in=True)
    assert not TITLE_FIELDS & set(ruling.released)


def test_jensen_regulation_4_wins_over_the_opt_in(settings):
    settings.CUSTODIAN_PROFILE = "jensen-memorial"
    ruling = notice_ruling(channel="phone", fields=ASKED, titles_opt_in=True)
    assert ruling.released == ("overdue.status",)
    assert "no_titles_in_message" in ruling.obligations
    assert ruling.clauses == ["Regulation 4"]


@pytest.mark.parametrize("profile", PROFILES)
def test_email_with_the_opt_in_carries_what_the_profile_allows_online(settings, profile):
    settings.CUSTODIAN_PROFILE = profile
    ruling = notice_ruling(channel="email", fields=ASKED, titles_opt_in=True)
    assert "loans.titles" in ruling.released and "loans.due_dates" in ruling.released


def test_an_unknown_channel_is_refused(settings):
    with pytest.raises(ValueError, match="a notice goes by one of"):
        notice_ruling(channel="pigeon", fields=ASKED, titles_opt_in=True)
