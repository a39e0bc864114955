"""`custodian import patrons`: Koha's CSV and mapped CSV, sealed, all or nothing, idempotent."""

import datetime as dt

import pytest
from django.db import connection

from custodian.audit.models import AuditEntry
from custodian.interchange.patron_import import import_file
from custodian.interchange.patrons import FileError, load_mapping
from custodian.records.models import Branch, Patron
from custodian.records.selectors import patron_by_card, patrons_named
from tests.interchange.patron_files import EXAMPLES, koha_row, run, write_koha

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def branches():
    for code in ("CEN", "B01", "B02"):
        Branch.objects.create(code=code, name=f"{code} Library")


def _import(path, **options):
    return import_file(path=path, **options).report


def test_koha_import_creates_patrons_sealed_at_rest(tmp_path):
    rows = [koha_row(1), koha_row(2, address2="Apt 4", country="USA", branchcode="B01")]
    report = _import(write_koha(tmp_path / "p.csv", rows))
    assert (report.created, report.updated, report.errors, report.written) == (2, 0, [], True)
    one = patron_by_card("29000000000001")
    assert (one.first_name, one.last_name) == ("Odalys", "Quillfeather1")
    assert one.birth_date == dt.date(1987, 2, 13)
    assert (one.registered_on, one.expires_on) == (dt.date(2024, 5, 1), dt.date(2027, 5, 1))
    assert one.address == "1 Larkspur Ln\n\nGlenmoor\nCA\n95412"
    assert one.home_branch.code == "CEN" and one.pin_hash == ""
    two = patron_by_card("29000000000002")
    assert two.address == "2 Larkspur Ln\nApt 4\nGlenmoor\nCA\n95412\nUSA"
    assert two.home_branch.code == "B01"
    # The raw rows hold sealed text only: no name, card number, address or email in clear.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT card_number, first_name, last_name, address, email, birth_date "
            "FROM records_patron"
        )
        raw = [v for row in cursor.fetchall() for v in row]
    assert len(raw) == 12 and all(v.startswith("s1.") for v in raw)
    assert not any("Quillfeather" in v or "Odalys" in v or "2900000000" in v for v in raw)
    # One audit entry, counts only.
    entry = AuditEntry.objects.get(action="import")
    assert entry.patron_ref == "" and "import.patrons.created.2" in entry.fields


def test_a_dry_run_reports_and_changes_nothing(tmp_path):
    path = write_koha(tmp_path / "p.csv", [koha_row(1), koha_row(2)])
    entries = AuditEntry.objects.count()
    report = _import(path, dry_run=True)
    assert (report.created, report.written) == (2, False)
    assert Patron.objects.count() == 0 and AuditEntry.objects.count() == entries
    result = run("import", "patrons", path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing was changed" in result.output
    assert Patron.objects.count() == 0


def test_bad_rows_are_listed_by_line_and_nothing_is_written(tmp_path):
    rows = [
        koha_row(1),
        koha_row(2, dateofbirth="1987-13-02"),
        koha_row(3, branchcode="NOPE"),
        koha_row(4, cardnumber=""),
        koha_row(5, surname=""),
        koha_row(6, cardnumber="29000000000001"),  # line 2's card again
        koha_row(7, dateexpiry="2020-01-01"),
        koha_row(8, password="12"),
        koha_row(9, email="not an address"),
    ]
    path = write_koha(tmp_path / "p.csv", rows)
    report = _import(path)
    assert report.errors == [
        "line 3: the date of birth (dateofbirth) is not a date like 1987-02-13",
        "line 4: the branch code (branchcode) NOPE is not one of this library's branches",
        "line 5: the card number (cardnumber) is empty",
        "line 6: the surname (surname) is empty",
        "line 7: the same card number as line 2",
        "line 8: the expiry date (dateexpiry) is before the enrolment date",
        "line 9: the password (PIN) (password) must be 4 to 64 characters",
        "line 10: the email address (email) is not an email address",
    ]
    assert (report.refused, report.written) == (8, False)
    assert Patron.objects.count() == 0
    assert not AuditEntry.objects.filter(action="import").exists()
    result = run("import", "patrons", path)
    assert result.exit_code == 1
    assert "line 3: the date of birth" in result.output and "nothing was changed" in result.output
    # No personal value is echoed: not the birth date, the name, the card or the address.
    for personal in ("1987-13-02", "Quillfeather", "29000000000001", "Larkspur", "odalys"):
        assert personal not in result.output


def test_the_same_file_again_changes_nothing(tmp_path):
    path = write_koha(tmp_path / "p.csv", [koha_row(n) for n in range(1, 6)])
    assert _import(path).created == 5
    entries = AuditEntry.objects.count()
    again = _import(path)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 5, False)
    assert Patron.objects.count() == 5 and AuditEntry.objects.count() == entries
    result = run("import", "patrons", path)
    assert result.exit_code == 0 and "Nothing to change" in result.output


