"""What a re-import may and may not change: the patron's own reading-history choice, a card
reported lost or a restriction in the system being left, and the record of what changed."""

import datetime as dt
import os
import stat

import pytest

from custodian.accounts.models import Role
from custodian.audit.models import AuditEntry
from custodian.interchange.patron_import import import_file
from custodian.records.models import Branch, PastLoan, Patron
from tests.door.library import staff
from tests.interchange.patron_files import koha_row, read_csv, run, write_koha
from tests.records.factories import make_item

pytestmark = pytest.mark.django_db

HISTORY = "cardnumber,barcode,issuedate,returndate\n"
LOAN = "29000000000001,31000000000001,2025-01-02,2025-01-20\n"


@pytest.fixture(autouse=True)
def branch():
    Branch.objects.create(code="CEN", name="Central")
    make_item(barcode="31000000000001")


def _patrons(tmp_path, *rows):
    return write_koha(tmp_path / "p.csv", list(rows))


def test_the_librarys_default_privacy_leaves_an_opted_in_patrons_history_alone(tmp_path):
    history = tmp_path / "h.csv"
    history.write_text(HISTORY + LOAN)
    import_file(path=_patrons(tmp_path, koha_row(1, privacy="0")), history_path=history)
    assert PastLoan.objects.count() == 1
    # Koha's 1 is the library's default, not the patron's choice: nothing changes.
    again = import_file(path=_patrons(tmp_path, koha_row(1, privacy="1"))).report
    assert (again.updated, again.unchanged) == (0, 1)
    patron = Patron.objects.get()
    assert patron.keeps_reading_history and PastLoan.objects.count() == 1
    # Only 2 ("never") is the patron's opt-out, and it deletes what was kept.
    assert import_file(path=_patrons(tmp_path, koha_row(1, privacy="2"))).report.updated == 1
    assert not Patron.objects.get().keeps_reading_history and PastLoan.objects.count() == 0


def test_duplicate_lines_in_a_history_file_are_one_loan(tmp_path):
    history = tmp_path / "h.csv"
    history.write_text(HISTORY + LOAN + LOAN)
    report = import_file(
        path=_patrons(tmp_path, koha_row(1, privacy="0")), history_path=history
    ).report
    assert report.history_added == 1 and PastLoan.objects.count() == 1


def test_a_card_reported_lost_or_a_restriction_comes_across(tmp_path):
    future = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    past = (dt.date.today() - dt.timedelta(days=90)).isoformat()
    rows = [
        koha_row(1, lost="1"),
        koha_row(2, debarred=future),
        koha_row(3, debarred=past),
        koha_row(4, lost="0"),
    ]
    assert import_file(path=_patrons(tmp_path, *rows)).report.created == 4
    status = {p.card_number[-1]: p.status for p in Patron.objects.all()}
    assert status == {"1": "card_lost", "2": "blocked", "3": "active", "4": "active"}


def test_a_bad_restriction_date_is_a_numbered_error_and_nothing_is_written(tmp_path):
    report = import_file(path=_patrons(tmp_path, koha_row(1, debarred="someday"))).report
    assert report.errors == ["line 2: the restriction end date (debarred) someday is not a date"]
    assert Patron.objects.count() == 0


def test_an_update_is_on_the_patrons_own_record_with_field_names_only(tmp_path):
    import_file(path=_patrons(tmp_path, koha_row(1)))
    patron = Patron.objects.get()
    import_file(path=_patrons(tmp_path, koha_row(1, surname="Brightwater", lost="1")))
    entry = AuditEntry.objects.get(action="import", patron_ref=str(patron.ref))
    assert set(entry.fields) == {
        "import.changed.last_name",
        "import.changed.status",
        "import.changed.status_since",
    }
    assert "Brightwater" not in repr(entry.fields)


def test_the_export_file_is_readable_by_its_owner_only(tmp_path):
    import_file(path=_patrons(tmp_path, koha_row(1)))
    staff(Role.DIRECTOR, "director")
    out = tmp_path / "out.csv"
    old = os.umask(0o022)
    try:
        assert run("export", "patrons", "--as", "director", "--output", out).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not (tmp_path / "out.csv.part").exists()
    assert [r["cardnumber"] for r in read_csv(out)] == ["29000000000001"]
