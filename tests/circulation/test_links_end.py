"""Issue 7, finding 2: no record ties a patron to a title, search, session or booking once
its business is done (unless the patron opted in to reading history).

The attack: after a patron has used the library, read every table in the database, every
column, and look for a row that holds the patron (their id in a column that points at
patrons, or their ref or card number anywhere in the text) together with anything that says
what they read, asked or used (a column pointing at an item, search, session, booking or
interlibrary loan, or the text of a title, query or workstation they used).
"""

import datetime as dt
import uuid

import pytest
from django.db import connection

from custodian.audit.models import AuditEntry
from custodian.circulation.services import (
    book_room,
    cancel_hold,
    check_in,
    check_out,
    end_computer_session,
    expire_holds,
    fill_hold,
    pay,
    place_hold,
    record_search,
    request_ill,
    set_ill_status,
    set_reading_history,
    start_computer_session,
)
from custodian.records.models import (
    Charge,
    ComputerSession,
    Hold,
    InterlibraryLoanRequest,
    PastLoan,
    RoomBooking,
    SearchRecord,
)
from custodian.retention.services import purge
from tests.records.factories import NOW, make_branch, make_item, make_patron, make_room

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.timedelta(days=1)
T0 = NOW - 40 * DAY
# Tables whose rows say what a patron read, asked or used: a non-null pointer at one of them
# is a "title" column.
WHAT_TABLES = {
    "records_item",
    "records_searchrecord",
    "records_computersession",
    "records_roombooking",
    "records_interlibraryloanrequest",
}


def _tables():
    """Every table, with its rows as {column: value} and which columns point at which table.

    Column names come from the query itself: Django's SQLite introspection cannot describe a
    WITHOUT ROWID table (records_circulationcount), though it lists its foreign keys."""
    intro = connection.introspection
    with connection.cursor() as cursor:
        for table in intro.table_names(cursor):
            # {column: (referenced column, referenced table, ...)}
            pointers = {c: spec[1] for c, spec in intro.get_relations(cursor, table).items()}
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            yield table, rows, pointers


def rows_linking(patron, *, secrets):
    """(table, row) for every row, in every table, that holds this patron together with
    anything they read, asked or used. `secrets`: texts only the patron's use produced."""
    marks = {str(patron.ref), patron.ref.hex, patron.card_number}
    found = []
    for table, rows, pointers in _tables():
        for values in rows:
            # PostgreSQL hands uuid columns back as UUID objects.
            texts = [str(v) for v in values.values() if isinstance(v, str | uuid.UUID)]
            has_patron = any(
                pointers.get(c) == "records_patron" and v == patron.pk for c, v in values.items()
            ) or any(mark in text for mark in marks for text in texts)
            # A row of a search, session, booking or request is itself what was used.
            has_what = (
                table in WHAT_TABLES
                or any(pointers.get(c) in WHAT_TABLES and v is not None for c, v in values.items())
                or any(secret in text for secret in secrets for text in texts)
            )
            if has_patron and has_what:
                found.append((table, values))
    return found


@pytest.fixture
def branch():
    return make_branch()


