"""English and Spanish in the portal: the patron's choice this session, then the one kept
on their record, then the browser's, then English; staff screens always English; the
choice stored through an audited service; the catalogue compiled without GNU gettext."""

import pytest
from django.urls import reverse

from custodian.audit.models import AuditEntry
from custodian.portal import language as portal_language
from custodian.records.models import Patron
from tests.portal.signin import signed_in

pytestmark = pytest.mark.django_db

LANGUAGE_PAGE = "/my/language/"


def _lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_browser_language_is_used_when_nothing_was_chosen(client):
    spanish = client.get(LANGUAGE_PAGE, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert _lang(spanish) == "es"
    assert "<h1>Idioma</h1>" in spanish.content.decode()
    assert spanish["Content-Language"] == "es"
    english = client.get(LANGUAGE_PAGE, HTTP_ACCEPT_LANGUAGE="fr,en;q=0.5")
    assert _lang(english) == "en" and "<h1>Language</h1>" in english.content.decode()
    # A language the library does not offer: English.
    assert _lang(client.get(LANGUAGE_PAGE, HTTP_ACCEPT_LANGUAGE="de")) == "en"


def test_staff_screens_stay_english_whatever_the_browser_says(client, rf):
    page = client.get("/staff/login/", HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    assert page["Content-Language"] == "en"
    # Behind the page, Django itself speaks English too (its own messages, formats).
    from django.utils import translation

    from custodian.portal.language import PortalLanguageMiddleware

    seen = {}

    def view(request):
        seen["language"] = translation.get_language()
        seen["django"] = str(translation.gettext("This field is required."))
        return None

    request = rf.get("/staff/desk/", HTTP_ACCEPT_LANGUAGE="es")
    request.session = {}
    translation.activate("es")  # as LocaleMiddleware would have, from the browser
    PortalLanguageMiddleware(view)(request)
    assert seen == {"language": "en", "django": "This field is required."}


def test_choosing_spanish_signed_out_lasts_the_session_and_is_not_stored(client, rosalind):
    answer = client.post(reverse("portal:language"), {"language": "es", "next": LANGUAGE_PAGE})
    assert answer.status_code == 302 and answer["Location"] == LANGUAGE_PAGE
    page = client.get(LANGUAGE_PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert _lang(page) == "es"
    rosalind.refresh_from_db()
    assert rosalind.preferred_language == ""


def test_the_choice_made_before_signing_in_carries_into_the_session(client, rosalind, rf):
    from django.contrib.sessions.backends.db import SessionStore

    from custodian.portal import session

    request = rf.get("/my/")
    request.session = SessionStore()
    request.session[portal_language.LANGUAGE_KEY] = "es"
    session.sign_in(request, patron_ref=rosalind.ref)
    assert request.session[portal_language.LANGUAGE_KEY] == "es"
    assert request.session[session.PATRON_KEY] == str(rosalind.ref)


def test_a_signed_in_patron_choice_is_stored_on_their_record_and_audited(client, rosalind):
    signed_in(client, rosalind)
    before = AuditEntry.objects.count()
    client.post(reverse("portal:language"), {"language": "es"})
    rosalind.refresh_from_db()
    assert rosalind.preferred_language == "es"
    entry = AuditEntry.objects.order_by("-seq").first()
    # The first request of the session reads the stored preference, then the choice is written.
    added = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)[before:])
    assert added == ["read", "portal_preference"]
    assert entry.actor == "patron" and entry.role == "patron"
    assert entry.action == "portal_preference" and entry.fields == ["preferred_language"]
    assert entry.patron_ref == str(rosalind.ref)
    body = entry.body if isinstance(entry.body, str) else str(entry.body)
    assert rosalind.card_number not in body and rosalind.last_name not in body


def test_the_stored_preference_wins_over_the_browser_once_signed_in(client, rosalind):
    Patron.objects.filter(pk=rosalind.pk).update(preferred_language="es")
    signed_in(client, rosalind)
    reads = AuditEntry.objects.filter(fields=["preferred_language"]).count()
    assert _lang(client.get(LANGUAGE_PAGE, HTTP_ACCEPT_LANGUAGE="en")) == "es"
    assert _lang(client.get(LANGUAGE_PAGE, HTTP_ACCEPT_LANGUAGE="en")) == "es"
    # Read once for the session (audited as the patron's own read), not once a page.
    assert AuditEntry.objects.filter(fields=["preferred_language"]).count() == reads + 1
    # A patron with no preference gets the browser's language.
    Patron.objects.filter(pk=rosalind.pk).update(preferred_language="")
    signed_in(client, rosalind)
    assert _lang(client.get(LANGUAGE_PAGE, HTTP_ACCEPT_LANGUAGE="es")) == "es"
    assert _lang(client.get(LANGUAGE_PAGE, HTTP_ACCEPT_LANGUAGE="en")) == "en"


def test_signing_out_forgets_the_language(client, rosalind):
    from custodian.portal import session

    signed_in(client, rosalind)
    client.post(reverse("portal:language"), {"language": "es"})
    s = client.session
    session.sign_out(type("R", (), {"session": s})())
    s.save()
    assert portal_language.LANGUAGE_KEY not in client.session


@pytest.mark.parametrize("value", ["fr", "", "es<script>", "EN"])
def test_an_unknown_language_is_refused_and_changes_nothing(client, rosalind, value):
    signed_in(client, rosalind)
    before = AuditEntry.objects.count()
    answer = client.post(reverse("portal:language"), {"language": value})
    assert answer.status_code == 400
    rosalind.refresh_from_db()
    assert rosalind.preferred_language == ""
    assert not AuditEntry.objects.filter(seq__gt=before, action="portal_preference").exists()
    assert portal_language.LANGUAGE_KEY not in client.session


@pytest.mark.parametrize(
    "target", ["https://evil.example/my/", "//evil.example/my/", "/staff/", "javascript:x"]
)
def test_the_switch_only_goes_back_to_a_portal_page(client, target):
    answer = client.post(reverse("portal:language"), {"language": "es", "next": target})
    assert answer["Location"] == "/my/"


def test_the_switch_needs_the_csrf_token(rosalind):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("portal:language"), {"language": "es"}).status_code == 403


def test_spanish_dates_on_spanish_pages():
    import datetime as dt

    from django.utils import timezone, translation

    from custodian.words import day, when

    moment = timezone.make_aware(dt.datetime(2026, 12, 2, 15, 15))
    with translation.override("es"):
        assert day(dt.date(2026, 12, 2)) == "2 de diciembre de 2026"
        assert when(moment) == "2 de diciembre de 2026, 3:15 p. m."
    with translation.override("en"):
        assert when(moment) == "2 December 2026, 3:15 pm"


def test_the_language_page_sends_the_patron_back_where_they_were(client):
    page = client.get(LANGUAGE_PAGE, HTTP_REFERER="http://testserver/my/privacy/?x=1")
    assert 'name="next" value="/my/privacy/"' in page.content.decode()
    away = client.get(LANGUAGE_PAGE, HTTP_REFERER="https://evil.example/my/privacy/")
    assert 'name="next" value="/my/"' in away.content.decode()
