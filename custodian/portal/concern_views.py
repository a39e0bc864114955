"""Portal screen: tell the Director (Jackson VIII). The patron writes a question or complaint
about how their records are handled, and sees each one's status, due date and answer.

Thin: the services and selectors in services_concerns / selectors_concerns do the work and
the auditing. The message travels in the POST body only, never in a URL or a flash message.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from custodian.policy import get_engine
from custodian.portal.selectors_concerns import my_concerns
from custodian.portal.services_concerns import (
    MAX_MESSAGE,
    TOPICS,
    ConcernError,
    answer_days,
    concern_clauses,
    file_concern,
)
from custodian.portal.session import patron_required, sign_out


def _clause():
    """(id, text) of the profile's clause on writing to the Director, or None."""
    ids = concern_clauses()
    if not ids:
        return None
    profile = get_engine().profile(settings.CUSTODIAN_PROFILE)
    return ids[0], profile.clauses[ids[0]].text


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("message")
@patron_required
def concerns(request):
    topic, message, error = "", "", None
    if request.method == "POST":
        topic = request.POST.get("topic", "")
        message = request.POST.get("message", "")
        try:
            file_concern(reader=request.patron_reader, topic=topic, message=message)
        except ConcernError as refusal:
            error = str(refusal)
        else:
            messages.success(
                request,
                _("Your message is with the Director. The answer will appear on this page."),
            )
            return redirect("portal:concerns")
    context = {
        "topics": [(code, str(words)) for code, words in TOPICS.items()],
        "topic": topic,
        "message": message,
        "error": error,
        "max_message": MAX_MESSAGE,
        "answer_days": answer_days(),
        "clause": _clause(),
    }
    try:
        context["concerns"] = my_concerns(reader=request.patron_reader)
    except ConcernError:  # the account is gone since sign-in: start again
        sign_out(request)
        return redirect("portal:home")
    return render(request, "portal/concerns.html", context, status=400 if error else 200)


urlpatterns = [
    path("tell-the-director/", concerns, name="concerns"),
]
