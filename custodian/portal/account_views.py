"""Portal screens: my account (placeholder until built)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("Not built yet.")


urlpatterns = [
    path("account/", _placeholder, name="account"),
    path("renew/", _placeholder, name="renew"),
    path("catalogue/", _placeholder, name="catalogue"),
    path("holds/", _placeholder, name="holds"),
    path("reading-history/", _placeholder, name="history"),
]
