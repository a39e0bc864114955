"""The IT administrator manages staff accounts in the admin site."""

from custodian.accounts.models import Role, StaffUser
from tests.door import library


def test_an_admin_creates_a_staff_account_with_a_role(client, db):
    admin = StaffUser.objects.create_superuser(
        "root", password=library.PASSWORD, role=Role.IT_ADMIN
    )
    client.force_login(admin)
    assert client.get("/admin/accounts/staffuser/").status_code == 200
    response = client.post(
        "/admin/accounts/staffuser/add/",
        {
            "username": "newclerk",
            "password1": library.PASSWORD,
            "password2": library.PASSWORD,
            "usable_password": "true",
            "role": Role.DESK,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk = StaffUser.objects.get(username="newclerk")
    assert clerk.role == Role.DESK
    assert clerk.password.startswith("argon2$")
