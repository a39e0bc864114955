from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from custodian.api.main import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:home", permanent=False)),
    path("staff/", include("custodian.accounts.urls")),
    path("desk/", include("custodian.desk.urls")),
    path("disclosure/", include("custodian.disclosure.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
