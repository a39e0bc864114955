"""The portal's addresses, under /my/. Each screen's module owns its own patterns."""

from custodian.portal import (
    account_views,
    concern_views,
    data_views,
    grants_views,
    language_views,
    looked_views,
    preferences_views,
    privacy_views,
    signin_views,
)

app_name = "portal"

urlpatterns = [
    *signin_views.urlpatterns,
    *account_views.urlpatterns,
    *data_views.urlpatterns,
    *looked_views.urlpatterns,
    *privacy_views.urlpatterns,
    *grants_views.urlpatterns,
    *preferences_views.urlpatterns,
    *concern_views.urlpatterns,
    *language_views.urlpatterns,
]
