"""`purge`: batches, one audit entry per batch with counts only, dry run, --before,
--category, resuming after an interruption, legal holds."""

import datetime as dt

import pytest

from custodian.audit.models import AuditEntry
from custodian.audit.services import verify_log
from custodian.records.models import PastLoan, SearchRecord
from custodian.retention import services
from custodian.retention.models import PurgeRun
from custodian.retention.services import UnknownCategory, purge
from tests.records.factories import NOW, make_patron
from tests.retention import rows

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.timedelta(days=1)
OLD = NOW - 2000 * DAY  # past every category's period


@pytest.fixture
def reader():
    return make_patron(keeps_reading_history=True)


def _history(patron, n, at=OLD):
    return [rows.reading_history(at, patron=patron) for _ in range(n)]


def test_a_dry_run_counts_and_changes_nothing(reader):
    _history(reader, 3)
    rows.searches(OLD)
    before = AuditEntry.objects.count()

    result = purge(now=NOW, dry_run=True)

    counts = {c.name: c.rows for c in result.categories}
    assert counts["reading_history"] == 3 and counts["searches"] == 1
    assert result.dry_run and result.run_id is None and result.audit_seqs == ()
    assert PastLoan.objects.count() == 3
    assert SearchRecord.objects.filter(patron__isnull=False).count() == 1
    assert AuditEntry.objects.count() == before
    assert not PurgeRun.objects.exists()


def test_one_audit_entry_per_batch_with_counts_only(reader):
    loans = _history(reader, 5)
    before = AuditEntry.objects.count()

    result = purge(now=NOW, categories=["reading_history"], batch_size=2)

    entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.fields for e in entries] == [
        ["retention.reading_history.2"],
        ["retention.reading_history.2"],
        ["retention.reading_history.1"],
    ]
    assert [e.seq for e in entries] == list(result.audit_seqs)
    for entry in entries:
        assert (entry.action, entry.actor, entry.patron_ref) == ("purge", "custodian-purge", "")
        # Counts, never a row's content or whose it was.
        for secret in (str(reader.ref), reader.card_number, loans[0].item.title):
            assert secret not in entry.body
    assert verify_log().ok
    assert not PastLoan.objects.exists()


def test_before_purges_only_records_whose_business_ended_before_that_day(reader):
    older = _history(reader, 2, at=NOW - 3000 * DAY)
    newer = _history(reader, 1, at=NOW - 1500 * DAY)
    cut = (NOW - 2000 * DAY).date()

    result = purge(now=NOW, categories=["reading_history"], before=cut)

    assert result.total == 2
    assert set(PastLoan.objects.values_list("pk", flat=True)) == {newer[0].pk}
    assert not PastLoan.objects.filter(pk__in=[r.pk for r in older]).exists()


def test_before_never_purges_what_is_still_inside_its_period(reader):
    recent = _history(reader, 1, at=NOW - 10 * DAY)  # reading history: years, not days
    result = purge(now=NOW, categories=["reading_history"], before=NOW.date())
    assert result.total == 0 and PastLoan.objects.filter(pk=recent[0].pk).exists()


def test_category_limits_the_run(reader):
    _history(reader, 1)
    search = rows.searches(OLD)
    result = purge(now=NOW, categories=["searches"])
    assert [c.name for c in result.categories] == ["searches"]
    assert PastLoan.objects.count() == 1
    search.refresh_from_db()
    assert search.patron_id is None


def test_an_unknown_category_is_refused_naming_the_choices_before_anything_changes(reader):
    _history(reader, 1)
    before = AuditEntry.objects.count()
    with pytest.raises(UnknownCategory, match="No retention category nonsense; choose from "):
        purge(now=NOW, categories=["reading_history", "nonsense"])
    assert PastLoan.objects.count() == 1 and AuditEntry.objects.count() == before
    assert not PurgeRun.objects.exists()


