"""`custodian export patrons --format koha`: through the door, audited per patron, and a
round trip with the import."""

import pytest

from custodian.accounts.models import Role
from custodian.audit.models import AuditEntry
from custodian.door import Reader
from custodian.door.exports import ExportRefused, export_patrons, export_reader
from custodian.interchange.patron_import import import_file
from custodian.interchange.patrons import ADDRESS_PARTS
from custodian.records.models import Branch, Patron
from tests.door.library import staff
from tests.interchange.patron_files import EXAMPLES, koha_row, read_csv, run, write_koha

pytestmark = pytest.mark.django_db

# The Koha columns Custodian keeps, compared as they are.
KEPT = (
    "cardnumber",
    "surname",
    "firstname",
    *ADDRESS_PARTS,
    "email",
    "phone",
    "dateofbirth",
    "branchcode",
    "dateenrolled",
    "dateexpiry",
)


@pytest.fixture(autouse=True)
def branches():
    for code in ("CEN", "B01", "B02"):
        Branch.objects.create(code=code, name=f"{code} Library")


def test_a_desk_clerk_may_not_export_and_the_attempt_is_on_record():
    staff(Role.DESK, "clerk")
    with pytest.raises(ExportRefused):
        export_reader("clerk")
    assert AuditEntry.objects.filter(actor="clerk", action="denied").count() == 1
    result = run("export", "patrons", "--as", "clerk")
    assert result.exit_code == 2
    assert "Only the library director" in result.output and "Nothing was exported" in result.output
    with pytest.raises(ExportRefused):
        list(export_patrons(reader=Reader.staff(staff(Role.BRANCH_MANAGER, "manager"))))
    assert run("export", "patrons", "--as", "nobody").exit_code == 2


def test_each_patron_exported_is_read_through_the_door_and_audited(tmp_path):
    import_file(path=write_koha(tmp_path / "p.csv", [koha_row(n) for n in range(1, 4)]))
    staff(Role.DIRECTOR, "director")
    out = tmp_path / "out.csv"
    result = run("export", "patrons", "--as", "director", "--output", out)
    assert result.exit_code == 0, result.output
    assert "Exported 3 patron(s)" in result.output
    entries = AuditEntry.objects.filter(action="export")
    assert entries.count() == 3
    refs = {str(p.ref) for p in Patron.objects.all()}
    assert {e.patron_ref for e in entries} == refs
    assert {(e.actor, e.role, e.purpose, e.outcome) for e in entries} == {
        ("director", "director", "library_business", "release")
    }
    # The patron sees it in "Who has looked at my record".
    from custodian.portal.selectors_looked import page_of_looks

    one = Patron.objects.order_by("pk").first()
    _, looks = page_of_looks(patron_ref=one.ref, page=1, show_staff_names=False)
    assert [(look.action, look.role) for look in looks] == [("export", "director")]
    rows = read_csv(out)
    assert [r["cardnumber"] for r in rows] == [f"2900000000{n:04d}" for n in range(1, 4)]
    assert {r["password"] for r in rows} == {""}  # no PIN leaves, not even as a hash


def test_the_sample_file_round_trips(tmp_path):
    source = EXAMPLES / "koha-patrons.csv"
    assert import_file(path=source).report.created == 300
    staff(Role.DIRECTOR, "director")
    out = tmp_path / "export.csv"
    assert run("export", "patrons", "--as", "director", "--output", out).exit_code == 0
    before = {r["cardnumber"]: r for r in read_csv(source)}
    after = {r["cardnumber"]: r for r in read_csv(out)}
    assert after.keys() == before.keys()
    for card, row in before.items():
        for column in KEPT:
            assert after[card][column] == row[column], (card, column)
        # Only "keep forever" is an opt-in; the export writes "never" for everyone else.
        assert after[card]["privacy"] == ("0" if row["privacy"] == "0" else "2")
    # The export imported again changes nothing.
    again = import_file(path=out).report
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 300, [])
