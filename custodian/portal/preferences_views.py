"""Portal screens: the patron's notice settings (/my/settings/): how the library contacts
them, whether notices may name titles, and the language of notices and pages."""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from custodian.door import read_patron
from custodian.door.notices import TITLE_FIELDS
from custodian.notices.examples import examples
from custodian.portal import language as portal_language
from custodian.portal.services_preferences import (
    CHANNELS,
    LANGUAGES,
    notice_preferences,
    set_notice_preferences,
)
from custodian.portal.session import patron_required


def _channel_choices():
    return [
        ("email", _("Email"), _("A message to your email address.")),
        ("sms", _("Text message"), _("A short text to your phone.")),
        (
            "phone",
            _("Phone message"),
            _("A recorded call to your phone; it may be left on an answering machine."),
        ),
        ("none", _("No notices"), _("The library sends you nothing; check your account here.")),
    ]


def _language_choices():
    return [
        ("", _("The language of my browser")),
        ("en", "English"),
        ("es", "Español"),
    ]


def _kind_label(kind: str) -> str:
    return {
        "due_soon": _("When items are due back soon"),
        "overdue": _("When items are overdue"),
        "hold_ready": _("When something you reserved is ready"),
    }[kind]


@patron_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    reader = request.patron_reader
    if request.method == "POST":
        channel = request.POST.get("channel", "")
        language = request.POST.get("language", "")
        if channel not in CHANNELS or language not in LANGUAGES:
            raise BadRequest(_("Choose one of the ways to be contacted and one of the languages."))
        changed = set_notice_preferences(
            patron_ref=reader.patron_ref,
            channel=channel,
            titles=request.POST.get("titles") == "yes",
            language=language,
        )
        if "preferred_language" in changed:
            # This session follows the new choice at once (the language switch does the same).
            if language:
                request.session[portal_language.LANGUAGE_KEY] = language
                translation.activate(language)
            else:
                request.session.pop(portal_language.LANGUAGE_KEY, None)
            request.session[portal_language.LOADED_KEY] = True
        messages.success(
            request, _("Your settings are saved.") if changed else _("Nothing changed.")
        )
        return redirect("portal:preferences")
    chosen = notice_preferences(patron_ref=reader.patron_ref)
    contact = read_patron(
        reader=reader,
        patron_ref=reader.patron_ref,
        purpose=None,
        fields=["registration.email", "registration.phone"],
    )
    shown = [
        {
            "label": _kind_label(e.kind),
            "subject": e.message.subject,
            "body": e.message.body,
            "policy_keeps_titles_out": chosen.titles and not TITLE_FIELDS & set(e.message.carried),
        }
        for e in examples(channel=chosen.channel, titles_opt_in=chosen.titles)
    ]
    return render(
        request,
        "portal/preferences.html",
        {
            "chosen": chosen,
            "channels": _channel_choices(),
            "languages": _language_choices(),
            "email": contact.get("registration.email"),
            "phone": contact.get("registration.phone"),
            "examples": shown,
        },
    )


urlpatterns = [
    path("settings/", preferences, name="preferences"),
]
