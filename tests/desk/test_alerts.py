"""The account page's alerts (lost, stolen, expired, blocked), the refused check-out on such a
card, and the reading history a director may be shown."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from custodian.accounts.models import Role
from custodian.audit.models import AuditEntry
from custodian.circulation import services as circulation
from custodian.desk.alerts import alert_for, day_words
from custodian.door.lines import Standing
from custodian.records.models import Item, Loan, Patron
from tests.door import library
from tests.door.audit_helpers import entries


def patron_url(patron):
    return f"/desk/patron/{patron.ref}/"


def check_out_url(patron):
    return reverse("desk:check_out", kwargs={"ref": patron.ref})


@pytest.fixture
def desk(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def director(main_branch):
    return library.staff(Role.DIRECTOR, "director", at=main_branch)


def set_standing(patron, status, *, since=None, expires_on=None):
    Patron.objects.filter(pk=patron.pk).update(
        status=status, status_since=since, expires_on=expires_on or patron.expires_on
    )


def alert_box(html):
    match = re.search(r'<div class="standing-alert[^"]*"[^>]*>(.*?)</div>', html, re.S)
    return match and (match.group(0), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))))


def shown_before_the_first_table(html, text):
    return html.index(text) < html.index("<table")


# --- one alert for each standing ---------------------------------------------------------------

TODAY = timezone.localdate


@pytest.mark.parametrize(
    ("status", "title", "happened", "to_do"),
    [
        (
            Patron.Status.CARD_STOLEN,
            "Card reported stolen",
            "This card was reported stolen on {since}.",
            "Do not check out on it. Ask for photo ID; if it is the patron, issue a new card.",
        ),
        (
            Patron.Status.CARD_LOST,
            "Card reported lost",
            "This card was reported lost on {since}.",
            "Do not check out on it. Ask for photo ID; if it is the patron, issue a new card.",
        ),
        (
            Patron.Status.BLOCKED,
            "Account blocked",
            "This account was blocked on {since}. It owes $1.50.",
            "Do not check out on it or place holds.",
        ),
    ],
)
def test_a_card_that_may_not_be_used_is_an_alert_at_the_top_in_words(
    desk, rosalind, status, title, happened, to_do
):
    since = TODAY() - dt.timedelta(days=5)
    set_standing(rosalind, status, since=since)

    html = desk.get(patron_url(rosalind)).content.decode()

    box, text = alert_box(html)
    assert 'role="alert"' in box
    assert title in text
    assert happened.format(since=day_words(since, TODAY())) in text
    assert to_do in text
    assert shown_before_the_first_table(html, title)
    # Nothing can be scanned out on it from this page; returns still can.
    assert 'action="' + check_out_url(rosalind) + '"' not in html
    assert 'action="/desk/check-in/"' in html


def test_an_expired_card_says_the_day_it_expired_and_to_renew_it(desk, rosalind):
    expired = TODAY() - dt.timedelta(days=3)
    Patron.objects.filter(pk=rosalind.pk).update(
        registered_on=expired - dt.timedelta(days=30), expires_on=expired
    )

    html = desk.get(patron_url(rosalind)).content.decode()

    box, text = alert_box(html)
    assert 'role="alert"' in box
    assert f"This card expired on {day_words(expired, TODAY())}." in text
    assert "renew" in text
    assert 'action="' + check_out_url(rosalind) + '"' not in html


def test_a_card_in_good_standing_has_no_alert_and_may_check_out(desk, rosalind):
    html = desk.get(patron_url(rosalind)).content.decode()
    assert "standing-alert" not in html
    assert 'role="alert"' not in html
    assert 'action="' + check_out_url(rosalind) + '"' in html


def test_a_card_about_to_expire_is_a_quiet_notice_not_an_alert(desk, rosalind):
    Patron.objects.filter(pk=rosalind.pk).update(expires_on=TODAY() + dt.timedelta(days=10))
    html = desk.get(patron_url(rosalind)).content.decode()
    box, text = alert_box(html)
    assert "Card expires soon" in text and "Offer to renew it" in text
    assert 'role="alert"' not in box
    assert 'action="' + check_out_url(rosalind) + '"' in html


def test_a_report_with_no_recorded_day_says_no_day():
    today = dt.date(2026, 12, 2)
    standing = Standing(status="card_stolen", since=None, expires_on=dt.date(2028, 1, 1))
    alert = alert_for(standing=standing, balance=None, today=today)
    assert alert.happened == "This card was reported stolen."
    last_year = Standing(status="card_lost", since=dt.date(2025, 11, 3), expires_on=today)
    assert (
        "on 3 November 2025." in alert_for(standing=last_year, balance=None, today=today).happened
    )
    this_year = Standing(status="card_lost", since=dt.date(2026, 11, 3), expires_on=today)
    assert "on 3 November." in alert_for(standing=this_year, balance=None, today=today).happened


# --- check-out refused on such a card, changing nothing -----------------------------------------


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (Patron.Status.CARD_STOLEN, "This card was reported stolen. Do not check out on it."),
        (Patron.Status.CARD_LOST, "This card was reported lost. Do not check out on it."),
        (Patron.Status.BLOCKED, "This account is blocked."),
        (Patron.Status.EXPIRED, "This card has expired."),
    ],
)
def test_check_out_on_a_card_that_may_not_be_used_is_refused_and_changes_nothing(
    desk, rosalind, status, says
):
    set_standing(rosalind, status, since=TODAY())
    loans_before = set(Loan.objects.values_list("pk", flat=True))
    audit_before = AuditEntry.objects.count()

    response = desk.post(check_out_url(rosalind), {"barcode": "3900000000004"}, follow=True)

    html = response.content.decode()
    assert "Item 3900000000004 was not checked out." in html
    assert says in html
    assert set(Loan.objects.values_list("pk", flat=True)) == loans_before
    assert Item.objects.get(barcode="3900000000004").status == Item.Status.AVAILABLE
    # The refused act left no entry; the page shown after it is its own audited read.
    assert [e.action for e in AuditEntry.objects.order_by("pk")[audit_before:]] == ["read"]


def test_the_service_refuses_a_stolen_card_with_the_desk_words(rosalind, main_branch):
    from custodian.circulation.errors import PatronCardLost, PatronCardStolen

    set_standing(rosalind, Patron.Status.CARD_STOLEN, since=TODAY())
    rosalind.refresh_from_db()
    item = Item.objects.get(barcode="3900000000004")
    with pytest.raises(PatronCardStolen) as refused:
        circulation.check_out(patron=rosalind, item=item, branch=main_branch)
    assert isinstance(refused.value, PatronCardLost)  # callers catching "lost" still catch it
    assert "Ask for photo ID; if it is the patron, issue a new card." in refused.value.message
    assert not Loan.objects.filter(item=item).exists()


# --- reading history ---------------------------------------------------------------------------


def _return_one(patron, branch):
    item = library.item("3900000000099", "A Book Once Borrowed", at=branch)
    now = timezone.now()
    circulation.check_out(patron=patron, item=item, branch=branch, now=now - dt.timedelta(days=9))
    circulation.check_in(item=item, branch=branch, now=now - dt.timedelta(days=2))


def test_a_director_sees_the_history_of_a_patron_who_keeps_one(client, director, main_branch):
    patron = library.patron(card_number="21234000077777", keeps_reading_history=True)
    _return_one(patron, main_branch)
    client.force_login(director)
    before = len(entries())

    html = client.get(patron_url(patron)).content.decode()

    assert 'id="history-heading">Reading history</h2>' in html
    assert "A Book Once Borrowed" in html
    [entry] = entries()[before:]
    assert entry.action == "read" and "history.titles" in entry.fields
    assert entry.outcome == "release"


def test_for_a_patron_who_keeps_none_the_page_says_there_is_none(client, director, rosalind):
    client.force_login(director)
    before = len(entries())
    html = client.get(patron_url(rosalind)).content.decode()
    assert (
        "This patron has not asked the library to keep a reading history, so there is none." in html
    )
    [entry] = entries()[before:]
    assert "history.titles" in entry.fields and entry.outcome == "release"


def test_a_kept_history_with_nothing_returned_yet_says_so(client, director):
    patron = library.patron(card_number="21234000077778", keeps_reading_history=True)
    client.force_login(director)
    html = client.get(patron_url(patron)).content.decode()
    assert "nothing has been returned since they asked for it" in html
    assert "has not asked the library" not in html


def test_a_clerk_neither_asks_for_nor_sees_reading_history(desk, rosalind):
    circulation.set_reading_history(patron=rosalind, keep=True)
    before = len(entries())
    html = desk.get(patron_url(rosalind)).content.decode()
    assert "Reading history" not in html
    [entry] = entries()[before:]
    assert "history.titles" not in entry.fields
    assert entry.outcome == "release"


def test_where_the_policy_withholds_history_the_page_says_so_and_the_audit_records_it(
    client, director, main_branch, monkeypatch
):
    # Every shipped profile lets staff see the history for library business (only the
    # role's need to know narrows it), so a library whose policy does not is stood in for.
    from custodian.door import ruling

    real = ruling.decide

    def history_withheld(request):
        decision = dict(real(request))
        decision["release"] = [f for f in decision["release"] if f != "history.titles"]
        return decision

    monkeypatch.setattr(ruling, "decide", history_withheld)
    patron = library.patron(card_number="21234000077779", keeps_reading_history=True)
    _return_one(patron, main_branch)
    client.force_login(director)
    before = len(entries())

    html = client.get(patron_url(patron)).content.decode()

    assert "A Book Once Borrowed" not in html
    assert "does not release this patron's reading history to you" in html
    [entry] = entries()[before:]
    assert "history.titles" in entry.fields
    assert entry.outcome == "partial_release"


def test_reading_history_keeps_whether_it_is_kept_through_copies():
    import copy
    import pickle

    from custodian.door.lines import ReadingHistory

    history = ReadingHistory(("a",), kept=False)
    for again in (copy.deepcopy(history), pickle.loads(pickle.dumps(history))):
        assert again == ("a",) and again.kept is False
