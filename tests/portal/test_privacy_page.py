"""The library's privacy page: rendered from the running profile, for each of the four."""

import dataclasses
import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from custodian.policy import get_engine
from custodian.policy.errors import ProfileError
from custodian.policy.portal_settings import load_portal
from custodian.portal import privacy
from custodian.testing.plain_words import raw_codes_in, visible_text

pytestmark = pytest.mark.django_db
URL = reverse("portal:privacy")
PROFILES = ("sonoma-county", "jackson-county", "jensen-memorial", "westchester")


def _text(client, profile: str) -> str:
    with override_settings(CUSTODIAN_PROFILE=profile):
        response = client.get(URL)
    assert response.status_code == 200
    return visible_text(response.content.decode())


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end)]


@pytest.mark.parametrize("name", PROFILES)
def test_each_profile_page_shows_its_retention_and_its_rules(client, name):
    profile = get_engine().profile(name)
    text = _text(client, name)  # signed out: the page is public
    assert text.count(profile.display_name) >= 2
    assert "When you return an item, the link between you and that item is removed at once" in text
    assert "Security-camera video is deleted after 30 days" in text
    assert "You, online, signed in with your card number and PIN May be told: Everything" in text
    assert profile.portal.sealed_entries in text
    # The date it took effect in words, never ISO; an undated policy gives none.
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None and "undated" not in text
    assert raw_codes_in(text) == []


def test_the_profiles_pages_differ_where_their_rules_differ(client):
    told = {
        name: _section(_text(client, name), "Who may be told what", "Seeing, taking")
        for name in PROFILES
    }
    assert len(set(told.values())) == 4
    # Sonoma III.B.2.b: a teen's guardian hears only whether anything is overdue and the sum.
    teen = re.search(
        r"child aged 17, with the child's card May be told: ([^.]*?) What", told["sonoma-county"]
    )
    assert teen.group(1) == "Whether anything is overdue; How much is owed"
    assert "III.B.2.b" in told["sonoma-county"]
    # Jensen keeps no programs, rooms or computer sign-ons; the others do not say so.
    jensen = _text(client, "jensen-memorial")
    assert "This library does not keep these at all: Program registration and attendance" in jensen
    assert "does not keep these at all" not in _text(client, "sonoma-county")
    # Jackson VIII names the Director for complaints; Sonoma names the PATRIOT Act clause.
    assert "What the policy says: VIII" in _text(client, "jackson-county")
    sonoma = _text(client, "sonoma-county")
    assert "What the policy says: III.C.2.d.i ¶2" in sonoma
    assert "What the policy says: VIII" not in sonoma
    # Westchester and Jackson rely on the contract's rule, named in words, not its id.
    assert "What the policy says: Every library: secrecy orders" in _text(client, "westchester")


def test_retention_periods_come_from_the_profile(client, monkeypatch):
    profile = get_engine().profile("westchester")
    monkeypatch.setattr(profile, "retention", {**profile.retention, "video_days": 90})
    text = _text(client, "westchester")
    assert "deleted after 90 days" in text and "deleted after 30 days" not in text


def test_a_spanish_summary_shows_on_the_spanish_page_only():
    profile = get_engine().profile("sonoma-county")
    with translation.override("es"):
        page = privacy.page(profile)
    assert page["summaries"]["sealed"].startswith("Si la ley prohíbe")
    assert set(page["summaries"]) == {"kept", "told", "yours", "complain", "sealed"}
    with translation.override("en"):
        assert not any(privacy.page(profile)["summaries"].values())
    # A profile with no Spanish summary shows none, in either language.
    with translation.override("es"):
        assert not any(privacy.page(get_engine().profile("westchester"))["summaries"].values())


def test_the_portal_footer_links_the_privacy_page(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{URL}"' in html


def test_the_staff_names_setting_is_off_unless_a_profile_turns_it_on():
    for name in PROFILES:
        assert get_engine().profile(name).portal.show_staff_names is False
    settings = get_engine().profile("sonoma-county").portal
    assert dataclasses.replace(settings, show_staff_names=True).show_staff_names


CLAUSES = {"VIII": object()}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"show_staf_names": True}, "unknown key 'show_staf_names'"),
        ({"show_staff_names": "yes"}, "show_staff_names must be true or false"),
        ({"concern_answer_days": True}, "concern_answer_days must be a whole number"),
        ({"concern_answer_days": 0}, "concern_answer_days must be a whole number"),
        ({"sealed_entries_clause": "IX"}, "sealed_entries_clause cites unknown clause 'IX'"),
        ({"concern_clause": "IX"}, "concern_clause cites unknown clause 'IX'"),
        ({"sealed_entries": "  "}, "sealed_entries must be a non-empty text"),
        ({"summary_es": {"other": "x"}}, "summary_es: unknown section 'other'"),
    ],
)
def test_a_bad_portal_table_is_refused_in_one_line(table, message):
    with pytest.raises(ProfileError, match=re.escape(message)):
        load_portal({"portal": table}, Path("profile.toml"), "[portal]\n", CLAUSES)


def test_a_profile_without_a_portal_table_gets_the_defaults():
    settings = load_portal({}, Path("profile.toml"), "", CLAUSES)
    assert (settings.show_staff_names, settings.concern_answer_days) == (False, 30)
    assert settings.sealed_entries_clause is None and settings.summary_es == {}
