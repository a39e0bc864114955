"""Portal screens: sign-in (placeholder until built)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("Not built yet.")


urlpatterns = [
    path("", _placeholder, name="home"),
    path("sign-out/", _placeholder, name="sign_out"),
    path("pin/", _placeholder, name="pin"),
]
