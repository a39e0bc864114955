"""`append_access` (the door's append) and `raw_cursor`, the driver cursor of the hot paths."""

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from custodian.audit import canonical, services
from tests.audit import helpers as h

pytestmark = pytest.mark.django_db

ENTRY = dict(
    actor="desk1",
    role="desk",
    purpose="library_business",
    patron_ref=h.PATRONS[0],
    fields=["loans.due_dates"],
    outcome="release",
    clauses=["sonoma-4.2"],
)


def test_append_access_writes_what_record_access_writes():
    first = services.record_access(**ENTRY, action="check_out")
    seq = services.append_access(**ENTRY, action="check_out")
    assert seq == first.seq + 1
    a, b = canonical.decode_body(first.body), canonical.decode_body(h.body(seq))
    assert b[canonical.PREV_HASH] == canonical.entry_hash(first.body)
    for i in (canonical.ACTOR, canonical.ACTION, canonical.PATRON_REF, canonical.FIELDS):
        assert a[i] == b[i]
    assert services.verify_log().ok


@pytest.mark.parametrize(
    "change", [{"oops": 1}, {"actor": None}], ids=["unknown keyword", "missing keyword"]
)
def test_append_access_takes_exactly_record_access_keywords(change):
    entry = {**ENTRY, **change}
    entry = {k: v for k, v in entry.items() if v is not None}
    with pytest.raises(TypeError):
        services.append_access(**entry)
    assert services.verify_log().count == 0


def test_raw_cursor_logs_while_django_does_and_wraps_errors():
    with CaptureQueriesContext(connection) as queries, services.raw_cursor(connection) as cursor:
        assert cursor.db is connections["default"]  # not the thread-local proxy
        cursor.execute("SELECT %s", [1])
        assert cursor.fetchall() == [(1,)]
    assert [q["sql"] for q in queries] == [
        "SELECT ?" if connection.vendor == "sqlite" else "SELECT %s"
    ]
    with services.raw_cursor(connection) as cursor:
        with pytest.raises(DatabaseError) as caught:
            cursor.execute("SELECT * FROM no_such_table")
        assert type(caught.value).__module__ == "django.db.utils"


def test_raw_cursor_refuses_a_transaction_marked_for_rollback():
    with transaction.atomic(), services.raw_cursor(connection) as cursor:
        cursor.execute("SELECT 1")
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            cursor.execute("SELECT 1")
