"""Portal screens: who may ask + guardians (placeholder until built)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("Not built yet.")


urlpatterns = [
    path("who-may-ask/", _placeholder, name="grants"),
    path("children/", _placeholder, name="children"),
]
