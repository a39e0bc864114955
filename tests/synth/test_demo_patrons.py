"""The demo's patrons for the portal: an adult, an opted-in reader, a guardian with their
own card linked to the teen and the child, and the teen; printed with their PINs."""

import io
import json

import pytest
from django.utils import timezone
from rich.console import Console

from custodian.circulation.services import verify_pin
from custodian.records.models import Loan, PastLoan, Patron, ResponsibleParty
from custodian.records.selectors import patron_by_card
from custodian.synth import services
from custodian.synth.rand import age_on
from tests.synth.conftest import FIXED_NOW

pytestmark = pytest.mark.django_db

PORTAL = ("adult", "reader", "guardian", "teen")


def _owed(patron: Patron) -> int:
    return sum(
        charge.amount - sum(p.amount for p in charge.payments.all())
        for charge in patron.charges.prefetch_related("payments")
    )


def test_the_demo_has_the_four_portal_patrons_with_working_pins(library):
    cards = {s.label: s for s in library.showcase}
    assert set(PORTAL) <= set(cards)
    patrons = {label: patron_by_card(cards[label].card_number) for label in cards}
    for label in PORTAL:
        assert verify_pin(patron=patrons[label], pin=cards[label].pin), label
        assert patrons[label].status == Patron.Status.ACTIVE
    assert len({cards[label].card_number for label in PORTAL}) == 4

    reader = patrons["reader"]
    assert reader.keeps_reading_history
    assert PastLoan.objects.filter(patron=reader).count() >= 20

    today = timezone.localdate(FIXED_NOW)
    guardian = patrons["guardian"]
    assert age_on(birth=guardian.birth_date, today=today) >= 18
    assert not guardian.keeps_reading_history  # so "turn reading history on" can be tried
    wards = ResponsibleParty.objects.filter(guardian_patron=guardian)
    assert {party.patron for party in wards} == {patrons["teen"], patrons["child"]}
    for party in wards:
        assert party.name == f"{guardian.first_name} {guardian.last_name}"
        assert party.relationship == ResponsibleParty.Relationship.GUARDIAN
        assert party.financially_responsible and party.signed_on is not None
    # Nobody else's card is linked: only the showcase guardian has wards.
    assert ResponsibleParty.objects.filter(guardian_patron__isnull=False).count() == 2

    teen = patrons["teen"]
    assert Loan.objects.filter(patron=teen, due_on__lt=today).exists()
    assert _owed(teen) > 0


def test_the_portal_patrons_do_not_change_anyone_else(library):
    # The reader and guardian are picked from what the dice made: the adult is still the
    # demo's first card, and the other showcase cards are where they always were.
    cards = {s.label: s.card_number for s in library.showcase}
    first_three = list(Patron.objects.order_by("pk").values_list("card_number", flat=True)[:3])
    assert first_three == [cards["adult"], cards["teen"], cards["child"]]


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_the_demo_prints_the_portal_patrons_with_their_pins(data_dir, settings):
    settings.CUSTODIAN_PROFILE = "jackson-county"
    out = io.StringIO()
    console = Console(file=out, width=160, force_terminal=False)
    services.prepare_demo(
        patrons=120, seed=5, console=console, portal_url="http://127.0.0.1:8000/my/"
    )
    printed = out.getvalue()
    assert "Demo patrons (sign in at http://127.0.0.1:8000/my/)" in printed
    assert "Jackson County" in printed
    stored = {
        e["label"]: e for e in json.loads((data_dir / "demo-patrons.json").read_text())["showcase"]
    }
    lines = printed.splitlines()
    for label in PORTAL:
        entry = stored[label]
        line = next(line for line in lines if entry["card_number"] in line)
        assert entry["pin"] in line and entry["description"] in line
        patron = patron_by_card(entry["card_number"])
        assert verify_pin(patron=patron, pin=entry["pin"])
    # Printed in the order a tester tries them: adult, reader, guardian, teen.
    positions = [printed.index(stored[label]["card_number"]) for label in PORTAL]
    assert positions == sorted(positions)
    for first, last in Patron.objects.values_list("first_name", "last_name"):
        assert f"{first} {last}" not in printed


def test_the_desk_morning_still_looks_up_only_the_first_three(data_dir):
    from custodian.audit.models import AuditEntry

    services.prepare_demo(patrons=120, seed=5, console=Console(file=io.StringIO()))
    reader_ref = patron_by_card(services.showcase_card_numbers(labels=("reader",))[0]).ref
    # The reader's "who has looked" starts empty of the desk's morning.
    assert not AuditEntry.objects.filter(patron_ref=str(reader_ref), action="read").exists()


def test_portal_url_names_this_machine_for_a_wildcard_address():
    from custodian.server_cli import portal_url

    assert portal_url("0.0.0.0", 8000) == "http://127.0.0.1:8000/my/"  # noqa: S104
    assert portal_url("192.0.2.7", 8080) == "http://192.0.2.7:8080/my/"
    assert portal_url("::1", 8000) == "http://[::1]:8000/my/"
