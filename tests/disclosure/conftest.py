import pytest

from tests.disclosure.fakes import FakeDoor, fake_decide, standard_patron_values

CARD = "21000000000001"


@pytest.fixture
def audit_log(monkeypatch):
    entries = []

    def fake_audit(
        *, user, action, outcome, patron_ref=None, fields=(), clauses=(), purpose="disclosure"
    ):
        entries.append(
            {
                "actor": getattr(user, "username", None),
                "role": getattr(user, "role", None),
                "action": action,
                "outcome": outcome,
                "patron_ref": patron_ref,
                "fields": list(fields),
            }
        )

    monkeypatch.setattr("custodian.disclosure.gateways.audit", fake_audit)
    return entries


@pytest.fixture
def door(monkeypatch, audit_log):
    d = FakeDoor()
    d.ref = d.add(CARD, standard_patron_values())
    monkeypatch.setattr("custodian.disclosure.gateways.find_patron_ref", d.find_patron_ref)
    monkeypatch.setattr("custodian.disclosure.gateways.read_fields", d.read_fields)
    monkeypatch.setattr("custodian.disclosure.gateways.decide", fake_decide)
    return d


@pytest.fixture
def make_user(db, django_user_model):
    def make(role, username=None):
        return django_user_model.objects.create_user(
            username=username or f"{role}-user", password=None, role=role
        )

    return make


@pytest.fixture
def staff(make_user):
    return {
        r: make_user(r)
        for r in ("desk", "branch_manager", "director", "designee", "it_admin", "auditor")
    }


@pytest.fixture
def real_engine(monkeypatch, door):
    """The real policy engine behind the fake door."""
    from custodian.policy import decide

    monkeypatch.setattr("custodian.disclosure.gateways.decide", decide)
    return decide


def login(client, user):
    client.force_login(user)
    return client
