"""Past loans come across only for patrons whose own opt-in is in the patron file."""

import pytest

from custodian.interchange.patron_import import import_file
from custodian.records.models import Branch, PastLoan, Patron
from tests.interchange.patron_files import koha_row, write_koha
from tests.records.factories import make_item

pytestmark = pytest.mark.django_db

HISTORY = "cardnumber,barcode,issuedate,returndate\n"


@pytest.fixture(autouse=True)
def branch():
    Branch.objects.create(code="CEN", name="Central")
    make_item(barcode="31000000000001")


def _history(tmp_path, text: str):
    path = tmp_path / "history.csv"
    path.write_text(HISTORY + text)
    return path


def test_history_of_a_patron_who_did_not_opt_in_is_refused_with_everything_else(tmp_path):
    patrons = write_koha(tmp_path / "p.csv", [koha_row(1, privacy="0"), koha_row(2, privacy="1")])
    history = _history(
        tmp_path,
        "29000000000001,31000000000001,2025-01-02,2025-01-20\n"
        "29000000000002,31000000000001,2025-02-02 10:15:00,2025-02-20 16:00:00\n",
    )
    report = import_file(path=patrons, history_path=history).report
    assert report.errors == [
        "history file, line 3: the patron has not chosen to keep their reading history "
        "(no opt-in in the patron file), so their history is refused"
    ]
    assert not report.written and Patron.objects.count() == 0 and PastLoan.objects.count() == 0


def test_history_of_patrons_who_opted_in_is_kept_once(tmp_path):
    patrons = write_koha(tmp_path / "p.csv", [koha_row(1, privacy="0"), koha_row(2)])
    history = _history(tmp_path, "29000000000001,31000000000001,2025-01-02,2025-01-20\n")
    report = import_file(path=patrons, history_path=history).report
    assert (report.errors, report.history_added) == ([], 1)
    loan = PastLoan.objects.get()
    assert loan.patron.keeps_reading_history and loan.item.barcode == "31000000000001"
    again = import_file(path=patrons, history_path=history).report
    assert (again.history_added, again.history_unchanged, again.written) == (0, 1, False)
    assert PastLoan.objects.count() == 1


def test_history_lines_need_a_known_item_and_sensible_dates(tmp_path):
    patrons = write_koha(tmp_path / "p.csv", [koha_row(1, privacy="0")])
    history = _history(
        tmp_path,
        "29000000000001,39999999999999,2025-01-02,2025-01-20\n"
        "29000000000001,31000000000001,2025-01-22,2025-01-20\n"
        "29000000000009,31000000000001,2025-01-02,2025-01-20\n",
    )
    report = import_file(path=patrons, history_path=history).report
    assert report.errors == [
        "history file, line 3: returned before it was checked out",
        "history file, line 2: no item has the barcode 39999999999999",
        "history file, line 4: the card number is not in the patron file of this run",
    ]
    assert Patron.objects.count() == 0


def test_opting_out_in_a_later_file_deletes_the_history_kept(tmp_path):
    patrons = write_koha(tmp_path / "p.csv", [koha_row(1, privacy="0")])
    history = _history(tmp_path, "29000000000001,31000000000001,2025-01-02,2025-01-20\n")
    import_file(path=patrons, history_path=history)
    assert PastLoan.objects.count() == 1
    out = write_koha(tmp_path / "q.csv", [koha_row(1, privacy="2")])
    assert import_file(path=out).report.updated == 1
    assert PastLoan.objects.count() == 0
    assert not Patron.objects.get().keeps_reading_history
