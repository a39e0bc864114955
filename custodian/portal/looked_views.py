"""Portal screen: "Who has looked at my record" (selectors_looked does the reading)."""

from django.conf import settings
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from custodian.errors import int_param
from custodian.policy import get_engine
from custodian.portal import looked_words as words
from custodian.portal.selectors_looked import page_of_looks
from custodian.portal.session import patron_required


def _row(look) -> dict:
    return {
        "at": look.at,
        "action": words.action(look.action),
        "who": words.role(look.role),
        "branch": look.branch,
        "staff_name": look.staff_name,
        "purpose": words.purpose(look.purpose),
        "fields": [words.field(f) for f in look.fields],
        "outcome": words.outcome(look.outcome),
        "told_to": words.whom(look.told_to),
        "disclosure": look.disclosure,
        # An intake names who asked (told or not); a release, to whom it was handed.
        "asked": look.action == "disclosure.intake",
    }


@never_cache
@require_GET
@patron_required
def looked(request):
    page = int_param(request, "page", default=1, low=1, high=1_000_000)
    portal = get_engine().profile(settings.CUSTODIAN_PROFILE).portal
    shown, looks = page_of_looks(
        patron_ref=request.patron_reader.patron_ref,
        page=page,
        show_staff_names=portal.show_staff_names,
    )
    return render(
        request,
        "portal/looked.html",
        {"page": shown, "looks": [_row(look) for look in looks]},
    )


urlpatterns = [
    path("who-looked/", looked, name="looked"),
]
