from django.urls import path

from custodian.holds import views

app_name = "holds"
urlpatterns = [
    path("", views.hold_list, name="list"),
    path("place/", views.place_by_hand, name="place"),
    path("<uuid:ref>/release/", views.release, name="release"),
    # A hold asked for by a disclosure case: the case's opaque ref, never the patron's.
    path("case/<uuid:ref>/", views.place_for_case, name="place_for_case"),
]
