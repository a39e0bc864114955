from django.urls import path

from custodian.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.find, name="find"),
    path("check-in/", views.check_in, name="check_in"),
    # The opaque ref, never a card number or a name, is what goes into a URL.
    path("patron/<uuid:ref>/", views.patron, name="patron"),
    path("patron/<uuid:ref>/check-out/", views.check_out, name="check_out"),
]