def test_a_changed_row_updates_the_patron(tmp_path):
    _import(write_koha(tmp_path / "p.csv", [koha_row(1), koha_row(2)]))
    changed = [koha_row(1), koha_row(2, surname="Brightwater", phone="", branchcode="B02")]
    report = _import(write_koha(tmp_path / "q.csv", changed))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    two = patron_by_card("29000000000002")
    assert (two.last_name, two.phone, two.home_branch.code) == ("Brightwater", "", "B02")
    # The name index follows the new name.
    assert list(patrons_named("Brightwater", "Odalys")) == [two]
    assert not patrons_named("Quillfeather2").exists()


def test_an_update_changes_only_the_columns_the_file_has(tmp_path):
    _import(write_koha(tmp_path / "p.csv", [koha_row(1)]))
    columns = ("cardnumber", "surname", "firstname", "branchcode")
    slim = write_koha(tmp_path / "q.csv", [koha_row(1)], columns=columns)
    report = _import(slim)
    assert (report.updated, report.unchanged) == (0, 1)
    assert patron_by_card("29000000000001").email == "odalys1@example.org"


def test_a_clear_pin_is_kept_only_as_an_argon2_hash(tmp_path):
    from custodian.circulation.patrons import verify_pin

    _import(write_koha(tmp_path / "p.csv", [koha_row(1, password="4321")]))
    patron = patron_by_card("29000000000001")
    assert patron.pin_hash.startswith("$argon2id$") and "4321" not in patron.pin_hash
    assert verify_pin(patron=patron, pin="4321") and not verify_pin(patron=patron, pin="1234")
    # The same PIN again is no change; a new one is.
    assert _import(write_koha(tmp_path / "q.csv", [koha_row(1, password="4321")])).unchanged == 1
    assert _import(write_koha(tmp_path / "r.csv", [koha_row(1, password="9876")])).updated == 1
    assert verify_pin(patron=patron_by_card("29000000000001"), pin="9876")


def test_the_sample_mapping_imports_another_systems_file():
    report = _import(
        EXAMPLES / "other-ils-patrons.csv",
        mapping=load_mapping(EXAMPLES / "patrons-mapping.toml"),
    )
    assert (report.created, report.errors) == (60, [])
    first = patron_by_card("28526779865138")
    assert (first.last_name, first.first_name) == ("Patel", "Daniel")
    assert first.birth_date == dt.date(1996, 4, 5)  # 04/05/1996, month first
    assert first.home_branch.code == "B02"  # "Bellhaven" through [branches]
    assert first.registered_on == dt.date(2024, 8, 3) and not first.keeps_reading_history
    assert Patron.objects.filter(keeps_reading_history=True).exists()  # the "Y" rows


def test_a_mapping_must_make_sense(tmp_path):
    bad = tmp_path / "map.toml"
    bad.write_text('[columns]\ncard_number = "Barcode"\nshoe_size = "Shoes"\n')
    with pytest.raises(FileError, match="shoe_size"):
        load_mapping(bad)
    bad.write_text('[columns]\ncard_number = "Barcode"\n')
    with pytest.raises(FileError, match="last_name, first_name, branch"):
        load_mapping(bad)
    result = run("import", "patrons", bad, "--format", "csv")
    assert result.exit_code == 2 and "--mapping" in result.output


def test_a_file_without_the_needed_columns_is_refused_whole(tmp_path):
    path = write_koha(tmp_path / "p.csv", [koha_row(1)], columns=("cardnumber", "surname"))
    with pytest.raises(FileError, match="no column firstname, branchcode"):
        _import(path)


def test_the_koha_sample_file_imports_whole():
    report = _import(EXAMPLES / "koha-patrons.csv")
    assert (report.created, report.errors) == (300, [])
    assert Patron.objects.exclude(pin_hash="").count() > 20
    assert (
        not Patron.objects.exclude(pin_hash="").exclude(pin_hash__startswith="$argon2id$").exists()
    )
    assert Patron.objects.filter(keeps_reading_history=True).exists()


def test_a_card_registered_elsewhere_during_the_run_leaves_nothing_written(tmp_path, monkeypatch):
    from django.db import IntegrityError

    from custodian.interchange import patron_import

    def clash(new):
        Patron.objects.bulk_create(new[:1])  # the first patron lands...
        raise IntegrityError("card_index")  # ...then a card taken at the desk meanwhile

    monkeypatch.setattr(patron_import, "_create", clash)
    report = _import(write_koha(tmp_path / "p.csv", [koha_row(1), koha_row(2)]))
    assert not report.written and "run the import again" in report.errors[-1]
    assert Patron.objects.count() == 0


def test_an_update_cannot_make_a_card_expire_before_it_was_issued(tmp_path):
    _import(write_koha(tmp_path / "p.csv", [koha_row(1)]))  # enrolled 2024-05-01
    slim = ("cardnumber", "surname", "firstname", "branchcode", "dateexpiry")
    path = write_koha(tmp_path / "q.csv", [koha_row(1, dateexpiry="2023-01-01")], columns=slim)
    report = _import(path)
    assert report.errors == [
        "line 2: the expiry date would fall before the patron's enrolment date"
    ]
    assert (report.refused, report.updated, report.written) == (1, 0, False)
    assert patron_by_card("29000000000001").expires_on == dt.date(2027, 5, 1)
