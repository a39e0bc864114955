"""The IT administrator's staff-account screens at /staff/people/: the same services (and the
same audit entries) as `custodian staff`, for the IT role only, showing no patron data."""

import pytest
from django.test import Client

from custodian.accounts.models import Role, StaffUser
from custodian.audit.models import AuditEntry
from tests.door import library
from tests.door.audit_helpers import as_text

pytestmark = pytest.mark.django_db

GOOD = "quiet lanterns over the stacks"
LOGIN = "/staff/login/"
PEOPLE = "/staff/people/"


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def new_entries(before: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))


@pytest.fixture
def it_admin():
    return library.staff(Role.IT_ADMIN, "ines")


@pytest.fixture
def client_it(it_admin):
    client = Client()
    client.force_login(it_admin)
    return client


@pytest.fixture
def clerk():
    return library.staff(Role.DESK, "dora", at=library.branch("SEB"))


def urls_for(pk: int) -> list[tuple[str, str]]:
    return [
        ("get", PEOPLE),
        ("get", f"{PEOPLE}new/"),
        ("post", f"{PEOPLE}new/"),
        ("get", f"{PEOPLE}{pk}/"),
        ("post", f"{PEOPLE}{pk}/change/"),
        ("post", f"{PEOPLE}{pk}/deactivate/"),
        ("post", f"{PEOPLE}{pk}/unlock/"),
        ("get", f"{PEOPLE}{pk}/password/"),
        ("post", f"{PEOPLE}{pk}/password/"),
    ]


# -- who may open them ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in Role if r != Role.IT_ADMIN], ids=lambda r: r.value)
def test_every_other_role_is_refused_every_view_and_the_refusal_is_audited(role, clerk):
    client = Client()
    client.force_login(library.staff(role, f"not-it-{role}"))
    for method, url in urls_for(clerk.pk):
        before = last_seq()
        response = getattr(client, method)(url, {"role": "it_admin"})
        assert response.status_code == 403, (method, url)
        [entry] = new_entries(before)
        assert (entry.action, entry.outcome, entry.actor) == ("denied", "deny", f"not-it-{role}")
    clerk.refresh_from_db()
    assert (clerk.role, clerk.is_active) == (Role.DESK, True)


def test_signed_out_visitors_are_sent_to_sign_in(clerk):
    for method, url in urls_for(clerk.pk):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url


