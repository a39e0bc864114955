from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from custodian.api.main import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:home", permanent=False)),
    # Before "staff/": the Director's list of patrons' concerns (issue 10, Tell the Director).
    path("staff/concerns/", include("custodian.portal.concern_staff_views")),
    # Before "staff/": the records' lifetime (issue 11).
    path("staff/retention/", include("custodian.retention.urls")),
    path("staff/holds/", include("custodian.holds.urls")),
    path("staff/statistics/", include("custodian.statistics.urls")),
    path("staff/", include("custodian.accounts.urls")),
    path("desk/", include("custodian.desk.urls")),
    path("disclosure/", include("custodian.disclosure.urls")),
    path("audit/", include("custodian.audit.urls")),
    path("my/", include("custodian.portal.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

# Styled pages for screens (403/404/500 come from templates of those names); the API answers
# its own JSON errors. A BadRequest's message is shown on the 400 page.
handler400 = "custodian.errors.bad_request"
