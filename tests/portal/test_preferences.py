"""The patron's notice settings at /my/settings/: choose the channel, titles, language;
see an example composed by the notices' own code under the library's policy."""

import pytest
from django.urls import reverse

from custodian.audit.models import AuditEntry
from custodian.portal.services_preferences import set_notice_preferences
from custodian.records.models import Patron
from tests.portal.signin import signed_in

URL = "/my/settings/"


def test_the_page_needs_a_signed_in_patron(client, db):
    assert reverse("portal:preferences") == URL
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].endswith("/my/")


def test_titles_are_off_by_default_and_explained(client, rosalind):
    signed_in(client, rosalind)
    page = client.get(URL).content.decode()
    assert page.count("<h1>") == 1
    assert 'name="titles" value="yes" aria-describedby="titles-hint"> ' in page  # not checked
    assert "anyone who sees your email" in page
    assert 'value="email" aria-describedby="channel-email-hint" checked' in page
    assert "rq@example.org" in page  # where email goes, read through the door


def test_saving_stores_the_choices_and_audits_names_only(client, rosalind):
    signed_in(client, rosalind)
    response = client.post(URL, {"channel": "sms", "titles": "yes", "language": "es"})
    assert response.status_code == 302
    rosalind.refresh_from_db()
    assert (rosalind.notice_channel, rosalind.titles_in_notices, rosalind.preferred_language) == (
        "sms",
        True,
        "es",
    )
    entry = AuditEntry.objects.filter(action="portal_preference").last()
    assert entry.actor == "patron" and entry.patron_ref == str(rosalind.ref)
    assert entry.fields == ["notice_channel", "titles_in_notices", "preferred_language"]
    for value in ("sms", "Rosalind", rosalind.card_number):
        assert value not in entry.body


def test_unchecked_titles_turns_them_off(client, rosalind):
    set_notice_preferences(patron_ref=rosalind.ref, channel="email", titles=True, language="")
    signed_in(client, rosalind)
    client.post(URL, {"channel": "email", "language": ""})
    assert Patron.objects.get(pk=rosalind.pk).titles_in_notices is False


@pytest.mark.parametrize(
    "data", [{"channel": "pigeon", "language": ""}, {"channel": "email", "language": "fr"}]
)
def test_a_bad_choice_changes_nothing(client, rosalind, data):
    signed_in(client, rosalind)
    response = client.post(URL, data)
    assert response.status_code == 400
    rosalind.refresh_from_db()
    assert rosalind.notice_channel == "email" and rosalind.preferred_language == ""


def test_the_example_follows_the_policy_not_just_the_opt_in(client, rosalind, settings):
    settings.CUSTODIAN_PROFILE = "jensen-memorial"
    set_notice_preferences(patron_ref=rosalind.ref, channel="phone", titles=True, language="")
    signed_in(client, rosalind)
    page = client.get(URL).content.decode()
    assert "Phone message" in page
    assert "An example title" not in page  # Regulation 4: no titles in a message left
    assert "privacy policy keeps them out of this kind of message" in page
    set_notice_preferences(patron_ref=rosalind.ref, channel="email", titles=True, language="")
    page = client.get(URL).content.decode()
    assert "An example title" in page


def test_email_example_without_opt_in_names_no_title(client, rosalind, settings):
    settings.CUSTODIAN_PROFILE = "sonoma-county"
    signed_in(client, rosalind)
    page = client.get(URL).content.decode()
    assert "An example title" not in page and "names no titles" in page


def test_no_notices_shows_no_example(client, rosalind):
    set_notice_preferences(patron_ref=rosalind.ref, channel="none", titles=False, language="")
    signed_in(client, rosalind)
    page = client.get(URL).content.decode()
    assert "the library will send you nothing" in page
    assert "notice-example" not in page


def test_choosing_spanish_switches_the_pages_at_once(client, rosalind):
    signed_in(client, rosalind)
    client.post(URL, {"channel": "email", "language": "es"})
    assert '<html lang="es">' in client.get(URL).content.decode()
    client.post(URL, {"channel": "email", "language": ""}, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
