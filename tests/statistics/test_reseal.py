"""PostgreSQL: after `reseal()` the tally rows no longer show which was counted last."""

import pytest
from django.db import connection

from custodian.statistics import services as statistics
from custodian.statistics.models import Tally
from tests.records.factories import NOW, make_branch

pytestmark = pytest.mark.django_db(transaction=True)


def _xmins():
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM statistics_tally ORDER BY ctid")
        return [r[0] for r in cursor.fetchall()]


def test_reseal_gives_every_row_one_transaction_and_keeps_the_counts():
    if connection.vendor != "postgresql":
        assert statistics.reseal() == 0  # SQLite: WITHOUT ROWID, nothing to do
        pytest.skip("the heap's xmin and ctid are PostgreSQL's")
    branch = make_branch()
    for act in ("computer_session", "room_booking", "ill_request", "computer_session"):
        statistics.count(act, branch_id=branch.pk, when=NOW)
    before = dict(Tally.objects.values_list("act", "n"))
    # Each count was its own transaction: the latest-written row is visible.
    assert len(set(_xmins())) == 3
    assert statistics.reseal() == 3
    assert len(set(_xmins())) == 1
    assert (
        dict(Tally.objects.values_list("act", "n"))
        == before
        == {
            "computer_session": 2,
            "room_booking": 1,
            "ill_request": 1,
        }
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT act FROM statistics_tally ORDER BY ctid")
        assert [r[0] for r in cursor.fetchall()] == sorted(before)
