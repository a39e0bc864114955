"""The auditor's screens, mounted at /audit/ (views.py)."""

from django.urls import path

from custodian.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("log/", views.access_log, name="log"),
    path("verify/", views.verify, name="verify"),
    path("decisions/", views.decisions, name="decisions"),
]
