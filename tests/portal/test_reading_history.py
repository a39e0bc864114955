"""My reading history: off by default; on keeps from now; off deletes, after asking."""

import datetime as dt

import pytest
from django.utils import timezone

from custodian import door
from custodian.accounts.models import Role
from custodian.audit.models import AuditEntry
from custodian.records.models import Item, PastLoan, Patron
from custodian.words import day, when
from tests.door import library
from tests.door.audit_helpers import as_text
from tests.portal.signin import signed_in

pytestmark = pytest.mark.django_db

HISTORY = "/my/reading-history/"


@pytest.fixture
def director(main_branch):
    return library.staff(Role.DIRECTOR, "director", at=main_branch)


def _borrow_and_return(clerk, patron, barcode, title):
    """At the desk, through the door, as staff do it."""
    library.item(barcode, title)
    staff = door.Reader.staff(clerk)
    door.check_out(reader=staff, patron_ref=patron.ref, item_barcode=barcode)
    door.check_in(reader=staff, item_barcode=barcode)


def _history_entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def test_off_by_default_and_never_turned_on(client, rosalind):
    signed_in(client, rosalind)
    page = client.get(HISTORY).content.decode()
    assert "Your reading history is off." in page
    assert "It has never been turned on." in page
    assert "Turn reading history on" in page


def test_turning_it_on_records_the_choice_its_date_and_an_audit_entry(client, rosalind):
    signed_in(client, rosalind)
    client.post(HISTORY, {"keep": "on"})
    rosalind.refresh_from_db()
    assert rosalind.keeps_reading_history is True
    assert rosalind.reading_history_changed_at is not None
    assert timezone.now() - rosalind.reading_history_changed_at < dt.timedelta(minutes=5)
    (entry,) = _history_entries("portal.reading_history_on")
    assert (entry.actor, entry.role, entry.patron_ref) == ("patron", "patron", str(rosalind.ref))
    assert entry.fields == ["history.titles", "history.deleted.0"]
    page = client.get(HISTORY).content.decode()
    assert "Your reading history is on." in page
    assert f"It has been on since {when(rosalind.reading_history_changed_at)}." in page


def test_on_keeps_what_is_returned_from_now_not_before(client, rosalind, clerk):
    _borrow_and_return(clerk, rosalind, "3900000000050", "Returned Before Opting In")
    signed_in(client, rosalind)
    client.post(HISTORY, {"keep": "on"})
    _borrow_and_return(clerk, rosalind, "3900000000051", "A Book Worth Remembering")
    page = client.get(HISTORY).content.decode()
    assert "A Book Worth Remembering" in page
    assert "Returned Before Opting In" not in page
    past = PastLoan.objects.get(patron=rosalind)
    assert day(past.checked_out_at) in page and day(past.returned_at) in page
    assert "1 title is kept." in page


def test_off_asks_first_then_deletes_and_the_desk_sees_none(client, rosalind, clerk, director):
    signed_in(client, rosalind)
    client.post(HISTORY, {"keep": "on"})
    _borrow_and_return(clerk, rosalind, "3900000000052", "First Kept Title")
    _borrow_and_return(clerk, rosalind, "3900000000053", "Second Kept Title")

    # The director's desk view shows the history while it is kept.
    staff_client = type(client)()
    staff_client.force_login(director)
    desk_page = staff_client.get(f"/desk/patron/{rosalind.ref}/").content.decode()
    assert "First Kept Title" in desk_page

    # Asking first: nothing is deleted until the patron confirms.
    confirm = client.post(HISTORY, {"keep": "off"}).content.decode()
    assert "This deletes the 2 titles kept. This cannot be undone." in confirm
    assert PastLoan.objects.filter(patron=rosalind).count() == 2
    assert Patron.objects.get(pk=rosalind.pk).keeps_reading_history

    page = client.post(HISTORY, {"keep": "off", "confirm": "yes"}, follow=True).content.decode()
    assert "Your reading history is off. 2 titles were deleted." in page
    assert "First Kept Title" not in page
    assert not PastLoan.objects.filter(patron=rosalind).exists()
    rosalind.refresh_from_db()
    assert rosalind.keeps_reading_history is False
    assert (
        f"It has been off since {when(rosalind.reading_history_changed_at)}, when you turned it off."
        in page
    )
    (entry,) = _history_entries("portal.reading_history_off")
    assert entry.fields == ["history.titles", "history.deleted.2"]
    assert "Kept Title" not in as_text(entry)

    desk_page = staff_client.get(f"/desk/patron/{rosalind.ref}/").content.decode()
    assert "First Kept Title" not in desk_page and "Second Kept Title" not in desk_page
    assert "has not asked the library to keep a reading history" in desk_page
    # The items are still in the catalogue; only their link to her is gone.
    assert Item.objects.filter(barcode="3900000000052").exists()


def test_the_history_is_paged(client, rosalind, main_branch):
    Patron.objects.filter(pk=rosalind.pk).update(keeps_reading_history=True)
    start = timezone.now() - dt.timedelta(days=100)
    for n in range(30):
        item = library.item(f"39000000010{n:02d}", f"Title number {n:02d}", at=main_branch)
        out = start + dt.timedelta(days=n)
        PastLoan.objects.create(
            patron=rosalind, item=item, checked_out_at=out, returned_at=out + dt.timedelta(days=2)
        )
    signed_in(client, rosalind)
    first = client.get(HISTORY).content.decode()
    assert "Title number 29" in first and "Title number 05" in first
    assert "Title number 04" not in first and "Page 1 of 2" in first
    second = client.get(HISTORY + "?page=2").content.decode()
    assert "Title number 04" in second and "Title number 05" not in second
    assert client.get(HISTORY + "?page=x").status_code == 400


def test_each_history_page_is_one_audited_read_of_history(client, rosalind):
    signed_in(client, rosalind)
    before = AuditEntry.objects.count()
    client.get(HISTORY)
    reads = [
        e for e in AuditEntry.objects.order_by("seq")[before:] if set(e.fields) & set(door.FIELDS)
    ]
    assert [(e.actor, e.purpose, e.fields) for e in reads] == [
        ("patron", "own_record", ["history.titles"])
    ]


def test_an_unclear_choice_changes_nothing(client, rosalind):
    signed_in(client, rosalind)
    page = client.post(HISTORY, {"keep": "maybe"}, follow=True).content.decode()
    assert "Choose whether to keep your reading history." in page
    rosalind.refresh_from_db()
    assert rosalind.keeps_reading_history is False and rosalind.reading_history_changed_at is None