def _walk(patron, branch):
    """A patron's month at the library: holds, interlibrary loans, fines, a computer, a
    search, a room. Returns the texts that would give away what they used."""
    other = make_patron()
    secrets = []

    def item(name):
        made = make_item(branch=branch, title=f"Secret title {name} {patron.pk}")
        secrets.append(made.title)
        return made

    # A hold placed, filled (the patron borrows the item), and the item returned.
    held = item("held")
    check_out(patron=other, item=held, branch=branch, now=T0)
    hold = place_hold(patron=patron, item=held, pickup_branch=branch, now=T0)
    check_in(item=held, branch=branch, now=T0 + DAY)  # to the hold shelf for the patron
    fill_hold(hold=Hold.objects.get(pk=hold.pk), branch=branch, now=T0 + 2 * DAY)
    check_in(item=held, branch=branch, now=T0 + 5 * DAY)
    # A hold cancelled.
    wanted = item("cancelled")
    check_out(patron=other, item=wanted, branch=branch, now=T0)
    cancel_hold(
        hold=place_hold(patron=patron, item=wanted, pickup_branch=branch, now=T0), now=T0 + DAY
    )
    # A hold never picked up.
    place_hold(patron=patron, item=item("expired"), pickup_branch=branch, now=T0)
    assert expire_holds(now=T0 + 10 * DAY) == 1
    # Two interlibrary loans: one read and returned, one cancelled.
    returned = request_ill(patron=patron, title=f"Secret ILL returned {patron.pk}", now=T0)
    for status in ("shipped", "received", "returned"):
        set_ill_status(request=returned, status=status)
    cancelled = request_ill(patron=patron, title=f"Secret ILL cancelled {patron.pk}", now=T0)
    set_ill_status(request=cancelled, status="cancelled")
    secrets += [returned.title, cancelled.title]
    # Two items back late: one fine paid, one waived.
    for name, method in (("paid", "cash"), ("waived", "waived")):
        late = item(f"late {name}")
        check_out(patron=patron, item=late, branch=branch, now=T0, loan_days=14)
        fine = check_in(item=late, branch=branch, now=T0 + 20 * DAY).charge
        assert fine is not None and fine.item_id == late.pk
        pay(patron=patron, amount=fine.amount, method=method, charge=fine, now=T0 + 21 * DAY)
    # A computer session, a catalogue search and a room booking, all over a month ago.
    workstation = f"WS-SECRET-{patron.pk}"
    session = start_computer_session(branch=branch, workstation=workstation, patron=patron, now=T0)
    end_computer_session(session=session, now=T0 + dt.timedelta(hours=1))
    query = f"secret search {patron.pk}"
    record_search(database="catalogue", query=query, patron=patron, now=T0)
    start = T0 + 3 * DAY
    book_room(room=make_room(branch=branch), patron=patron, starts_at=start, ends_at=start + DAY)
    return secrets + [workstation, query]


def test_the_scan_finds_a_link_while_one_is_alive(branch):
    # The scan is not blind: a current loan, and an open hold, are both found.
    patron = make_patron()
    out = make_item(branch=branch, title="Secret title on loan")
    check_out(patron=patron, item=out, branch=branch, now=NOW)
    found = rows_linking(patron, secrets=[out.title])
    assert {table for table, _ in found} == {"records_loan"}
    place_hold(patron=patron, item=make_item(branch=branch), pickup_branch=branch, now=NOW)
    assert {table for table, _ in rows_linking(patron, secrets=[])} == {
        "records_loan",
        "records_hold",
    }


def test_after_its_business_nothing_in_any_table_ties_the_patron_to_what_they_used(branch):
    patron = make_patron()  # did not opt in to reading history (the default)
    secrets = _walk(patron, branch)
    # Before the retention run, the old session, search and booking still name the patron.
    before = {table for table, _ in rows_linking(patron, secrets=secrets)}
    assert before == {"records_computersession", "records_searchrecord", "records_roombooking"}

    result = purge(now=NOW)

    assert rows_linking(patron, secrets=secrets) == []
    by_name = {c.name: c.rows for c in result.categories}
    assert by_name["computer_sessions"] == by_name["searches"] == by_name["room_bookings"] == 1
    # What statistics and the accounts need stays, anonymous.
    assert Hold.objects.filter(patron__isnull=True, item__isnull=True).count() == 3
    assert InterlibraryLoanRequest.objects.filter(patron__isnull=True).count() == 2
    fines = Charge.objects.filter(patron=patron, kind="overdue")
    assert fines.count() == 2 and not fines.filter(item__isnull=False).exists()
    assert ComputerSession.objects.filter(patron__isnull=True, guest_pass="").count() == 1
    assert SearchRecord.objects.filter(patron__isnull=True).count() == 1
    assert RoomBooking.objects.filter(patron__isnull=True).count() == 1


