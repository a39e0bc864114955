from django.urls import path

from custodian.statistics import views

app_name = "statistics"
urlpatterns: list = [
    path("", views.statistics, name="index"),
]
