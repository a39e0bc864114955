"""Staff sign-in and sign-out at /staff/. Django's own auth views: CSRF, sessions, Argon2."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.debug import sensitive_post_parameters

from custodian.accounts import views

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        sensitive_post_parameters("password")(
            auth_views.LoginView.as_view(
                template_name="accounts/login.html", redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
]
