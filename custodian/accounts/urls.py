"""Staff sign-in and sign-out at /staff/ (Django's own auth views: CSRF, sessions, Argon2),
and the IT administrator's staff-account screens at /staff/people/."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.debug import sensitive_post_parameters

from custodian.accounts import staff_views, views

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
    # The IT administrator's staff-account screens (staff_views.py).
    path("people/", staff_views.people, name="people"),
    path("people/new/", staff_views.create, name="person_new"),
    path("people/<int:pk>/", staff_views.person, name="person"),
    path("people/<int:pk>/change/", staff_views.change, name="person_change"),
    path("people/<int:pk>/deactivate/", staff_views.deactivate, name="person_deactivate"),
    path("people/<int:pk>/unlock/", staff_views.unlock, name="person_unlock"),
    path("people/<int:pk>/password/", staff_views.password, name="person_password"),
]
