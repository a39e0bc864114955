"""A loan marked lost is billed, not awaited: no overdue reminder for it."""

import pytest
from django.core import mail
from django.utils import timezone

from custodian.notices.services import send_notices
from custodian.records.models import Item, Loan

pytestmark = pytest.mark.django_db


def test_no_overdue_notice_for_an_item_marked_lost(settings, rosalind):
    settings.CUSTODIAN_PROFILE = "sonoma-county"
    today = timezone.localdate()
    overdue = list(
        Loan.objects.filter(patron=rosalind, due_on__lt=today).values_list("item_id", flat=True)
    )
    assert overdue  # the fixture has an overdue loan
    Item.objects.filter(pk__in=overdue).update(status=Item.Status.LOST)
    summary = send_notices(kinds=("overdue",))
    assert mail.outbox == []
    assert not summary.sent
