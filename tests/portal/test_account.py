"""My account: the patron's own loans, renewals, holds, catalogue, money and services."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from custodian import door
from custodian.audit.models import AuditEntry
from custodian.circulation import services as circulation
from custodian.policy import get_engine
from custodian.portal import selectors_account
from custodian.records.models import Hold, Loan, Patron, Program, Room, SearchRecord
from custodian.words import day
from tests.door import library
from tests.door.audit_helpers import as_text
from tests.portal.signin import signed_in

pytestmark = pytest.mark.django_db

ACCOUNT = "/my/account/"
RENEW = "/my/renew/"
CATALOGUE = "/my/catalogue/"
HOLDS = "/my/holds/"


@pytest.fixture
def stranger(main_branch):
    """Another patron with a loan of their own."""
    patron = library.patron(card_number="21234000077777", first_name="Sam", last_name="Stranger")
    secret = library.item("3900000000099", "Someone Else's Secret", at=main_branch)
    circulation.check_out(patron=patron, item=secret, branch=main_branch)
    return patron


def _page(client, url=ACCOUNT):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_patron_sees_their_loans_and_due_dates_and_not_another_patrons(
    client, rosalind, stranger
):
    signed_in(client, rosalind)
    page = _page(client)
    assert "The Overdue Almanac" in page and "A Current Novel" in page
    for loan in Loan.objects.filter(patron=rosalind):
        assert day(loan.due_on) in page
    assert "Overdue</strong>" in page
    assert "1 of them is overdue." in page
    assert "Someone Else&#x27;s Secret" not in page and "Someone Else's Secret" not in page
    # The hold and the fine, in words.
    assert "A Wanted Atlas" in page and "Waiting: you will be told when it is ready" in page
    assert "Overdue fine" in page and "$1.50" in page


def test_each_account_page_is_one_audited_read_as_the_patron(client, rosalind):
    signed_in(client, rosalind)
    before = AuditEntry.objects.count()
    _page(client)
    # Entries about the record's contents (the language machinery may note its own read of
    # the patron's language choice; that is not this page's).
    entries = [
        e for e in AuditEntry.objects.order_by("seq")[before:] if set(e.fields) & set(door.FIELDS)
    ]
    assert len(entries) == 1
    (entry,) = entries
    assert (entry.actor, entry.role, entry.purpose, entry.action) == (
        "patron",
        "patron",
        "own_record",
        "read",
    )
    assert entry.patron_ref == str(rosalind.ref)
    assert set(door.own.ACCOUNT_FIELDS) == set(entry.fields)
    assert "Rosalind" not in as_text(entry) and rosalind.card_number not in as_text(entry)


def test_a_staff_reader_cannot_use_the_patrons_own_read(clerk, rosalind):
    before = AuditEntry.objects.count()
    with pytest.raises(door.Refused):
        door.read_own_account(reader=door.Reader.staff(clerk))
    (entry,) = AuditEntry.objects.order_by("seq")[before:]
    assert entry.outcome == "deny" and entry.actor == "clerk"


def test_signed_out_visitors_are_sent_to_sign_in(client, rosalind):
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and response.url == "/my/"
    assert client.post(RENEW, {"all": "1"}).status_code == 302
    assert not Loan.objects.filter(patron=rosalind, renewals__gt=0).exists()


def test_renew_one(client, rosalind):
    signed_in(client, rosalind)
    loan = Loan.objects.get(patron=rosalind, item__barcode="3900000000002")
    response = client.post(RENEW, {"barcode": "3900000000002"}, follow=True)
    loan.refresh_from_db()
    assert loan.renewals == 1
    assert "“A Current Novel” was renewed." in response.content.decode()
    entry = AuditEntry.objects.order_by("-seq").filter(action="renew").first()
    assert (entry.actor, entry.purpose, entry.patron_ref) == (
        "patron",
        "own_record",
        str(rosalind.ref),
    )


def test_renew_all_with_one_refused_and_the_reason_shown(client, rosalind, main_branch, stranger):
    # Someone is waiting for the current novel: it may not be renewed.
    novel = Loan.objects.get(item__barcode="3900000000002").item
    circulation.place_hold(patron=stranger, item=novel, pickup_branch=main_branch)
    signed_in(client, rosalind)
    overdue = Loan.objects.get(patron=rosalind, item__barcode="3900000000001")
    wanted = Loan.objects.get(patron=rosalind, item__barcode="3900000000002")
    page = client.post(RENEW, {"all": "1"}, follow=True).content.decode()
    overdue.refresh_from_db()
    wanted.refresh_from_db()
    assert overdue.renewals == 1 and overdue.due_on > timezone.localdate()
    assert wanted.renewals == 0
    assert "“The Overdue Almanac” was renewed." in page
    assert "“A Current Novel” was not renewed." in page
    assert "Someone else is waiting for it, so it cannot be renewed." in page
    # The outcome is shown once, then forgotten.
    assert "was not renewed" not in _page(client)


def test_a_lost_loan_is_shown_as_lost_and_renew_all_leaves_it(client, rosalind):
    lost = Loan.objects.get(patron=rosalind, item__barcode="3900000000001")
    circulation.mark_lost(loan=lost)
    signed_in(client, rosalind)

    page = _page(client)

    row = page.split("The Overdue Almanac")[1].split("</tr>")[0]
    assert "Reported lost" in row and "Overdue" not in row
    assert "A lost item cannot be renewed" in row and 'value="3900000000001"' not in row
    assert "1 of them is overdue" not in page  # a lost loan is not counted as late
    page = client.post(RENEW, {"all": "1"}, follow=True).content.decode()
    lost.refresh_from_db()
    assert lost.renewals == 0
    assert "“The Overdue Almanac” was not renewed." not in page  # not even tried
    assert "“A Current Novel” was renewed." in page


def test_the_renewal_limit_and_a_blocked_card_are_explained(client, rosalind):
    Loan.objects.filter(patron=rosalind, item__barcode="3900000000002").update(renewals=3)
    signed_in(client, rosalind)
    page = client.post(RENEW, {"barcode": "3900000000002"}, follow=True).content.decode()
    assert "renewed as many times as the library allows" in page
    Patron.objects.filter(pk=rosalind.pk).update(status=Patron.Status.BLOCKED)
    page = client.post(RENEW, {"barcode": "3900000000001"}, follow=True).content.decode()
    assert "Your account is blocked. Please speak to library staff." in page
    assert "Your account is blocked: you cannot borrow or renew." in page  # the alert
    assert not Loan.objects.filter(patron=rosalind, item__barcode="3900000000001", renewals__gt=0)


def test_a_patron_cannot_renew_another_patrons_loan(client, rosalind, stranger):
    signed_in(client, rosalind)
    page = client.post(RENEW, {"barcode": "3900000000099"}, follow=True).content.decode()
    assert Loan.objects.get(item__barcode="3900000000099").renewals == 0
    assert "The item was not renewed." in page
    assert "Someone Else" not in page


def test_place_a_hold_from_a_catalogue_search_and_cancel_it(client, rosalind):
    signed_in(client, rosalind)
    page = client.post(CATALOGUE, {"q": "on the shelf"}).content.decode()
    assert "On The Shelf" in page and "On the shelf, MAIN Library" in page
    page = client.post(HOLDS, {"action": "place", "barcode": "3900000000004"}, follow=True)
    page = page.content.decode()
    hold = Hold.objects.get(patron=rosalind, item__barcode="3900000000004")
    assert hold.status == Hold.Status.READY  # on the shelf: pulled for her at once
    assert "A hold was placed on “On The Shelf”." in page
    assert "Ready for you to pick up" in page
    page = client.post(HOLDS, {"action": "cancel", "barcode": "3900000000004"}, follow=True)
    assert not Hold.objects.filter(patron=rosalind, item__barcode="3900000000004").exists()
    assert "The hold was cancelled." in page.content.decode()
    actions = list(
        AuditEntry.objects.filter(action__in=("place_hold", "cancel_hold")).values_list(
            "action", "actor", "patron_ref"
        )
    )
    assert actions == [
        ("place_hold", "patron", str(rosalind.ref)),
        ("cancel_hold", "patron", str(rosalind.ref)),
    ]


def test_a_hold_refused_is_explained(client, rosalind):
    signed_in(client, rosalind)
    page = client.post(HOLDS, {"action": "place", "barcode": "3900000000001"}, follow=True)
    assert "You have it checked out already." in page.content.decode()
    page = client.post(HOLDS, {"action": "place", "barcode": "0000"}, follow=True)
    assert "The library has no item with that number." in page.content.decode()


def test_a_catalogue_search_is_stored_nowhere(client, rosalind):
    signed_in(client, rosalind)
    before = AuditEntry.objects.count()
    page = client.post(CATALOGUE, {"q": "Wanted Atlas"}).content.decode()
    assert "A Wanted Atlas" in page and "Checked out" in page
    # By barcode, too.
    assert "On The Shelf" in client.post(CATALOGUE, {"q": "3900000000004"}).content.decode()
    assert SearchRecord.objects.count() == 0
    assert all("Atlas" not in as_text(e) for e in AuditEntry.objects.order_by("seq")[before:])
    # Nothing to say for one letter; the form keeps what was typed without a search.
    assert "Type at least 2 characters." in client.post(CATALOGUE, {"q": "a"}).content.decode()


def _not_kept_count(client, patron) -> int:
    signed_in(client, patron)
    return _page(client).count("Not kept by this library.")


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_keeps_every_category(client, rosalind):
    assert selectors_account.not_kept() == frozenset()
    assert _not_kept_count(client, rosalind) == 0


@override_settings(CUSTODIAN_PROFILE="jensen-memorial")
def test_jensen_shows_the_categories_it_does_not_keep_as_not_kept(client, rosalind):
    assert selectors_account.not_kept() == {"programs.records", "rooms.records", "computer.records"}
    page = (signed_in(client, rosalind), _page(client))[1]
    assert page.count("Not kept by this library.") == 3
    ill = page.split('id="ill-heading"')[1]
    assert "None on record." in ill.split("</section>")[0]


def test_a_misspelt_category_in_the_profile_is_refused(monkeypatch, settings):
    retention = get_engine().profile(settings.CUSTODIAN_PROFILE).retention
    monkeypatch.setitem(retention, "not_kept", ["computer.sessions"])
    with pytest.raises(ValueError, match="contract's field names"):
        selectors_account.not_kept()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_programs_and_rooms_are_shown_in_words(client, rosalind, main_branch):
    start = timezone.now() + dt.timedelta(days=3)
    program = Program.objects.create(title="Knitting Circle", branch=main_branch, starts_at=start)
    circulation.register_for_program(patron=rosalind, program=program)
    room = Room.objects.create(branch=main_branch, name="Study Room B", capacity=4)
    circulation.book_room(
        room=room,
        patron=rosalind,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        attendees=2,
    )
    signed_in(client, rosalind)
    page = _page(client)
    assert "Knitting Circle" in page and "Study Room B" in page and "2 people" in page
    assert start.isoformat()[:16] not in page  # a moment in words, never ISO


@pytest.mark.parametrize("url", [ACCOUNT, RENEW, CATALOGUE, HOLDS, "/my/reading-history/"])
def test_bad_input_from_a_signed_in_patron_never_errors(client, rosalind, url):
    """The URL walk signs in staff only; these pages are for patrons, so walk them here."""
    from tests.security.test_url_walk import BAD_VALUES, PARAMS, POST_VALUES

    client.raise_request_exception = False
    signed_in(client, rosalind)
    for value in BAD_VALUES:
        query = "&".join(f"{name}={value}" for name in PARAMS)
        assert client.get(f"{url}?{query}").status_code < 500, (url, value)
    for value in POST_VALUES + ("x" * 500, "3900000000002"):
        body = {"barcode": value, "all": value, "action": value, "q": value, "keep": value}
        assert client.post(url, body).status_code < 500, (url, value)
        assert client.post(url, {**body, "keep": "off", "confirm": value}).status_code < 500
    assert Patron.objects.get(pk=rosalind.pk).keeps_reading_history is False


def test_a_record_closed_while_signed_in_signs_the_patron_out(client, main_branch):
    gone = library.patron(card_number="21234000066666")
    signed_in(client, gone)
    Patron.objects.filter(pk=gone.pk).delete()
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and response.url == "/my/"
    assert "portal_patron_ref" not in client.session