def test_a_patron_who_keeps_reading_history_keeps_what_opting_in_promises(branch):
    patron = make_patron(keeps_reading_history=True)
    secrets = _walk(patron, branch)
    purge(now=NOW)

    # The promise: the titles they borrowed, here or through interlibrary loan.
    kept = rows_linking(patron, secrets=secrets)
    assert sorted(table for table, _ in kept) == [
        "records_interlibraryloanrequest",
        "records_interlibraryloanrequest",
        *["records_pastloan"] * 3,
    ]
    assert PastLoan.objects.filter(patron=patron).count() == 3
    # Not promised: holds, searches, sessions and bookings are cut for everyone.
    assert not Hold.objects.filter(patron=patron).exists()
    assert not SearchRecord.objects.filter(patron=patron).exists()

    # Opting out takes the kept history with it at once.
    set_reading_history(patron=patron, keep=False)
    assert rows_linking(patron, secrets=secrets) == []


def test_an_open_ill_request_keeps_its_patron_until_it_is_closed(branch):
    patron = make_patron()
    request = request_ill(patron=patron, title="Still on its way", now=T0)
    set_ill_status(request=request, status="shipped")
    purge(now=NOW)
    assert InterlibraryLoanRequest.objects.get(pk=request.pk).patron_id == patron.pk


def test_a_retention_run_writes_audit_entries_with_counts_only(branch):
    patron = make_patron()
    _walk(patron, branch)
    before = AuditEntry.objects.count()

    dry = purge(now=NOW, dry_run=True)
    # A dry run counts and changes nothing, the audit log included.
    assert AuditEntry.objects.count() == before
    assert dry.audit_seqs == () and {c.name: c.rows for c in dry.categories}["searches"] == 1
    assert SearchRecord.objects.filter(patron=patron).exists()

    result = purge(now=NOW)
    # One entry per batch (tests/retention has the batching), each with its count only.
    entries = list(AuditEntry.objects.filter(seq__gt=before, action="purge"))
    assert [e.seq for e in entries] == list(result.audit_seqs)
    for entry in entries:
        assert (entry.action, entry.actor, entry.patron_ref) == ("purge", "custodian-purge", "")
        assert str(patron.ref) not in entry.body and patron.card_number not in entry.body
    assert ["retention.searches.1"] in [e.fields for e in entries]
    # A second run finds nothing left to do.
    again = purge(now=NOW)
    assert [c.rows for c in again.categories if c.name != "circulation_counts"] == [0] * 13


def test_periods_come_from_the_profile(branch, settings):
    settings.CUSTODIAN_PROFILE = "jackson-county"  # computer_sessions_days = 1
    patron = make_patron()
    recent = start_computer_session(branch=branch, workstation="A", patron=patron, now=NOW)
    end_computer_session(session=recent, now=NOW + dt.timedelta(hours=1))
    old = start_computer_session(branch=branch, workstation="B", patron=patron, now=NOW - 3 * DAY)
    end_computer_session(session=old, now=NOW - 3 * DAY + dt.timedelta(hours=1))

    result = purge(now=NOW + 12 * dt.timedelta(hours=1), categories=["computer_sessions"])

    assert [(c.name, c.days, c.rows) for c in result.categories] == [("computer_sessions", 1, 1)]
    assert ComputerSession.objects.get(pk=recent.pk).patron_id == patron.pk
    assert ComputerSession.objects.get(pk=old.pk).patron_id is None


def test_an_unknown_category_is_refused_before_anything_changes(branch):
    patron = make_patron()
    record_search(database="catalogue", query="q", patron=patron, now=T0)
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError, match="No retention category nonsense"):
        purge(now=NOW, categories=["searches", "nonsense"])
    assert SearchRecord.objects.get().patron_id == patron.pk
    assert AuditEntry.objects.count() == before
