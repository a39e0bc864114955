from django.urls import path  # noqa: F401  (screens are added here)

app_name = "holds"
urlpatterns: list = []
