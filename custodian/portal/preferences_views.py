"""Portal screens: notice preferences (placeholder until built)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("Not built yet.")


urlpatterns = [
    path("settings/", _placeholder, name="preferences"),
]