def test_an_interrupted_run_is_finished_by_the_next_with_nothing_done_twice(reader, monkeypatch):
    loans = _history(reader, 7)
    applied = []
    real = services._apply

    def flaky(category, rule, batch, *, now):
        ids = list(batch.values_list("pk", flat=True))
        if len(applied) == 1:  # the second batch dies half-way (the process is killed)
            real(category, rule, batch, now=now)
            raise KeyboardInterrupt
        applied.append(ids)
        return real(category, rule, batch, now=now)

    monkeypatch.setattr(services, "_apply", flaky)
    before = AuditEntry.objects.count()
    with pytest.raises(KeyboardInterrupt):
        purge(now=NOW, categories=["reading_history"], batch_size=3)

    # The first batch happened whole; the second not at all (its transaction rolled back).
    assert PastLoan.objects.count() == 4
    run = PurgeRun.objects.get()
    assert run.status == "running"
    assert run.progress["reading_history"]["done"] == 3
    assert AuditEntry.objects.filter(seq__gt=before).count() == 1

    monkeypatch.setattr(services, "_apply", lambda *a, **k: (applied.append(
        list(a[2].values_list("pk", flat=True))), real(*a, **k))[1])  # fmt: skip
    result = purge(now=NOW, categories=["reading_history"], batch_size=3)

    assert result.resumed and result.run_id == run.pk
    assert not PastLoan.objects.exists()
    done = [pk for batch in applied for pk in batch]
    assert sorted(done) == sorted(r.pk for r in loans)  # each row exactly once
    assert len(done) == len(set(done))
    assert result.categories[0].rows == 7  # the summary counts the first run's batch too
    fields = [e.fields for e in AuditEntry.objects.filter(seq__gt=before).order_by("seq")]
    assert fields == [["retention.reading_history.3"]] * 2 + [["retention.reading_history.1"]]
    run.refresh_from_db()
    assert run.status == "finished" and run.finished_at is not None
    # A fresh run afterwards starts anew and finds nothing.
    again = purge(now=NOW, categories=["reading_history"])
    assert not again.resumed and again.total == 0


def test_a_run_with_other_options_supersedes_an_unfinished_one(reader, monkeypatch):
    _history(reader, 2)
    monkeypatch.setattr(services, "_apply", lambda *a, **k: (_ for _ in ()).throw(RuntimeError))
    with pytest.raises(RuntimeError):
        purge(now=NOW, categories=["reading_history"])
    monkeypatch.undo()
    result = purge(now=NOW)
    assert not result.resumed
    assert list(PurgeRun.objects.order_by("pk").values_list("status", flat=True)) == [
        "superseded",
        "finished",
    ]


def test_held_rows_are_skipped_and_counted_sealed_ones_separately(reader):
    other = make_patron(keeps_reading_history=True)
    sealed_one = make_patron(keeps_reading_history=True)
    _history(reader, 2)
    _history(other, 3)
    _history(sealed_one, 1)
    rows.place_hold(reader, categories=["reading_history"])
    rows.place_hold(sealed_one, sealed=True)  # every category

    dry = purge(now=NOW, categories=["reading_history"], dry_run=True)
    result = purge(now=NOW, categories=["reading_history"])

    for r in (dry, result):
        [c] = r.categories
        assert (c.rows, c.held, c.held_sealed) == (3, 2, 1)
    assert PastLoan.objects.filter(patron=reader).count() == 2
    assert PastLoan.objects.filter(patron=sealed_one).count() == 1
    assert not PastLoan.objects.filter(patron=other).exists()


def test_a_hold_keeps_only_the_records_in_its_range_and_categories(reader):
    inside = rows.reading_history(NOW - 2000 * DAY, patron=reader)
    outside = rows.reading_history(NOW - 3000 * DAY, patron=reader)
    search = rows.searches(OLD, patron=reader)
    day = (NOW - 2000 * DAY).date()
    rows.place_hold(
        reader,
        categories=["reading_history"],
        records_from=day - 30 * DAY,
        records_until=day,
    )
    purge(now=NOW, categories=["reading_history", "searches"])
    assert PastLoan.objects.filter(pk=inside.pk).exists()
    assert not PastLoan.objects.filter(pk=outside.pk).exists()
    search.refresh_from_db()
    assert search.patron_id is None  # the hold names reading history only


def test_a_released_hold_keeps_nothing(reader):
    _history(reader, 1)
    hold = rows.place_hold(reader)
    hold.released_at, hold.released_by, hold.release_reason = NOW, rows.staff(), "Case closed"
    hold.save()
    assert purge(now=NOW, categories=["reading_history"]).total == 1


def test_held_footage_and_cases_are_kept(reader):
    footage = rows.video(OLD, patron=reader)
    case = rows.cases(OLD, patron=reader)
    free = rows.video(OLD)
    rows.place_hold(reader, categories=["video", "cases"])
    result = purge(now=NOW, categories=["video", "cases"])
    held = {c.name: (c.rows, c.held) for c in result.categories}
    assert held == {"video": (1, 1), "cases": (0, 1)}
    assert type(footage).objects.filter(pk=footage.pk).exists()
    assert not type(free).objects.filter(pk=free.pk).exists()
    case.request.refresh_from_db()
    assert case.request.patron_ref == reader.ref


