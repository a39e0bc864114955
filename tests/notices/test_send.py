"""`send_notices`: each notice chosen by dates, composed through the door and the engine
for the patron's channel, sent once, audited with field names only."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from custodian.audit.models import AuditEntry
from custodian.circulation import services as circulation
from custodian.notices.models import SentNotice
from custodian.notices.services import send_notices
from custodian.records.models import Hold, Item, Loan
from tests.door import library

OVERDUE_TITLE = "The Overdue Almanac"


def notice_entries():
    return list(AuditEntry.objects.filter(actor="notices"))


def choose(patron, *, channel="email", titles=False, language=""):
    patron.notice_channel = channel
    patron.titles_in_notices = titles
    patron.preferred_language = language
    patron.save(update_fields=["notice_channel", "titles_in_notices", "preferred_language"])


@pytest.fixture
def jensen(settings):
    settings.CUSTODIAN_PROFILE = "jensen-memorial"
    settings.CUSTODIAN_VOICE_GATEWAY = "{number}@voice.test"
    settings.CUSTODIAN_SMS_GATEWAY = "{number}@sms.test"


@pytest.fixture
def sonoma(settings):
    settings.CUSTODIAN_PROFILE = "sonoma-county"


def test_jensen_phone_message_names_no_title_even_when_opted_in(jensen, rosalind):
    choose(rosalind, channel="phone", titles=True)
    summary = send_notices(kinds=("overdue",))
    assert summary.sent == {("overdue", "phone"): 1}
    [message] = mail.outbox
    assert message.to == ["7075550101@voice.test"]
    assert message.subject.startswith("Phone message")
    assert OVERDUE_TITLE not in message.body and "A Current Novel" not in message.body
    # Regulation 4 lets a message left say that something is overdue, no more.
    assert "overdue" in message.body
    [entry] = notice_entries()
    assert entry.fields == ["overdue.status"]
    assert entry.clauses == ["Regulation 4"]
    assert entry.action == "notice_phone"


def test_sonoma_email_has_titles_only_when_the_patron_opted_in(sonoma, rosalind):
    choose(rosalind, channel="email", titles=True)
    send_notices(kinds=("overdue",))
    [message] = mail.outbox
    assert message.to == ["rq@example.org"]
    assert OVERDUE_TITLE in message.body
    assert notice_entries()[-1].fields == ["overdue.titles"]


def test_sonoma_email_without_the_opt_in_names_no_title(sonoma, rosalind):
    choose(rosalind, channel="email", titles=False)
    send_notices(kinds=("overdue",))
    [message] = mail.outbox
    assert OVERDUE_TITLE not in message.body
    assert "1 item you borrowed is overdue." in message.body
    assert "names no titles" in message.body
    [entry] = notice_entries()
    assert entry.fields == ["overdue.count"]
    assert not {"overdue.titles", "loans.titles", "holds.titles"} & set(entry.fields)


def _library_with_dates(main_branch, today):
    """A patron with loans due in 2 days and in 10 days, one overdue, and a ready hold."""
    patron = library.patron(card_number="21234000077777", home=main_branch)
    now = timezone.now()
    soon = library.item("3900000000101", "Due Soon Book", at=main_branch)
    later = library.item("3900000000102", "Due Later Book", at=main_branch)
    late = library.item("3900000000103", "Late Book", at=main_branch)
    shelf = library.item("3900000000104", "Ready Book", at=main_branch)
    for item, days in ((soon, 2), (later, 10)):
        circulation.check_out(patron=patron, item=item, branch=main_branch, now=now, loan_days=days)
    circulation.check_out(
        patron=patron, item=late, branch=main_branch, now=now - dt.timedelta(days=30), loan_days=21
    )
    hold = circulation.place_hold(patron=patron, item=shelf, pickup_branch=main_branch, now=now)
    assert hold.status == Hold.Status.READY
    choose(patron, channel="email", titles=True)
    return patron


def test_each_kind_is_chosen_by_its_dates(sonoma, main_branch):
    today = timezone.localdate()
    _library_with_dates(main_branch, today)
    summary = send_notices()
    assert dict(summary.sent) == {
        ("due_soon", "email"): 1,
        ("overdue", "email"): 1,
        ("hold_ready", "email"): 1,
    }
    bodies = {m.subject: m.body for m in mail.outbox}
    [due] = [b for s, b in bodies.items() if "due back soon" in s]
    assert "Due Soon Book" in due and "Due Later Book" not in due and "Late Book" not in due
    [late] = [b for s, b in bodies.items() if "overdue" in s.lower()]
    assert "Late Book" in late and "Due Soon Book" not in late
    [ready] = [b for s, b in bodies.items() if "ready" in s]
    assert "Ready Book" in ready and "kept for you until" in ready
    soon_loan = Loan.objects.get(item__title="Due Soon Book")
    assert SentNotice.objects.filter(kind="due_soon", loan=soon_loan).exists()
    assert not SentNotice.objects.filter(loan__item__title="Due Later Book").exists()


def test_a_second_run_sends_nothing(sonoma, main_branch):
    _library_with_dates(main_branch, timezone.localdate())
    assert send_notices().total_sent == 3
    sent, entries = len(mail.outbox), len(notice_entries())
    again = send_notices()
    assert again.total_sent == 0
    assert len(mail.outbox) == sent and len(notice_entries()) == entries


def test_a_renewed_loan_gets_a_new_due_soon_notice(sonoma, main_branch):
    _library_with_dates(main_branch, timezone.localdate())
    send_notices(kinds=("due_soon",))
    loan = Loan.objects.get(item__title="Due Soon Book")
    Loan.objects.filter(pk=loan.pk).update(due_on=loan.due_on + dt.timedelta(days=1))
    assert send_notices(kinds=("due_soon",)).total_sent == 1


def test_dry_run_sends_nothing_and_writes_nothing(sonoma, main_branch):
    _library_with_dates(main_branch, timezone.localdate())
    seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    summary = send_notices(dry_run=True)
    assert summary.total_sent == 3 and summary.dry_run
    assert mail.outbox == []
    assert not SentNotice.objects.exists()
    assert AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() == seq


def test_a_patron_who_chose_no_notices_gets_none(sonoma, rosalind):
    choose(rosalind, channel="none", titles=True)
    summary = send_notices()
    assert summary.total_sent == 0 and summary.chose_none >= 1
    assert mail.outbox == [] and notice_entries() == []


def test_no_address_on_file_sends_nothing_and_reads_nothing(sonoma, rosalind):
    choose(rosalind, channel="email")
    type(rosalind).objects.filter(pk=rosalind.pk).update(email="")
    summary = send_notices(kinds=("overdue",))
    assert summary.no_address == 1 and mail.outbox == [] and notice_entries() == []


def test_texts_without_a_gateway_are_not_sent(settings, sonoma, rosalind):
    settings.CUSTODIAN_SMS_GATEWAY = ""
    choose(rosalind, channel="sms")
    summary = send_notices(kinds=("overdue",))
    assert summary.no_gateway == 1 and mail.outbox == []


def test_the_audit_entry_lists_fields_never_content(sonoma, rosalind):
    choose(rosalind, channel="email", titles=True)
    send_notices(kinds=("overdue",))
    [entry] = notice_entries()
    assert entry.patron_ref == str(rosalind.ref)
    assert entry.purpose == "notice_overdue" and entry.outcome == "sent"
    for secret in (OVERDUE_TITLE, "rq@example.org", "Rosalind", rosalind.card_number, "707"):
        assert secret not in entry.body


def test_the_file_backend_writes_a_readable_notice(settings, tmp_path, sonoma, rosalind):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path / "outbox")},
        }
    }
    choose(rosalind, channel="email", titles=True)
    send_notices(kinds=("overdue",))
    [written] = list((tmp_path / "outbox").iterdir())
    text = written.read_text()
    assert "To: rq@example.org" in text
    assert OVERDUE_TITLE in text and "Subject:" in text


def test_check_in_deletes_the_row_that_tied_the_loan(sonoma, rosalind, main_branch):
    choose(rosalind, channel="email")
    send_notices(kinds=("overdue",))
    assert SentNotice.objects.count() == 1
    item = Item.objects.get(title=OVERDUE_TITLE)
    circulation.check_in(item=item, branch=main_branch)
    assert not SentNotice.objects.exists()


def test_a_closed_hold_loses_its_notice_row(sonoma, main_branch):
    patron = _library_with_dates(main_branch, timezone.localdate())
    send_notices(kinds=("hold_ready",))
    hold = Hold.objects.get(patron=patron, status=Hold.Status.READY)
    circulation.cancel_hold(hold=hold)
    assert SentNotice.objects.filter(hold=hold).exists()  # until the next run
    send_notices(kinds=("hold_ready",))
    assert not SentNotice.objects.filter(hold=hold).exists()


def test_a_failed_send_is_logged_without_content_and_retried(sonoma, rosalind, monkeypatch):
    from custodian.notices import channels

    def refuse(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(channels.CHANNELS["email"], "send", refuse)
    choose(rosalind, channel="email")
    summary = send_notices(kinds=("overdue",))
    assert summary.failed == 1 and not SentNotice.objects.exists()
    [entry] = notice_entries()
    assert entry.outcome == "failed" and entry.fields == []
    monkeypatch.undo()
    assert send_notices(kinds=("overdue",)).total_sent == 1


def test_the_database_refuses_a_row_without_its_subject(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SentNotice.objects.create(kind="overdue")
    with pytest.raises(IntegrityError), transaction.atomic():
        SentNotice.objects.create(kind="reminder", due_on=timezone.localdate())
