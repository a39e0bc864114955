"""A charge's note is sealed under its patron's key, and erasure leaves only the money (issue 11).

Staff can type anything into a charge's note, a name included ("damaged by Hortensia's
dog"), so it is sealed at rest like the patron's own fields; erasure and the retention strip
blank it (the strip is tested in tests/retention/rows.py).
"""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection

from custodian.circulation import services as circulation
from custodian.circulation.errors import CirculationError
from custodian.holds.erasure import erase_patron
from custodian.records import sealing
from custodian.records.models import Charge
from tests.records.factories import make_patron

pytestmark = pytest.mark.django_db

NOTE = "Chewed by Hortensia Blackwood's dog"


@pytest.fixture(autouse=True)
def _no_key_from_an_earlier_test():
    # Rolled-back tests leave data keys in this process's cache, not in the database.
    sealing.clear_cache()


def _raw_note(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM records_charge WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_note_is_sealed_under_the_patrons_key_and_reads_back():
    patron = make_patron()
    charge = circulation.assess_charge(patron=patron, kind="damaged", amount="4.50", note=NOTE)
    stored = _raw_note(charge.pk)
    assert stored.startswith(f"s1.{patron.ref.hex}.") and "Hortensia" not in stored
    assert Charge.objects.get(pk=charge.pk).note == NOTE
    # The desk's limit still holds, though the column itself is now unbounded text.
    with pytest.raises(CirculationError, match="too long"):
        circulation.assess_charge(patron=patron, kind="other", amount="1", note="x" * 201)


def test_erasure_blanks_the_note_and_keeps_the_money():
    patron = make_patron()
    charge = circulation.assess_charge(patron=patron, kind="damaged", amount="4.50", note=NOTE)
    plain = circulation.assess_charge(patron=patron, kind="card", amount="2.00")
    erase_patron(patron=patron, actor="clerk", role="desk", reason="patron_asked")
    for pk, amount in ((charge.pk, Decimal("4.50")), (plain.pk, Decimal("2.00"))):
        assert _raw_note(pk) == ""
        kept = Charge.objects.get(pk=pk)
        assert (kept.patron_id, kept.note, kept.amount) == (None, "", amount)


def test_the_upgrade_migration_seals_clear_notes_and_its_reverse_opens_them():
    upgrade = importlib.import_module("custodian.records.migrations.0014_seal_charge_note")
    patron = make_patron()
    owned = circulation.assess_charge(patron=patron, kind="damaged", amount="3", note="x")
    unowned = circulation.assess_charge(patron=patron, kind="other", amount="1")
    Charge.objects.filter(pk=unowned.pk).update(patron=None)
    with connection.cursor() as cursor:  # as an older version stored them
        cursor.execute("UPDATE records_charge SET note = %s WHERE id = %s", [NOTE, owned.pk])
        cursor.execute("UPDATE records_charge SET note = %s WHERE id = %s", ["Lost", unowned.pk])
    upgrade._seal_notes(apps, connection.schema_editor())
    assert _raw_note(owned.pk).startswith(f"s1.{patron.ref.hex}.")
    assert _raw_note(unowned.pk).startswith(f"s1.{sealing.LIBRARY_OWNER.hex}.")
    assert [Charge.objects.get(pk=c.pk).note for c in (owned, unowned)] == [NOTE, "Lost"]
    sealed = _raw_note(owned.pk)
    upgrade._seal_notes(apps, connection.schema_editor())  # run again: nothing sealed twice
    assert _raw_note(owned.pk) == sealed
    upgrade._open_notes(apps, connection.schema_editor())
    assert [_raw_note(owned.pk), _raw_note(unowned.pk)] == [NOTE, "Lost"]
