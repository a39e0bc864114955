"""The portal's own tables keep their rules in the database, whatever code writes them."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from custodian.portal.models import Concern
from tests.door import library

pytestmark = pytest.mark.django_db

# An unknown status with an answer breaks only the status rule, whichever rule the database checks first.
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def _concern(patron, **kw):
    now = timezone.now()
    return Concern.objects.create(
        patron=patron,
        topic="other",
        message=kw.pop("message", "Why was my record looked at?"),
        created_at=now,
        due_on=(now + dt.timedelta(days=30)).date(),
        **kw,
    )


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("concern_status_known", {"status": "lost", "answer": "Yes.", "answered_at": NOW}),
        ("concern_answered_has_answer", {"status": "answered"}),
        ("concern_answered_has_answer", {"status": "closed", "answer": "Done."}),
        ("concern_has_message", {"message": ""}),
    ],
)
def test_a_concern_breaking_a_rule_is_refused(main_branch, name, fields):
    patron = library.patron(home=main_branch)
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        _concern(patron, **fields)
    assert not Concern.objects.exists()


def test_an_answered_concern_with_its_answer_and_time_is_kept(main_branch):
    patron = library.patron(home=main_branch)
    _concern(patron, status="answered", answer="We checked.", answered_at=timezone.now())
    assert Concern.objects.get().status == "answered"
