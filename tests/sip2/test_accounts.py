"""SIP accounts: create, list, disable, sign in (throttled), the demo's accounts, the CLI."""

import json

import pytest
from typer.testing import CliRunner

from custodian.cli import app
from custodian.sip2 import services
from custodian.sip2.models import SipAccount, SipLoginThrottle
from custodian.sip2.selectors import list_accounts, still_active
from tests.door import library

pytestmark = pytest.mark.django_db
PEER = "10.0.0.9:50000"


@pytest.fixture
def main(db):
    return library.branch("MAIN")


def test_create_with_no_password_makes_one_up_and_stores_only_a_hash(main):
    made = services.create_account(name="kiosk-1", branch_code="MAIN", purpose="self-check")
    assert made.password and len(made.password) >= services.PASSWORD_MIN_LENGTH
    stored = SipAccount.objects.get(name="kiosk-1")
    assert stored.purpose == "self_check" and made.password not in stored.password_hash
    assert stored.password_hash.startswith("$argon2")
    ok = services.authenticate(name="kiosk-1", password=made.password, peer=PEER)
    assert ok.outcome == "signed_in" and ok.account.branch_code == "MAIN"
    assert SipAccount.objects.get(name="kiosk-1").last_login_at is not None


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"branch_code": "NOPE"}, "No branch has the code"),
        ({"purpose": "vending"}, "Unknown purpose"),
        ({"password": "short"}, "too short"),
        ({"name": "has space"}, "letters, digits"),
        ({"password": "with|a bar in it"}, "'|'"),
    ],
)
def test_create_refuses_bad_input_in_plain_words(main, kwargs, words):
    given = {"name": "kiosk-1", "branch_code": "MAIN", "purpose": "return", **kwargs}
    with pytest.raises(services.AccountRefused) as refused:
        services.create_account(**given)
    assert words in refused.value.message
    assert not SipAccount.objects.exists()


def test_a_duplicate_name_is_refused(main):
    services.create_account(name="kiosk-1", branch_code="MAIN", purpose="return")
    with pytest.raises(services.AccountRefused, match="already a SIP account"):
        services.create_account(name="kiosk-1", branch_code="MAIN", purpose="pc-booking")
    assert SipAccount.objects.count() == 1


def test_the_database_refuses_an_unknown_purpose_and_a_plain_password(main):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    for bad in ({"purpose": "vending"}, {"password_hash": "plain"}):
        values = {
            "name": "x",
            "branch": main,
            "purpose": "return",
            "password_hash": "$argon2id$x",
            "created_at": timezone.now(),
            **bad,
        }
        with pytest.raises(IntegrityError), transaction.atomic():
            SipAccount.objects.create(**values)


def test_list_never_carries_a_password_and_disable_turns_off(main):
    made = services.create_account(name="kiosk-1", branch_code="MAIN", purpose="self_check")
    (row,) = list_accounts()
    assert not hasattr(row, "password_hash") and made.password not in repr(row)
    assert services.disable_account(name="kiosk-1") is True
    assert services.disable_account(name="kiosk-1") is False
    assert not still_active(account_id=row.id)
    refused = services.authenticate(name="kiosk-1", password=made.password, peer=PEER)
    assert refused.outcome == "refused" and refused.account is None
    services.enable_account(name="kiosk-1")
    assert services.authenticate(name="kiosk-1", password=made.password, peer=PEER).account


def test_unknown_name_and_wrong_password_get_the_same_answer(main):
    services.create_account(name="kiosk-1", branch_code="MAIN", purpose="self_check")
    wrong = services.authenticate(name="kiosk-1", password="not it at all", peer=PEER)
    unknown = services.authenticate(name="kiosk-9", password="not it at all", peer=PEER)
    assert wrong == unknown == services.LoginResult("refused")
    # Counted under keyed hashes: the table holds neither name nor address.
    keys = list(SipLoginThrottle.objects.values_list("key", flat=True))
    assert keys and not any("kiosk" in k or "10.0.0.9" in k for k in keys)


def test_a_name_locks_after_the_limit_even_against_the_right_password(main, monkeypatch):
    monkeypatch.setattr(services, "NAME_LIMIT", 3)
    made = services.create_account(name="kiosk-1", branch_code="MAIN", purpose="self_check")
    outcomes = [
        services.authenticate(name="kiosk-1", password="nope nope nope", peer=f"10.0.0.{i}:1")
        for i in range(3)
    ]
    assert outcomes[-1].outcome == "name_locked"
    right = services.authenticate(name="kiosk-1", password=made.password, peer="10.0.1.1:1")
    assert right.outcome == "name_locked"
    services.enable_account(name="kiosk-1")  # the account command lifts it
    assert services.authenticate(name="kiosk-1", password=made.password, peer=PEER).account


def test_a_peer_address_locks_after_its_limit_whatever_the_name(main, monkeypatch):
    monkeypatch.setattr(services, "PEER_LIMIT", 3)
    made = services.create_account(name="kiosk-1", branch_code="MAIN", purpose="self_check")
    for i in range(3):
        services.authenticate(name=f"guess-{i}", password="nope nope nope", peer=f"10.0.0.7:{i}")
    locked = services.authenticate(name="kiosk-1", password=made.password, peer="10.0.0.7:99")
    assert locked.outcome == "peer_locked"
    assert services.authenticate(name="kiosk-1", password=made.password, peer=PEER).account


def test_demo_accounts_one_per_branch_same_passwords_when_reused(main, settings, tmp_path):
    library.branch("EAST")
    settings.DATA_DIR = tmp_path
    first = services.create_demo_accounts()
    assert sorted(a.name for a in first) == ["selfcheck-east", "selfcheck-main"]
    again = services.create_demo_accounts()
    assert again == first
    assert SipAccount.objects.filter(purpose="self_check").count() == 2
    for a in again:
        assert services.authenticate(name=a.name, password=a.password, peer=PEER).account
    assert (tmp_path / services.DEMO_FILE).stat().st_mode & 0o077 == 0


def test_the_commands_create_list_and_disable(main):
    runner = CliRunner()
    made = runner.invoke(
        app,
        ["sip2", "account", "create", "kiosk-1", "--branch", "MAIN", "--purpose", "self-check"],
    )
    assert made.exit_code == 0, made.output
    assert "Password (shown once" in made.output
    typed = runner.invoke(
        app,
        [
            "sip2",
            "account",
            "create",
            "drop-1",
            "--branch",
            "MAIN",
            "--purpose",
            "return",
            "--password-stdin",
        ],
        input="a long typed password\n",
    )
    assert typed.exit_code == 0 and "Password" not in typed.output
    assert services.authenticate(name="drop-1", password="a long typed password", peer=PEER).account
    bad = runner.invoke(
        app, ["sip2", "account", "create", "x", "--branch", "NOPE", "--purpose", "return"]
    )
    assert bad.exit_code == 2 and "No branch has the code" in bad.output
    listed = runner.invoke(app, ["sip2", "account", "list", "--json"])
    rows = json.loads(listed.output)
    assert [r["name"] for r in rows] == ["drop-1", "kiosk-1"]
    assert "password" not in listed.output.lower()
    table = runner.invoke(app, ["sip2", "account", "list"])
    assert "kiosk-1" in table.output and "self-check" in table.output
    off = runner.invoke(app, ["sip2", "account", "disable", "kiosk-1"])
    assert off.exit_code == 0 and "turned off" in off.output
    assert runner.invoke(app, ["sip2", "account", "disable", "nobody"]).exit_code == 2
