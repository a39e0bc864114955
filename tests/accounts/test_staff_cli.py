"""`custodian staff ...` as the IT person runs it, and `serve`'s hint on an empty database."""

import json

import pytest
from typer.testing import CliRunner

from custodian import djangoenv, server_cli
from custodian.accounts.models import Role, StaffUser
from custodian.audit.models import AuditEntry
from custodian.cli import app
from tests.door import library
from tests.door.audit_helpers import as_text

pytestmark = pytest.mark.django_db(transaction=True)  # the CLI commits

GOOD = "quiet lanterns over the stacks"
LOGIN = "/staff/login/"


@pytest.fixture(autouse=True)
def django_already_set_up(monkeypatch):
    # Django is set up for the tests; setting it up again would point logging at the
    # runner's captured (then closed) stderr.
    monkeypatch.setattr(djangoenv, "setup", lambda: None)


def run(*args, input=None):
    # Wide enough that the table's cells are not folded.
    return CliRunner().invoke(app, ["staff", *args], input=input, env={"COLUMNS": "200"})


def one_line_error(result, *needles):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def new_entries(before: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def password_works(username: str, password: str) -> bool:
    return StaffUser.objects.get(username=username).check_password(password)


def password_nowhere(password: str, result, entries) -> None:
    assert password not in result.output
    assert password not in result.stderr
    for entry in entries:
        assert password not in as_text(entry)


@pytest.fixture
def branch():
    return library.branch("SEB")


# -- create --------------------------------------------------------------------------------


def test_create_prompts_twice_and_audits_without_the_password(branch):
    before = last_seq()
    result = run(
        "create", "ada", "--role", "director", "--branch", "seb", input=f"{GOOD}\n{GOOD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created ada: Library director (custodian of records) at SEB Library." in result.output
    user = StaffUser.objects.get(username="ada")
    assert (user.role, user.branch, user.is_active) == (Role.DIRECTOR, branch, True)
    assert password_works("ada", GOOD)
    [entry] = new_entries(before)
    assert (entry.action, entry.purpose, entry.outcome, entry.role) == (
        "staff_create",
        "staff_administration",
        "applied",
        "it_admin",
    )
    assert entry.actor.endswith(" (command line)")
    assert not entry.patron_ref
    assert entry.fields == [
        f"staff_account.{user.pk}.role.director",
        f"staff_account.{user.pk}.branch.{branch.pk}",
    ]
    password_nowhere(GOOD, result, [entry])


def test_create_reads_one_line_from_stdin_for_scripts():
    result = run("create", "bo", "--role", "desk", "--password-stdin", input=f"{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert password_works("bo", GOOD)
    assert StaffUser.objects.get(username="bo").role == Role.DESK
    assert GOOD not in result.output


@pytest.mark.parametrize(
    "args, needles",
    [
        (["--role", "janitor"], ["no role 'janitor'", "desk, branch_manager, director"]),
        (["--role", "desk", "--branch", "Atlantis"], ["no branch 'Atlantis'", "SEB"]),
    ],
)
def test_create_refuses_an_unknown_role_or_branch_listing_the_known_ones(branch, args, needles):
    before = last_seq()
    result = run("create", "cy", *args, "--password-stdin", input=f"{GOOD}\n")
    one_line_error(result, *needles)
    assert not StaffUser.objects.filter(username="cy").exists()
    assert new_entries(before) == []


@pytest.mark.parametrize("weak", ["abc1234", "password123"])
def test_create_refuses_a_weak_password_in_one_line(weak):
    before = last_seq()
    result = run("create", "di", "--role", "desk", "--password-stdin", input=f"{weak}\n")
    line = one_line_error(result, "password refused")
    assert weak not in line and weak not in result.output
    assert not StaffUser.objects.filter(username="di").exists()
    assert new_entries(before) == []


def test_create_refuses_differing_passwords_an_empty_one_a_taken_name_and_a_bad_name():
    one_line_error(
        run("create", "ed", "--role", "desk", input=f"{GOOD}\nother words here\n"), "differ"
    )
    one_line_error(
        run("create", "ed", "--role", "desk", "--password-stdin", input="\n"), "no password"
    )
    assert not StaffUser.objects.filter(username="ed").exists()
    library.staff(Role.DESK, "taken")
    one_line_error(
        run("create", "taken", "--role", "desk", "--password-stdin", input=f"{GOOD}\n"),
        "already exists",
    )
    one_line_error(
        run("create", "no spaces", "--role", "desk", "--password-stdin", input=f"{GOOD}\n"),
        "may hold only",
    )
    assert StaffUser.objects.count() == 1


# -- list ----------------------------------------------------------------------------------


def test_list_shows_role_in_words_branch_active_and_locked(client, branch):
    library.staff(Role.BRANCH_MANAGER, "fay", at=branch)
    gone = library.staff(Role.AUDITOR, "gus")
    gone.is_active = False
    gone.save()
    library.staff(Role.DESK, "hal")
    for _ in range(5):
        client.post(LOGIN, {"username": "hal", "password": "wrong"})
    library.patron()  # a patron exists; nothing of theirs may show
    result = run("list")
    assert result.exit_code == 0, result.output
    assert "Branch manager (person in charge)" in result.output and "SEB Library" in result.output
    rows = {r["username"]: r for r in json.loads(run("list", "--json").output)}
    assert (rows["fay"]["active"], rows["fay"]["locked"]) == (True, False)
    assert rows["gus"]["active"] is False
    assert rows["hal"]["locked"] is True
    assert rows["fay"]["role_label"] == "Branch manager (person in charge)"
    for text in ("Quackenbush", "21234000012345", "Orchard"):
        assert text not in result.output


# -- set-role, deactivate ------------------------------------------------------------------


def test_set_role_changes_and_audits_old_and_new():
    user = library.staff(Role.DESK, "ivy")
    before = last_seq()
    result = run("set-role", "ivy", "designee")
    assert result.exit_code == 0, result.output
    assert "ivy is now: Director's designee." in result.output
    user.refresh_from_db()
    assert user.role == Role.DESIGNEE
    [entry] = new_entries(before)
    assert entry.action == "staff_set_role"
    assert entry.fields == [
        f"staff_account.{user.pk}.role.designee",
        f"staff_account.{user.pk}.previous_role.desk",
    ]
    # The same role again changes nothing and writes nothing.
    assert "nothing changed" in run("set-role", "ivy", "designee").output
    assert new_entries(before) == [entry]


def test_set_role_refuses_an_unknown_role_or_username():
    library.staff(Role.DESK, "jo")
    before = last_seq()
    one_line_error(run("set-role", "jo", "boss"), "no role 'boss'", "it_admin, auditor")
    one_line_error(run("set-role", "nobody", "desk"), "no staff account 'nobody'")
    assert StaffUser.objects.get(username="jo").role == Role.DESK
    assert new_entries(before) == []


def test_deactivate_stops_sign_in_ends_open_sessions_and_audits(client):
    user = library.staff(Role.DESK, "kim")
    client.force_login(user)
    assert client.get("/desk/").status_code == 200
    before = last_seq()
    result = run("deactivate", "kim")
    assert result.exit_code == 0, result.output
    assert "kim can no longer sign in." in result.output
    assert client.get("/desk/").status_code == 302  # the open session is over
    client.logout()
    response = client.post(LOGIN, {"username": "kim", "password": library.PASSWORD})
    assert "_auth_user_id" not in client.session and response.status_code != 302
    [entry] = new_entries(before)
    assert (entry.action, entry.fields) == (
        "staff_deactivate",
        [f"staff_account.{user.pk}.active.false"],
    )
    assert "already inactive" in run("deactivate", "kim").output
    assert len(new_entries(before)) == 1
    one_line_error(run("deactivate", "nobody"), "no staff account 'nobody'")


# -- unlock --------------------------------------------------------------------------------


def test_unlock_lets_a_locked_out_staff_member_sign_in_again(client):
    user = library.staff(Role.DESK, "lee")
    for _ in range(5):
        client.post(LOGIN, {"username": "lee", "password": "wrong"})
    assert client.post(LOGIN, {"username": "lee", "password": library.PASSWORD}).status_code == 429
    before = last_seq()
    result = run("unlock", "lee")
    assert result.exit_code == 0, result.output
    assert "lee may sign in again." in result.output
    response = client.post(LOGIN, {"username": "lee", "password": library.PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    [entry] = new_entries(before)
    assert (entry.action, entry.fields) == (
        "staff_unlock",
        [f"staff_account.{user.pk}.lockout.cleared"],
    )


def test_unlock_with_nothing_to_clear_changes_nothing_and_an_unknown_name_is_refused():
    library.staff(Role.DESK, "max")
    before = last_seq()
    result = run("unlock", "max")
    assert result.exit_code == 0 and "no failed sign-ins; nothing changed" in result.output
    one_line_error(run("unlock", "nobody"), "no staff account 'nobody'")
    assert new_entries(before) == []


# -- reset-password ------------------------------------------------------------------------


def test_reset_password_sets_the_new_one_and_audits_without_it():
    user = library.staff(Role.DESK, "ned")
    new = "tidewater reading room hours"
    before = last_seq()
    result = run("reset-password", "ned", input=f"{new}\n{new}\n")
    assert result.exit_code == 0, result.output
    assert password_works("ned", new)
    assert not password_works("ned", library.PASSWORD)
    [entry] = new_entries(before)
    assert (entry.action, entry.fields) == (
        "staff_reset_password",
        [f"staff_account.{user.pk}.password.reset"],
    )
    password_nowhere(new, result, [entry])


def test_reset_password_refuses_a_weak_one_and_an_unknown_name():
    library.staff(Role.DESK, "oz")
    before = last_seq()
    result = run("reset-password", "oz", "--password-stdin", input="abc\n")
    one_line_error(result, "password refused")
    assert password_works("oz", library.PASSWORD)
    one_line_error(
        run("reset-password", "nobody", "--password-stdin", input=f"{GOOD}\n"), "no staff account"
    )
    assert new_entries(before) == []


# -- serve on an empty database -------------------------------------------------------------


@pytest.fixture
def no_server(monkeypatch):
    served = []
    monkeypatch.setattr(server_cli, "migrate", lambda quiet=False: None)
    monkeypatch.setattr(server_cli, "_run_server", lambda host, port: served.append(port))
    return served


def test_serve_on_an_empty_database_says_how_to_make_the_first_account(no_server):
    result = CliRunner().invoke(app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "custodian staff create NAME --role director" in result.output
    assert no_server == [8123]  # it still serves


def test_serve_with_staff_says_nothing_about_it(no_server):
    library.staff(Role.DIRECTOR, "pat")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert "staff create" not in result.output


# -- set-branch, the last IT administrator ---------------------------------------------------


def test_set_branch_moves_and_clears_and_audits(branch):
    user = library.staff(Role.DESK, "kit")
    before = last_seq()
    result = run("set-branch", "kit", "seb")
    assert result.exit_code == 0, result.output
    assert "kit is now at: SEB Library." in result.output
    assert "nothing changed" in run("set-branch", "kit", "SEB").output
    assert run("set-branch", "kit", "-").exit_code == 0
    user.refresh_from_db()
    assert user.branch is None
    entries = new_entries(before)
    assert [e.fields[0] for e in entries] == [
        f"staff_account.{user.pk}.branch.{branch.pk}",
        f"staff_account.{user.pk}.branch.none",
    ]
    assert entries[1].fields[1] == f"staff_account.{user.pk}.previous_branch.{branch.pk}"
    one_line_error(run("set-branch", "kit", "Atlantis"), "no branch 'Atlantis'")


def test_the_only_it_admin_is_neither_demoted_nor_deactivated():
    library.staff(Role.IT_ADMIN, "root1")
    before = last_seq()
    one_line_error(run("set-role", "root1", "desk"), "only active IT administrator")
    one_line_error(run("deactivate", "root1"), "only active IT administrator")
    assert new_entries(before) == []
    library.staff(Role.IT_ADMIN, "root2")
    assert run("deactivate", "root1").exit_code == 0


def test_list_json_gives_the_last_sign_in(client):
    library.staff(Role.DESK, "lu")
    client.post(LOGIN, {"username": "lu", "password": library.PASSWORD})
    rows = {r["username"]: r for r in json.loads(run("list", "--json").output)}
    assert rows["lu"]["last_sign_in"].startswith("20")
