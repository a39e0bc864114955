"""Personal fields sealed at rest: round trip, wrong place, erasure, blind index, no SQL search."""

import base64
import datetime as dt
import os
import uuid

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import IntegrityError, connection, transaction

from custodian.records import blind_index, sealing
from custodian.records.models import Authorization, DataKey, Patron, ResponsibleParty
from custodian.records.selectors import card_in_use, patron_by_card, patrons_named
from tests.records.factories import make_patron

pytestmark = pytest.mark.django_db


def _raw(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_round_trip_and_the_database_holds_only_sealed_text():
    patron = make_patron(
        card_number="21000099887766",
        first_name="Zenobia",
        last_name="Quillfeather",
        address="14 Larkspur Lane, Petaluma",
        phone="707-555-0142",
        email="zenobia@example.org",
        birth_date=dt.date(1980, 7, 14),
    )
    fresh = Patron.objects.get(pk=patron.pk)
    assert (fresh.first_name, fresh.last_name) == ("Zenobia", "Quillfeather")
    assert fresh.address == "14 Larkspur Lane, Petaluma" and fresh.phone == "707-555-0142"
    assert fresh.email == "zenobia@example.org" and fresh.birth_date == dt.date(1980, 7, 14)
    assert fresh.card_number == "21000099887766"
    for column, clear in (
        ("first_name", "Zenobia"),
        ("last_name", "Quillfeather"),
        ("address", "Larkspur"),
        ("phone", "555-0142"),
        ("email", "zenobia@"),
        ("birth_date", "1980"),
        ("card_number", "99887766"),
    ):
        stored = _raw("records_patron", column, patron.pk)
        assert stored.startswith(f"s1.{patron.ref.hex}."), column
        assert clear not in stored, column
    # Two patrons with the same name store different text (a fresh nonce, another key).
    twin = make_patron(first_name="Zenobia", last_name="Quillfeather")
    assert _raw("records_patron", "first_name", twin.pk) != _raw(
        "records_patron", "first_name", patron.pk
    )
    assert DataKey.objects.filter(owner_ref__in=[patron.ref, twin.ref]).count() == 2


def test_blank_values_stay_blank_and_dates_may_be_empty():
    patron = make_patron(address="", phone="", email="", birth_date=None)
    fresh = Patron.objects.get(pk=patron.pk)
    assert (fresh.address, fresh.phone, fresh.email, fresh.birth_date) == ("", "", "", None)
    assert _raw("records_patron", "birth_date", patron.pk) is None


def test_people_linked_to_a_patron_are_sealed_under_the_patrons_key():
    child = make_patron()
    party = ResponsibleParty.objects.create(
        patron=child, name="Hortensia Blackwood", relationship="parent", phone="707-555-0199"
    )
    agent = Authorization.objects.create(
        patron=child,
        agent_name="Ignatius Pemberton",
        fields=["loans.titles"],
        signed_on=dt.date(2026, 1, 1),
    )
    assert ResponsibleParty.objects.get(pk=party.pk).name == "Hortensia Blackwood"
    assert Authorization.objects.get(pk=agent.pk).agent_name == "Ignatius Pemberton"
    stored = _raw("records_responsibleparty", "name", party.pk)
    assert stored.startswith(f"s1.{child.ref.hex}.") and "Hortensia" not in stored
    assert "Pemberton" not in _raw("records_authorization", "agent_name", agent.pk)


def test_a_value_copied_to_another_column_or_row_does_not_open():
    patron = make_patron(first_name="Zenobia", last_name="Quillfeather")
    other = make_patron()
    first = _raw("records_patron", "first_name", patron.pk)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE records_patron SET last_name = %s WHERE id = %s", [first, patron.pk])
    with pytest.raises(sealing.SealingError):
        Patron.objects.get(pk=patron.pk)
    # Another patron's row: the value names its owner, but the field label binds it too.
    with pytest.raises(sealing.SealingError):
        sealing.open_sealed(first, "records.patron.last_name")
    assert sealing.open_sealed(first, "records.patron.first_name") == "Zenobia"
    # A value whose owner part is swapped for another patron's ref fails under that key.
    forged = first.replace(patron.ref.hex, other.ref.hex)
    with pytest.raises(sealing.SealingError):
        sealing.open_sealed(forged, "records.patron.first_name")


def test_a_tampered_value_does_not_open():
    patron = make_patron(first_name="Zenobia")
    stored = _raw("records_patron", "first_name", patron.pk)
    head, body = stored.rsplit(".", 1)
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(sealing.SealingError):
        sealing.open_sealed(
            f"{head}.{base64.b64encode(bytes(raw)).decode()}", "records.patron.first_name"
        )


def test_forget_key_makes_every_value_unreadable_and_pages_show_nothing():
    patron = make_patron(
        first_name="Zenobia", last_name="Quillfeather", birth_date=dt.date(1980, 1, 2)
    )
    ResponsibleParty.objects.create(
        patron=patron, name="Hortensia Blackwood", relationship="parent"
    )
    assert sealing.forget_key(patron.ref) is True
    assert not DataKey.objects.filter(owner_ref=patron.ref).exists()
    fresh = Patron.objects.get(pk=patron.pk)
    assert (fresh.first_name, fresh.last_name, fresh.birth_date) == ("", "", None)
    assert ResponsibleParty.objects.get(patron=patron).name == ""
    # The sealed text is still in the row, and no key in this database opens it.
    stored = _raw("records_patron", "first_name", patron.pk)
    assert (
        stored.startswith("s1.")
        and sealing.open_sealed(stored, "records.patron.first_name") is None
    )
    assert sealing.forget_key(patron.ref) is False  # twice is harmless


def test_forget_key_reaches_this_process_cache():
    patron = make_patron(first_name="Zenobia")
    stored = _raw("records_patron", "first_name", patron.pk)
    assert sealing.open_sealed(stored, "records.patron.first_name") == "Zenobia"  # now cached
    sealing.forget_key(patron.ref)
    assert sealing.open_sealed(stored, "records.patron.first_name") is None


def test_a_clear_value_in_a_filter_or_update_raises():
    make_patron(first_name="Zenobia")
    with pytest.raises(sealing.SealedLookup):
        Patron.objects.filter(first_name="Zenobia").exists()
    with pytest.raises(sealing.SealedLookup):
        Patron.objects.filter(card_number="21000099887766").first()
    with pytest.raises(sealing.SealedLookup), transaction.atomic():
        Patron.objects.update(phone="707-555-0100")
    with pytest.raises(sealing.SealedLookup):
        ResponsibleParty.objects.filter(name__in=["Hortensia Blackwood"]).count()
    # Blank is not personal data: "has an email" stays a plain query.
    assert Patron.objects.exclude(email="").count() == 0


def test_patron_found_by_card_and_by_name_through_the_blind_index():
    patron = make_patron(card_number="21000011112222", first_name="José", last_name="de la Cruz")
    assert patron_by_card("21000011112222").pk == patron.pk
    assert patron_by_card(" 2100 0011 1122 22 ").pk == patron.pk  # typed in groups
    assert patron_by_card("21000011112223") is None and patron_by_card("") is None
    assert card_in_use("21000011112222") and not card_in_use("999")
    assert list(patrons_named("DE LA  CRUZ", "jose")) == [patron]
    assert list(patrons_named("de la cruz")) == [patron]
    assert not patrons_named("de la cru").exists()  # exact match only
    stored = Patron.objects.values_list("card_index", "name_index").get(pk=patron.pk)
    assert all(len(v) == 32 and "2100" not in v for v in stored)
    assert stored[0] == sealing.card_index("21000011112222")


def test_index_moves_with_a_changed_name_or_card():
    patron = make_patron(card_number="21000011113333", last_name="Old")
    patron.last_name, patron.card_number = "New", "21000011114444"
    patron.save()
    assert patron_by_card("21000011114444").pk == patron.pk
    assert patron_by_card("21000011113333") is None
    assert patrons_named("new").exists() and not patrons_named("old").exists()


def test_the_database_refuses_a_second_patron_with_the_same_card():
    make_patron(card_number="21000011115555")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_patron(card_number="21000011115555")


def test_the_database_refuses_a_patron_without_a_card_index():
    patron = make_patron()
    with pytest.raises(IntegrityError), transaction.atomic():
        Patron.objects.filter(pk=patron.pk).update(card_index="")


def test_keys_are_created_once_private_and_the_index_key_is_not_a_master(tmp_path, monkeypatch):
    monkeypatch.setenv("CUSTODIAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(sealing.MASTER_ENV, raising=False)
    monkeypatch.delenv(sealing.INDEX_ENV, raising=False)
    monkeypatch.setattr(sealing, "_keyring", None)
    monkeypatch.setattr(blind_index, "_ring", None)
    ring = sealing.keyring()
    index = sealing.index_key()
    for name in (sealing.KEYRING_FILE, sealing.INDEX_FILE):
        assert (tmp_path / name).stat().st_mode & 0o077 == 0, name
    assert index not in ring.keys.values()
    # Read again, not made again.
    monkeypatch.setattr(sealing, "_keyring", None)
    monkeypatch.setattr(blind_index, "_ring", None)
    assert sealing.keyring().keys == ring.keys and sealing.index_key() == index
    monkeypatch.setattr(sealing, "_keyring", None)
    monkeypatch.setattr(blind_index, "_ring", None)
    sealing.clear_cache()


def test_a_bulk_writer_may_pass_values_it_sealed_itself():
    ref = uuid.uuid4()
    sealed = sealing.seal(ref, "records.patron.first_name", "Zenobia")
    assert isinstance(sealed, sealing.Sealed)
    assert sealing.open_sealed(sealed, "records.patron.first_name") == "Zenobia"
    field = Patron._meta.get_field("first_name")
    assert field.get_db_prep_save(sealed, connection) == sealed


def test_the_upgrade_migration_seals_rows_written_in_clear():
    """Migration 0009 on a library upgrading: clear rows get a key, sealed text and indexes."""
    import importlib

    from django.apps import apps

    upgrade = importlib.import_module("custodian.records.migrations.0009_seal_existing_records")
    patron = make_patron(card_number="21000077778888", first_name="Zenobia", last_name="Quill")
    party = ResponsibleParty.objects.create(
        patron=patron, name="Hortensia Blackwood", relationship="parent"
    )
    with connection.cursor() as cursor:  # as an older version stored them
        cursor.execute(
            "UPDATE records_patron SET card_number=%s, first_name=%s, last_name=%s, "
            "birth_date=%s, card_index=%s, name_index='', last_name_index='' WHERE id=%s",
            ["21000077778888", "Zenobia", "Quill", "1990-05-06", "old-unique-value", patron.pk],
        )
        cursor.execute(
            "UPDATE records_responsibleparty SET name=%s WHERE id=%s",
            ["Hortensia Blackwood", party.pk],
        )
    DataKey.objects.all().delete()
    sealing.clear_cache()

    upgrade._seal_rows(apps, connection.schema_editor())

    assert _raw("records_patron", "first_name", patron.pk).startswith(f"s1.{patron.ref.hex}.")
    assert "Hortensia" not in _raw("records_responsibleparty", "name", party.pk)
    assert DataKey.objects.filter(owner_ref=patron.ref).count() == 1
    sealing.clear_cache()
    fresh = patron_by_card("21000077778888")
    assert (fresh.pk, fresh.first_name, fresh.birth_date) == (
        patron.pk,
        "Zenobia",
        dt.date(1990, 5, 6),
    )
    assert list(patrons_named("quill", "zenobia")) == [fresh]
    assert ResponsibleParty.objects.get(pk=party.pk).name == "Hortensia Blackwood"
    # Run again (an interrupted upgrade): nothing is sealed twice, the same key stays.
    key = bytes(DataKey.objects.get(owner_ref=patron.ref).wrapped)
    upgrade._seal_rows(apps, connection.schema_editor())
    sealing.clear_cache()
    assert bytes(DataKey.objects.get(owner_ref=patron.ref).wrapped) == key
    assert Patron.objects.get(pk=patron.pk).first_name == "Zenobia"


def test_free_text_that_can_name_someone_is_sealed_too():
    from django.utils import timezone

    from custodian.portal.models import Concern
    from custodian.records.models import ReferenceInterview, SearchRecord

    patron = make_patron()
    now = timezone.now()
    asked = ReferenceInterview.objects.create(
        patron=patron,
        branch=patron.home_branch,
        asked_at=now,
        channel="in_person",
        question="Books for Hortensia Blackwood's custody hearing",
    )
    anonymous = ReferenceInterview.objects.create(
        branch=patron.home_branch, asked_at=now, channel="phone", question="Is Zenobia in town?"
    )
    search = SearchRecord.objects.create(
        patron=patron, database="News", query="Ignatius Pemberton arrest", searched_at=now
    )
    concern = Concern.objects.create(
        patron=patron,
        topic="other",
        message="Why did Hortensia Blackwood see my loans?",
        created_at=now,
        due_on=now.date(),
    )
    for table, column, pk, clear, owner in (
        ("records_referenceinterview", "question", asked.pk, "Hortensia", sealing.LIBRARY_OWNER),
        ("records_referenceinterview", "question", anonymous.pk, "Zenobia", sealing.LIBRARY_OWNER),
        ("records_searchrecord", "query", search.pk, "Pemberton", sealing.LIBRARY_OWNER),
        ("portal_concern", "message", concern.pk, "Hortensia", patron.ref),
    ):
        stored = _raw(table, column, pk)
        assert stored.startswith(f"s1.{owner.hex}.") and clear not in stored, table
    assert ReferenceInterview.objects.get(pk=anonymous.pk).question == "Is Zenobia in town?"
    assert Concern.objects.get(pk=concern.pk).message.startswith("Why did Hortensia")
    # A question or a search is kept anonymous once its business is done (retention strips
    # the patron link), so its sealed text must not name the patron: the library's key.
    assert patron.ref.hex not in _raw("records_searchrecord", "query", search.pk)
    # The patron's erasure takes their concern with it; the question stays readable.
    sealing.forget_key(patron.ref)
    assert Concern.objects.get(pk=concern.pk).message == ""
    assert ReferenceInterview.objects.get(pk=asked.pk).question.startswith("Books for")


def test_a_key_cached_from_a_rolled_back_transaction_does_not_stick():
    """Rolled back: the key row is gone but this process cached it. A new key made for the
    same owner elsewhere (another process) must still open."""
    owner = uuid.uuid4()
    label = "records.patron.first_name"
    with pytest.raises(RuntimeError), transaction.atomic():
        sealing.seal(owner, label, "Zenobia")  # creates and caches key one
        raise RuntimeError
    assert not DataKey.objects.filter(owner_ref=owner).exists()
    other = AESGCM(os.urandom(32))
    raw = os.urandom(32)
    wrapped, mid = sealing.wrap(owner, raw)
    DataKey.objects.create(owner_ref=owner, wrapped=wrapped, master_id=mid)
    value = sealing.seal_with(AESGCM(raw), owner, label, "Hortensia")
    assert sealing.open_sealed(value, label) == "Hortensia"
    with pytest.raises(sealing.SealingError):
        sealing.open_sealed(sealing.seal_with(other, owner, label, "x"), label)
