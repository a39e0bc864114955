"""Each category's schedule, row by row: a record just inside its period stays, one just past
it is deleted or made anonymous. For every profile, since their periods differ."""

import datetime as dt

import pytest
from django.utils import timezone

from custodian.audit.models import AuditEntry
from custodian.retention import schedule
from custodian.retention.services import purge
from tests.records.factories import NOW
from tests.retention import rows

pytestmark = pytest.mark.django_db

PROFILES = ("sonoma-county", "jackson-county", "jensen-memorial", "westchester")
MINUTE = dt.timedelta(minutes=1)


def _moments(name, days):
    """(just inside the period, just past it) for a record of this category."""
    if name in rows.BY_DAY:
        limit = timezone.localdate(NOW) - dt.timedelta(days=days)
        return limit, limit - dt.timedelta(days=1)
    limit = NOW - dt.timedelta(days=days)
    return limit + MINUTE, limit - MINUTE


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", list(rows.BUILDERS))
def test_a_record_just_inside_its_period_stays_and_one_just_past_it_goes(name, profile, settings):
    settings.CUSTODIAN_PROFILE = profile
    rule = schedule.rules(profile)[name]
    inside_at, past_at = _moments(name, rule.days)
    inside = rows.BUILDERS[name](inside_at)
    past = rows.BUILDERS[name](past_at)

    result = purge(now=NOW, categories=[name])

    assert not rows.dealt_with(name, inside), f"{name}: kept {rule.days} days, went early"
    assert rows.dealt_with(name, past), f"{name}: past {rule.days} days, still there"
    [summary] = result.categories
    assert (summary.name, summary.rows, summary.action, summary.days) == (
        name,
        1,
        rule.action,
        rule.days,
    )
    # And the second run finds nothing left: a stripped row is no longer due.
    assert purge(now=NOW, categories=[name]).total == 0


def test_audit_entries_are_kept_for_good():
    rows.reading_history(NOW - dt.timedelta(days=4000))
    purge(now=NOW, categories=["reading_history"])  # writes an audit entry
    before = AuditEntry.objects.count()
    assert before == 1
    result = purge(now=NOW + dt.timedelta(days=10_000), categories=["audit"])
    [audit] = result.categories
    assert (audit.action, audit.days, audit.rows) == ("keep", None, 0)
    assert AuditEntry.objects.count() == before


def test_a_case_keeps_its_bare_record_and_loses_its_files(django_capture_on_commit_callbacks):
    rule = schedule.rules()["cases"]
    case = rows.cases(NOW - dt.timedelta(days=rule.days + 1))
    scan = case.request.scan
    release = case.releases.get()
    files = [scan, release.pdf, release.json]
    assert all(f.storage.exists(f.name) for f in files)

    with django_capture_on_commit_callbacks(execute=True):
        purge(now=NOW, categories=["cases"])

    case.refresh_from_db()
    assert case.status == "released" and case.closed_at is not None
    assert not any(f.storage.exists(f.name) for f in files)


def test_an_interlibrary_loan_of_a_patron_who_keeps_history_stays_with_them():
    from tests.records.factories import make_patron

    keeper = make_patron(keeps_reading_history=True)
    request = rows.ill(NOW - dt.timedelta(days=400), patron=keeper)
    purge(now=NOW, categories=["ill"])
    request.refresh_from_db()
    assert request.patron_id == keeper.pk
