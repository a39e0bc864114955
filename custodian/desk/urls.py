from django.urls import path

from custodian.desk import close_views, lost_views, pin_views, views

app_name = "desk"
urlpatterns = [
    path("", views.find, name="find"),
    path("check-in/", views.check_in, name="check_in"),
    # The opaque ref, never a card number or a name, is what goes into a URL.
    path("patron/<uuid:ref>/", views.patron, name="patron"),
    path("patron/<uuid:ref>/check-out/", views.check_out, name="check_out"),
    # A line number on the account page, not a barcode or title: the item stays out of URLs.
    path("patron/<uuid:ref>/lost/<int:line>/", lost_views.mark_lost, name="mark_lost"),
    path("patron/<uuid:ref>/pin/", pin_views.pin_reset, name="pin_reset"),
    path("patron/<uuid:ref>/pin/unlock/", pin_views.pin_unlock, name="pin_unlock"),
    path("patron/<uuid:ref>/close/", close_views.close_account, name="close_account"),
]
