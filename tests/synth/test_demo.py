"""`prepare_demo`: generate once, then reuse the database and the stored logins."""

import io
import json
import stat

import pytest
from django.contrib.auth import get_user_model
from rich.console import Console

from custodian.accounts.models import Role
from custodian.records.models import Patron
from custodian.synth import services

pytestmark = pytest.mark.django_db

EXPECTED = {
    "desk": Role.DESK,
    "manager": Role.BRANCH_MANAGER,
    "director": Role.DIRECTOR,
    "designee": Role.DESIGNEE,
    "itadmin": Role.IT_ADMIN,
    "auditor": Role.AUDITOR,
}


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=120, force_terminal=False), out


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_first_call_generates_and_second_reuses_with_the_same_logins(data_dir):
    console, out = _console()
    logins = services.prepare_demo(patrons=120, seed=3, console=console)
    assert {x.username: x.role for x in logins} == {k: v.value for k, v in EXPECTED.items()}
    assert len({x.password for x in logins}) == len(logins)
    assert all(len(x.password) >= 16 for x in logins)
    users = get_user_model().objects.in_bulk([x.username for x in logins], field_name="username")
    for login in logins:
        user = users[login.username]
        assert user.role == login.role
        assert user.password.startswith("argon2")
        assert user.check_password(login.password)
    patrons = Patron.objects.count()
    assert patrons == 120

    path = data_dir / services.LOGINS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((data_dir / "demo-patrons.json").stat().st_mode) == 0o600
    # The demo output names showcase cards, never patrons' names.
    printed = out.getvalue()
    showcase = json.loads((data_dir / "demo-patrons.json").read_text())["showcase"]
    assert all(entry["card_number"] in printed for entry in showcase)
    for first, last in Patron.objects.values_list("first_name", "last_name")[:50]:
        assert f"{first} {last}" not in printed

    again, _ = _console()
    assert services.prepare_demo(patrons=500, seed=99, console=again) == logins
    assert Patron.objects.count() == patrons, "a reused database is not regenerated"


def test_missing_logins_file_resets_the_demo_passwords(data_dir):
    console, _ = _console()
    first = services.prepare_demo(patrons=60, seed=4, console=console)
    (data_dir / services.LOGINS_FILE).unlink()
    second = services.prepare_demo(patrons=60, seed=4, console=console)
    assert [x.username for x in second] == [x.username for x in first]
    assert all(a.password != b.password for a, b in zip(first, second, strict=True))
    user = get_user_model().objects.get(username="desk")
    assert user.check_password(second[0].password)
    stored = json.loads((data_dir / services.LOGINS_FILE).read_text())
    assert [d["password"] for d in stored] == [x.password for x in second]
    assert stat.S_IMODE((data_dir / services.LOGINS_FILE).stat().st_mode) == 0o600


def test_a_deleted_demo_user_comes_back_with_its_stored_password(data_dir):
    console, _ = _console()
    logins = services.prepare_demo(patrons=60, seed=4, console=console)
    get_user_model().objects.filter(username="auditor").delete()
    assert services.prepare_demo(patrons=60, seed=4, console=console) == logins
    auditor = get_user_model().objects.get(username="auditor")
    assert auditor.check_password(next(x.password for x in logins if x.username == "auditor"))


def test_a_new_demo_plays_a_desk_morning_through_the_door(data_dir):
    from custodian.audit.models import AuditEntry
    from custodian.audit.services import verify_log
    from custodian.records.models import Loan

    console, out = _console()
    services.prepare_demo(patrons=120, seed=5, console=console)
    result = verify_log()
    assert result.ok
    # Three look-ups and three reads of the showcase patrons, one check-out, one check-in;
    # the demo's disclosure requests come after the morning.
    morning = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)[:8])
    assert morning == ["lookup", "read"] * 3 + ["check_out", "check_in"]
    assert "8 look-ups and actions through the door" in out.getvalue()
    # The morning's check-in severed its link unless the patron keeps history.
    loans_before = Loan.objects.count()
    services.prepare_demo(patrons=120, seed=5, console=_console()[0])
    assert verify_log().count == result.count, "a reused demo plays no second morning"
    assert Loan.objects.count() == loans_before
