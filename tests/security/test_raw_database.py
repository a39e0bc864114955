"""The raw database of a demo library holds no patron's name, address, phone, email or card,
and no officer's or requester's name or note from its disclosure cases.

Whoever gets the SQLite file (a backup, a stolen laptop) or a `pg_dump` of the PostgreSQL
database sees sealed text only (docs/encryption.md). The demo is built as `./run demo` builds
it: a generated library, a morning at the desk, a week of disclosure requests.
"""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from rich.console import Console

from custodian.disclosure.models import (
    Case,
    CaseEvent,
    DisclosureRequest,
    Release,
    Review,
    WrittenDecision,
)
from custodian.records.models import Authorization, Item, Patron, ResponsibleParty
from custodian.synth import services

PG_DUMP = "/usr/lib/postgresql/15/bin/pg_dump"
PATRONS = 300


def _identifiers() -> set[str]:
    """Every personal value of every patron, read back through the models (opened)."""
    found: set[str] = set()
    for first, last, address, phone, email, card in Patron.objects.values_list(
        "first_name", "last_name", "address", "phone", "email", "card_number"
    ):
        found.update({f"{first} {last}", address, phone, email, card})
    for name, phone in ResponsibleParty.objects.values_list("name", "phone"):
        found.update({name, phone})
    found.update(Authorization.objects.values_list("agent_name", flat=True))
    found.discard("")
    # The catalogue's authors come from the same name lists as the synthetic patrons: a
    # patron who shares a name with an author is not a leak (the book is public).
    return found - set(Item.objects.values_list("author", flat=True))


def _case_text() -> set[str]:
    """What people typed into the demo week's disclosure cases (sealed under the library's
    key): officers' and requesters' names, what they said, notes, decisions, hand-overs.
    Short values (a badge number) could match any bytes by chance, so only longer ones."""
    found: set[str] = set()
    for fields in (
        ("officer_name", "requester_name", "requester_organisation", "stated_purpose"),
        ("response_address",),
    ):
        for row in DisclosureRequest.objects.values_list(*fields):
            found.update(row)
    found.update(Case.objects.values_list("desk_notes", flat=True))
    found.update(CaseEvent.objects.values_list("note", flat=True))
    found.update(Review.objects.values_list("notes", flat=True))
    found.update(Release.objects.values_list("handed_to", flat=True))
    for row in WrittenDecision.objects.values_list("text", "basis"):
        found.update(row)
    return {v for v in found if len(v) >= 12}


def _build_demo(settings, tmp_path) -> set[str]:
    settings.DATA_DIR = tmp_path
    services.prepare_demo(patrons=PATRONS, seed=11, console=Console(file=io.StringIO()))
    found = _identifiers()
    assert Patron.objects.count() == PATRONS
    # The check sees what it is looking for: names, addresses, phones, emails, cards.
    assert len(found) > 3 * PATRONS
    assert any("@" in v for v in found) and any(v.isdigit() and len(v) > 10 for v in found)
    # And the officers' names and notes of the demo week's cases.
    cases = _case_text()
    assert {"Deputy R. Alvarez", "Detective M. Okafor"} <= cases
    assert any("might come back" in v for v in cases)
    return found | cases


def _leaks(blob: bytes, identifiers: set[str]) -> list[str]:
    return sorted(v for v in identifiers if v.encode() in blob)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads the SQLite file")
def test_the_sqlite_file_holds_no_patron_identifier_in_clear(settings, tmp_path):
    identifiers = _build_demo(settings, tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_file = Path(connection.settings_dict["NAME"])
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(db_file, copy)
    blob = copy.read_bytes()
    wal = Path(f"{db_file}-wal")
    if wal.exists():
        blob += wal.read_bytes()
    # The probe works: a value written in clear is found.
    assert _leaks(blob + b"|Zz Probe|", {"Zz Probe"}) == ["Zz Probe"]
    leaks = _leaks(blob, identifiers)
    assert not leaks, f"{len(leaks)} patron identifiers in clear, e.g. {leaks[:3]}"


def _pg_dump() -> bytes:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    args = [PG_DUMP, "--no-owner", "--data-only", "-h", db.get("HOST") or "127.0.0.1"]
    args += ["-p", str(db.get("PORT") or 5432), "-U", db["USER"], db["NAME"]]
    return subprocess.run(args, env=env, check=True, capture_output=True, timeout=300).stdout  # noqa: S603


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="dumps the PostgreSQL database")
@pytest.mark.skipif(not Path(PG_DUMP).exists(), reason=f"needs {PG_DUMP}")
def test_a_pg_dump_holds_no_patron_identifier_in_clear(settings, tmp_path):
    identifiers = _build_demo(settings, tmp_path)
    dump = _pg_dump()
    assert b"records_patron" in dump and b"s1." in dump
    leaks = _leaks(dump, identifiers)
    assert not leaks, f"{len(leaks)} patron identifiers in clear, e.g. {leaks[:3]}"
