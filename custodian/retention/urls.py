from django.urls import path

from custodian.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.schedule, name="schedule"),
]