def test_changes_need_a_post_and_the_form_s_csrf_token(it_admin, clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(it_admin)
    assert client.get(f"{PEOPLE}{clerk.pk}/deactivate/").status_code == 405
    assert client.post(f"{PEOPLE}{clerk.pk}/deactivate/").status_code == 403  # no token
    clerk.refresh_from_db()
    assert clerk.is_active


# -- the list --------------------------------------------------------------------------------


def test_the_list_says_role_branch_active_lockout_and_last_sign_in_in_words(client_it, clerk):
    gone = library.staff(Role.AUDITOR, "gus")
    gone.is_active = False
    gone.save()
    for _ in range(5):
        Client().post(LOGIN, {"username": "dora", "password": "wrong"})
    Client().post(LOGIN, {"username": "ines", "password": library.PASSWORD})
    html = client_it.get(PEOPLE).content.decode()
    assert "Circulation desk staff" in html and "SEB Library" in html
    assert "No (deactivated)" in html
    assert "Yes, after failed sign-ins" in html
    assert "Never" in html  # gus never signed in
    assert "desk_staff" not in html and "it_admin" not in html


def test_no_patron_data_on_any_staff_page(client_it, clerk):
    patron = library.patron()
    pages = [PEOPLE, f"{PEOPLE}new/", f"{PEOPLE}{clerk.pk}/", f"{PEOPLE}{clerk.pk}/password/"]
    for url in pages:
        html = client_it.get(url).content.decode()
        for text in ("Quackenbush", "Rosalind", "21234000012345", "Orchard", str(patron.ref)):
            assert text not in html, (url, text)


# -- create --------------------------------------------------------------------------------


def test_create_makes_the_account_and_audits_it_under_the_it_admin(client_it, it_admin):
    branch = library.branch("SEB")
    before = last_seq()
    response = client_it.post(
        f"{PEOPLE}new/",
        {
            "username": "newbie",
            "role": "branch_manager",
            "branch": "SEB",
            "password1": GOOD,
            "password2": GOOD,
        },
    )
    user = StaffUser.objects.get(username="newbie")
    assert response.status_code == 302 and response["Location"] == f"{PEOPLE}{user.pk}/"
    assert (user.role, user.branch, user.check_password(GOOD)) == (
        Role.BRANCH_MANAGER,
        branch,
        True,
    )
    [entry] = new_entries(before)
    assert (entry.actor, entry.role, entry.action, entry.purpose) == (
        "ines",
        "it_admin",
        "staff_create",
        "staff_administration",
    )
    assert entry.fields == [
        f"staff_account.{user.pk}.role.branch_manager",
        f"staff_account.{user.pk}.branch.{branch.pk}",
    ]
    assert GOOD not in as_text(entry)


@pytest.mark.parametrize(
    "data, error",
    [
        ({"password2": "something else entirely"}, "The two passwords differ"),
        ({"password1": "abc123", "password2": "abc123"}, "too short"),
        ({"password1": "password123", "password2": "password123"}, "too common"),
        ({"username": "has space"}, "Enter a valid username"),
        ({"username": "dora"}, "That username is taken"),
        ({"role": "janitor"}, "Select a valid choice"),
        ({"role": ""}, "This field is required"),
        ({"branch": "ATLANTIS"}, "Select a valid choice"),
    ],
)
def test_create_refuses_bad_input_at_the_field_and_changes_nothing(client_it, clerk, data, error):
    before = last_seq()
    count = StaffUser.objects.count()
    form = {"username": "cy", "role": "desk", "branch": "", "password1": GOOD, "password2": GOOD}
    response = client_it.post(f"{PEOPLE}new/", form | data)
    html = response.content.decode()
    assert response.status_code == 200
    assert error in html and "Nothing was created" in html
    assert 'aria-invalid="true"' in html
    assert html.count("autofocus") == 1  # the cursor goes to the first field in error
    assert StaffUser.objects.count() == count
    assert new_entries(before) == []
    assert GOOD not in html and "password123" not in html  # never echoed back


# -- change role and branch ------------------------------------------------------------------


def test_role_and_branch_change_is_audited_as_two_changes(client_it, clerk):
    other = library.branch("NOR")
    before = last_seq()
    response = client_it.post(f"{PEOPLE}{clerk.pk}/change/", {"role": "designee", "branch": "NOR"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert (clerk.role, clerk.branch) == (Role.DESIGNEE, other)
    entries = new_entries(before)
    assert [e.action for e in entries] == ["staff_set_branch", "staff_set_role"]
    assert entries[1].fields == [
        f"staff_account.{clerk.pk}.role.designee",
        f"staff_account.{clerk.pk}.previous_role.desk",
    ]
    assert {e.actor for e in entries} == {"ines"}
    # The same again: nothing changes, nothing is written.
    page = client_it.post(
        f"{PEOPLE}{clerk.pk}/change/", {"role": "designee", "branch": "NOR"}, follow=True
    )
    assert "Nothing changed" in page.content.decode()
    assert len(new_entries(before)) == 2


def test_clearing_the_branch_is_recorded(client_it, clerk):
    before = last_seq()
    client_it.post(f"{PEOPLE}{clerk.pk}/change/", {"role": "desk", "branch": ""})
    clerk.refresh_from_db()
    assert clerk.branch is None
    [entry] = new_entries(before)
    assert entry.fields[0] == f"staff_account.{clerk.pk}.branch.none"


def test_the_only_it_admin_cannot_demote_or_deactivate_themselves(client_it, it_admin):
    library.branch("SEB")
    before = last_seq()
    page = client_it.post(
        f"{PEOPLE}{it_admin.pk}/change/", {"role": "desk", "branch": "SEB"}, follow=True
    )
    assert "the only active IT administrator" in page.content.decode()
    page = client_it.post(f"{PEOPLE}{it_admin.pk}/deactivate/", {"confirm": "yes"}, follow=True)
    assert "the only active IT administrator" in page.content.decode()
    it_admin.refresh_from_db()
    assert (it_admin.role, it_admin.is_active, it_admin.branch) == (Role.IT_ADMIN, True, None)
    assert new_entries(before) == []


def test_a_refused_role_change_also_undoes_the_branch_change(client_it, it_admin):
    branch = library.branch("SEB")
    before = last_seq()
    client_it.post(f"{PEOPLE}{it_admin.pk}/change/", {"role": "desk", "branch": branch.code})
    it_admin.refresh_from_db()
    assert (it_admin.role, it_admin.branch) == (Role.IT_ADMIN, None)
    assert new_entries(before) == []


def test_with_a_second_it_admin_one_may_step_down_and_loses_the_screen(client_it, it_admin):
    library.staff(Role.IT_ADMIN, "ivan")
    response = client_it.post(f"{PEOPLE}{it_admin.pk}/change/", {"role": "auditor", "branch": ""})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client_it.get(PEOPLE).status_code == 403


def test_the_last_it_admin_rule_holds_on_the_command_line_too(it_admin):
    from custodian.accounts import services

    with pytest.raises(services.StaffError, match="only active IT administrator"):
        services.deactivate(username="ines", actor="root (command line)", actor_role="it_admin")


# -- deactivate, unlock, password ------------------------------------------------------------


def test_deactivate_stops_sign_in_and_is_audited(client_it, clerk):
    before = last_seq()
    unconfirmed = client_it.post(f"{PEOPLE}{clerk.pk}/deactivate/", follow=True)
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    clerk.refresh_from_db()
    assert clerk.is_active and new_entries(before) == []
    response = client_it.post(f"{PEOPLE}{clerk.pk}/deactivate/", {"confirm": "yes"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_active
    [entry] = new_entries(before)
    assert (entry.action, entry.fields) == (
        "staff_deactivate",
        [f"staff_account.{clerk.pk}.active.false"],
    )
    refused = Client().post(LOGIN, {"username": "dora", "password": library.PASSWORD})
    assert refused.status_code == 200  # the sign-in form again, not a session


def test_unlock_clears_failed_sign_ins_and_is_audited(client_it, clerk):
    for _ in range(5):
        Client().post(LOGIN, {"username": "dora", "password": "wrong"})
    locked = Client().post(LOGIN, {"username": "dora", "password": library.PASSWORD})
    assert locked.status_code != 302
    before = last_seq()
    page = client_it.post(f"{PEOPLE}{clerk.pk}/unlock/", follow=True)
    assert "dora may sign in again" in page.content.decode()
    [entry] = new_entries(before)
    assert (entry.action, entry.actor) == ("staff_unlock", "ines")
    ok = Client().post(LOGIN, {"username": "dora", "password": library.PASSWORD})
    assert ok.status_code == 302
    # Nothing to unlock: says so, writes nothing.
    before = last_seq()
    page = client_it.post(f"{PEOPLE}{clerk.pk}/unlock/", follow=True)
    assert "no failed sign-ins; nothing changed" in page.content.decode()
    assert new_entries(before) == []


def test_reset_password_checks_twice_and_audits_without_the_password(client_it, clerk):
    url = f"{PEOPLE}{clerk.pk}/password/"
    before = last_seq()
    page = client_it.post(url, {"password1": GOOD, "password2": GOOD + "x"})
    assert "The two passwords differ" in page.content.decode()
    page = client_it.post(url, {"password1": "short1", "password2": "short1"})
    assert "too short" in page.content.decode()
    assert new_entries(before) == []
    response = client_it.post(url, {"password1": GOOD, "password2": GOOD})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(GOOD)
    [entry] = new_entries(before)
    assert entry.action == "staff_reset_password"
    assert GOOD not in as_text(entry)


def test_an_unknown_account_number_is_a_404(client_it):
    assert client_it.get(f"{PEOPLE}999999/").status_code == 404
    assert client_it.post(f"{PEOPLE}999999/deactivate/", {"confirm": "yes"}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_it_admins_stepping_down_at_once_leave_one(django_db_blocker):
    """PostgreSQL: the second deactivation waits on the first's row locks, then sees it and
    is refused. (SQLite serialises writers, so the race cannot happen there.)"""
    import threading
    import time

    from django.db import connection, connections, transaction

    from custodian.accounts import services

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has one writer at a time")
    library.staff(Role.IT_ADMIN, "ana")
    library.staff(Role.IT_ADMIN, "ben")
    first_done, release = threading.Event(), threading.Event()
    outcome = {}

    def step_down(username, hold):
        try:
            with transaction.atomic():
                services.deactivate(username=username, actor=username, actor_role="it_admin")
                if hold:
                    first_done.set()
                    release.wait(10)
            outcome[username] = "deactivated"
        except services.StaffError:
            outcome[username] = "refused"
        finally:
            connections.close_all()

    one = threading.Thread(target=step_down, args=("ana", True))
    one.start()
    assert first_done.wait(10)
    two = threading.Thread(target=step_down, args=("ben", False))
    two.start()
    for _ in range(100):  # until ben's deactivation waits on ana's locks
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
        time.sleep(0.05)
    else:
        pytest.fail("the second deactivation never waited for the first")
    release.set()
    one.join(10)
    two.join(10)
    assert outcome == {"ana": "deactivated", "ben": "refused"}
    assert StaffUser.objects.filter(role=Role.IT_ADMIN, is_active=True).count() == 1
