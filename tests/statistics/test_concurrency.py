"""Concurrent desks counting into the same cell lose no count (real threads, real commits).

Runs on SQLite (writers queue on the database lock) and, with DATABASE_URL, on PostgreSQL,
where the upsert's row lock is what keeps every count."""

import threading

import pytest
from django.db import connections, transaction
from django.db.models import Sum

from custodian.circulation.services import check_out
from custodian.records.models import Item, Patron
from custodian.statistics import services as statistics
from custodian.statistics.models import Tally
from tests.records.factories import NOW, make_branch, make_item, make_patron

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
EACH = 25


def _race(work, threads):
    barrier = threading.Barrier(threads)
    errors = []

    def run(k):
        try:
            barrier.wait(timeout=60)
            work(k)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
        assert not t.is_alive(), "a desk hung"
    assert errors == []


def test_threads_counting_the_same_cell_lose_nothing():
    branch = make_branch()

    def work(k):
        for _ in range(EACH):
            with transaction.atomic():
                statistics.count("computer_session", branch_id=branch.pk, when=NOW)

    _race(work, THREADS)
    assert Tally.objects.get(act="computer_session").n == THREADS * EACH


def test_desks_checking_out_at_once_count_every_check_out():
    branch = make_branch()
    items = [
        make_item(branch=branch, collection="Adult fiction", item_type="Book") for _ in range(40)
    ]
    patrons = [make_patron() for _ in range(4)]

    def work(k):
        for item in items[k::4]:
            check_out(
                patron=Patron.objects.get(pk=patrons[k].pk),
                item=Item.objects.get(pk=item.pk),
                branch=branch,
                now=NOW,
            )

    _race(work, 4)
    assert Tally.objects.filter(act="checkout").aggregate(s=Sum("n"))["s"] == 40
    assert Tally.objects.filter(act="checkout").count() == 1
