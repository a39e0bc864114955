"""Portal screen: the library's privacy policy, from the running profile (portal/privacy.py).

Open to everyone, signed in or not: a patron may want to read it before signing in.
"""

from django.conf import settings
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from custodian.policy import get_engine
from custodian.portal import privacy


@require_GET
def privacy_page(request):
    profile = get_engine().profile(settings.CUSTODIAN_PROFILE)
    return render(request, "portal/privacy.html", privacy.page(profile))


urlpatterns = [
    path("privacy/", privacy_page, name="privacy"),
]
