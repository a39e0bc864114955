"""Staff sign-in: Django's auth views, Argon2 hashes, throttled failures, role checks."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from custodian.accounts.decorators import role_required
from custodian.accounts.models import Role
from tests.door import library
from tests.door.audit_helpers import entries

LOGIN = "/staff/login/"


@pytest.fixture
def clerk(db):
    return library.staff(Role.DESK, "clerk")


def test_passwords_are_stored_as_argon2(clerk):
    assert clerk.password.startswith("argon2$argon2id$")


def test_login_page_has_csrf_and_labelled_fields(client, db):
    html = client.get(LOGIN).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html


def test_sign_in_lands_on_the_desk_and_sign_out_needs_post(client, clerk):
    response = client.post(LOGIN, {"username": "clerk", "password": library.PASSWORD})
    assert response.status_code == 302
    assert client.get(response.url).url == "/desk/"
    assert client.get("/staff/logout/").status_code == 405
    assert client.post("/staff/logout/").status_code == 302
    assert client.get("/desk/").status_code == 302  # signed out again


def test_five_failures_lock_the_username_at_that_address(client, clerk):
    for _ in range(5):
        response = client.post(LOGIN, {"username": "clerk", "password": "wrong"})
        assert response.status_code in (200, 429)
    # Now even the right password is refused for 15 minutes.
    response = client.post(LOGIN, {"username": "clerk", "password": library.PASSWORD})
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_username_and_address(client, clerk):
    library.staff(Role.DESK, "colleague")
    for _ in range(5):
        client.post(LOGIN, {"username": "clerk", "password": "wrong"})
    # A colleague at the same terminal still signs in...
    response = client.post(LOGIN, {"username": "colleague", "password": library.PASSWORD})
    assert response.status_code == 302
    client.post("/staff/logout/")
    # ...and so does the same clerk from another address.
    response = client.post(
        LOGIN, {"username": "clerk", "password": library.PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 302


def test_it_admin_lands_on_a_page_for_their_role_not_a_refusal(client, db):
    library.staff(Role.IT_ADMIN, "itadmin")
    response = client.post(
        LOGIN, {"username": "itadmin", "password": library.PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "does not open patron accounts" in html
    assert "Find a patron" not in html


def test_role_required_refuses_other_roles_and_audits(db):
    auditor = library.staff(Role.AUDITOR, "auditor")

    @role_required(Role.DESK, Role.BRANCH_MANAGER)
    def screen(request, ref=None):
        return HttpResponse("ok")

    request = RequestFactory().get("/x/")
    request.user = auditor
    before = len(entries())
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        screen(request, ref="5b0f6a8e-2a5e-4b0e-9d0e-4a1b2c3d4e5f")
    [entry] = entries()[before:]
    assert (entry.action, entry.outcome, entry.actor, entry.role) == (
        "denied",
        "deny",
        "auditor",
        "auditor",
    )
    assert str(entry.patron_ref) == "5b0f6a8e-2a5e-4b0e-9d0e-4a1b2c3d4e5f"

    clerk = library.staff(Role.DESK, "clerk")
    request.user = clerk
    assert screen(request).content == b"ok"


def test_role_required_needs_a_role():
    with pytest.raises(ValueError):
        role_required()
