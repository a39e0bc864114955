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


def test_a_due_soon_reminder_neither_names_nor_counts_a_lost_item(settings, main_branch):
    """Another loan due soon starts the reminder; the lost one, due soon too, is not in it."""
    from custodian.circulation import services as circulation
    from tests.door import library
    from tests.notices.test_send import choose

    settings.CUSTODIAN_PROFILE = "sonoma-county"
    patron = library.patron(card_number="21234000077777", home=main_branch)
    now = timezone.now()
    for barcode, title in (("3900000000111", "Still Out Book"), ("3900000000112", "Gone Book")):
        item = library.item(barcode, title, at=main_branch)
        circulation.check_out(patron=patron, item=item, branch=main_branch, now=now, loan_days=2)
    choose(patron, channel="email", titles=True)
    circulation.mark_lost(loan=Loan.objects.get(item__barcode="3900000000112"))

    send_notices(kinds=("due_soon",))

    [message] = mail.outbox
    assert "Still Out Book" in message.body and "Gone Book" not in message.body
    assert "You have 1 item due back soon." in message.body
