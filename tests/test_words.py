"""custodian.words: codes as the library's labels, moments in its time zone, in every template."""

import datetime as dt
import zoneinfo

import pytest
from django.template import engines
from django.utils import timezone

from custodian import words
from custodian.testing.plain_words import raw_codes_in

UTC = dt.UTC


def render(source: str, **context) -> str:
    # No {% load %}: the filters are builtins of every template.
    return engines["django"].from_string(source).render(context)


def test_label_and_labels_without_loading_anything():
    out = render(
        '{{ k|label:"kind" }} | {{ f|labels:"field" }} | {{ o|label:"outcome" }}',
        k="immigration",
        f=["registration.address", "loans.titles"],
        o="partial_release",
    )
    assert (
        out
        == "Immigration officer | Postal address, Titles of items checked out now | Partly released"
    )


@pytest.mark.parametrize(
    ("code", "kind", "expected"),
    [
        ("officer_credentials", "evidence", "Officer credentials (name and badge noted)"),
        ("law_enforcement", "kind", "Law enforcement officer"),
        ("search_warrant", "instrument", "Search warrant"),
        ("written_decision", "obligation", "The director issues a written decision."),
        ("written_decision", "event", "Written decision"),
        ("voicemail", "channel", "Message left for the patron"),
        ("agency_officer", "signer", "An agency officer"),
        ("branch_manager", "reviewer", "Branch manager"),
        ("contract.scope", "clause", "Every library: only what the document names"),
    ],
)
def test_every_kind_has_words(code, kind, expected):
    assert words.word_for(code, kind) == expected
    assert raw_codes_in(expected) == []


def test_a_librarys_own_clause_ids_are_shown_as_they_are():
    assert words.word_for("III.C.2.h", "clause") == "III.C.2.h"
    assert words.word_for("Regulation 4", "clause") == "Regulation 4"


def test_an_unknown_code_is_still_shown_as_words():
    assert words.word_for("brand_new_thing", "obligation") == "brand new thing"
    assert words.word_for("newgroup.records", "field") == "newgroup: records"
    assert words.word_for(None, "field") == ""
    assert render('{{ c|labels:"field" }}', c=None) == ""


@pytest.mark.django_db
def test_roles_in_words():
    assert words.word_for("it_admin", "role") == "IT administrator"
    assert words.word_for("branch_manager", "role") == "Branch manager (person in charge)"


def test_when_is_in_the_librarys_time_zone(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    # 03:15 UTC on 3 December is 7:15 pm on 2 December in California.
    moment = dt.datetime(2026, 12, 3, 3, 15, 42, 123456, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("America/Los_Angeles")):
        assert words.when(moment) == "2 December 2026, 7:15 pm"
        assert words.day(moment) == "2 December 2026"
        assert render("{{ m|when }} / {{ m|day }}", m=moment) == (
            "2 December 2026, 7:15 pm / 2 December 2026"
        )
        # A stored ISO string (a package's JSON) reads the same as the moment it names.
        assert words.when(moment.isoformat()) == "2 December 2026, 7:15 pm"
    with timezone.override(zoneinfo.ZoneInfo("Europe/London")):
        assert words.when(moment) == "3 December 2026, 3:15 am"


@pytest.mark.parametrize(
    ("hour", "minute", "said"),
    [(0, 5, "12:05 am"), (11, 59, "11:59 am"), (12, 0, "12:00 pm"), (15, 15, "3:15 pm")],
)
def test_hours_on_the_twelve_hour_clock(hour, minute, said):
    naive = dt.datetime(2026, 12, 2, hour, minute)
    assert words.when(naive) == f"2 December 2026, {said}"


def test_dates_and_empty_values():
    assert words.day(dt.date(2026, 1, 9)) == "9 January 2026"
    assert words.when(dt.date(2026, 1, 9)) == "9 January 2026"
    assert words.day("2026-01-09") == "9 January 2026"
    assert words.when(None) == words.day("") == ""
    # Not a date at all: shown as given, not turned into a wrong date.
    assert words.day("any date") == "any date"


def test_dollars():
    assert words.dollars(1250) == "$12.50"
    assert words.dollars(123456) == "$1,234.56"
    assert words.dollars(None) == ""
    assert render("{{ c|dollars }}", c=7500) == "$75.00"