def test_an_expired_card_is_erased_unless_held_or_items_are_out():
    from custodian.circulation.services import check_out
    from custodian.records.models import Patron
    from tests.records.factories import make_item

    long_ago = (NOW - 800 * DAY).date()
    gone = rows.registration(long_ago)
    held = rows.registration(long_ago)
    borrowing = rows.registration(long_ago)
    rows.place_hold(held, categories=["reading_history"])  # any hold stops erasure
    item = make_item()
    Patron.objects.filter(pk=borrowing.pk).update(expires_on=NOW.date() + 30 * DAY)
    check_out(patron=Patron.objects.get(pk=borrowing.pk), item=item, branch=item.branch, now=NOW)
    Patron.objects.filter(pk=borrowing.pk).update(expires_on=long_ago)

    result = purge(now=NOW, categories=["registration"])

    [c] = result.categories
    assert (c.rows, c.held, c.blocked) == (1, 1, 1)
    assert not Patron.objects.filter(pk=gone.pk).exists()
    assert Patron.objects.filter(pk__in=[held.pk, borrowing.pk]).count() == 2
    erase = AuditEntry.objects.filter(action="erase").get()
    assert erase.patron_ref == str(gone.ref) and "reason.card_expired" in erase.fields


@pytest.mark.parametrize(
    "values",
    [
        {"status": "done"},  # purge_run_status_known
        {"status": "finished"},  # purge_run_finished_when_done: finished needs its time
        {"status": "running", "finished_at": NOW},  # ... and a running one has none
        {"status": "finished", "finished_at": NOW - 2 * DAY},  # finished before it started
    ],
)
def test_the_database_refuses_a_run_record_that_contradicts_itself(values):
    from django.db import IntegrityError, transaction

    base = dict(profile="sonoma-county", started_at=NOW - DAY, as_of=NOW - DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        PurgeRun.objects.create(**base, **values)
    PurgeRun.objects.create(**base, status="finished", finished_at=NOW)  # a good one is fine


def test_batches_grow_while_quick_and_shrink_when_slow():
    from custodian.retention.services import MIN_ADAPTIVE, TARGET_SECONDS, _next_size

    assert _next_size(10_000, TARGET_SECONDS / 10, 1_000_000) == 20_000
    assert _next_size(640_000, 0.01, 1_000_000) == 1_000_000  # never past the ceiling
    assert _next_size(10_000, TARGET_SECONDS * 0.75, 1_000_000) == 10_000  # about right
    assert _next_size(10_000, TARGET_SECONDS * 4, 1_000_000) == 5_000
    assert _next_size(MIN_ADAPTIVE, 5.0, 1_000_000) == MIN_ADAPTIVE  # never below the floor
    assert _next_size(3, 0.0, 1_000_000) == 3  # a small size is taken as given


def test_a_large_run_grows_its_batches_and_still_removes_each_row_once(reader):
    loans = _history(reader, 1_500)
    result = purge(now=NOW, categories=["reading_history"], batch_size=500)
    assert result.total == 1_500 and not PastLoan.objects.exists()
    assert result.batches <= 3  # 500, then (quick) 1,000
    assert len(loans) == 1_500


def test_between_batches_a_waiting_desk_gets_its_turn_on_sqlite(monkeypatch, reader):
    """SQLite has one writer and a waiting one sleeps up to 100 ms between tries: the purge
    steps aside after every batch while another connection is writing, and after every
    HOLD_BEFORE_STEPPING_ASIDE seconds of lock when none is. PostgreSQL locks rows: never."""
    import sqlite3

    from django.db import connection

    stepped = []
    monkeypatch.setattr(services, "_step_aside", lambda: stepped.append(1))
    turns = services._Turns()
    if connection.vendor != "sqlite":
        turns.after_batch(5.0)
        assert stepped == []
        return
    assert services.STEP_ASIDE_SECONDS > 0.1  # longer than SQLite's longest sleep
    turns.after_batch(0.01)
    assert stepped == []  # alone and brief: straight on to the next batch
    desk = sqlite3.connect(connection.settings_dict["NAME"])
    desk.execute(  # a change (an unchanged row is not written at all)
        "UPDATE records_patron SET keeps_reading_history = 0 WHERE id = ?", [reader.pk]
    )
    desk.commit()
    desk.close()
    turns.after_batch(0.01)
    assert stepped == [1]  # someone else committed: they get a turn after every batch
    turns.after_batch(0.01)
    assert stepped == [1]  # nobody since
    turns.after_batch(services.HOLD_BEFORE_STEPPING_ASIDE * 0.6)
    assert stepped == [1]
    turns.after_batch(services.HOLD_BEFORE_STEPPING_ASIDE * 0.6)
    assert stepped == [1, 1]  # the lock held long enough in all: a turn anyway
