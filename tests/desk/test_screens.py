"""The desk screens, driven through Django's test client."""

import logging
import re

import pytest
from django.db.models import Model
from django.urls import reverse

from custodian.records.models import CirculationCount, Loan, PastLoan
from tests.door.audit_helpers import entries

FIND = "/desk/"


def patron_url(patron):
    return f"/desk/patron/{patron.ref}/"


@pytest.fixture
def desk(client, clerk):
    client.force_login(clerk)
    return client


# --- who may open the screens --------------------------------------------------------------


@pytest.mark.parametrize("url", [FIND, "/desk/patron/5b0f6a8e-2a5e-4b0e-9d0e-4a1b2c3d4e5f/"])
def test_screens_require_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/staff/login/?next=")


@pytest.mark.parametrize("role_fixture", ["it_admin", "auditor"])
def test_it_admin_and_auditor_cannot_open_a_patron_account(request, client, rosalind, role_fixture):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    before = len(entries())

    response = client.get(patron_url(rosalind))

    assert response.status_code == 403
    assert "Quackenbush" not in response.content.decode()
    [entry] = entries()[before:]
    assert entry.action == "denied"
    assert entry.outcome == "deny"
    assert entry.actor == user.username
    assert str(entry.patron_ref) == str(rosalind.ref)


def test_denied_find_screen_is_audited_too(client, it_admin):
    client.force_login(it_admin)
    before = len(entries())
    assert client.get(FIND).status_code == 403
    [entry] = entries()[before:]
    assert entry.action == "denied"


# --- finding a patron ----------------------------------------------------------------------


def test_find_form_posts_and_focuses_the_card_number(desk):
    html = desk.get(FIND).content.decode()
    form = re.search(r'<form method="post" action="/desk/">.*?</form>', html, re.S).group(0)
    assert 'name="card_number"' in form
    assert re.search(r'<input[^>]*name="card_number"[^>]*autofocus', form)
    assert '<label for="id_card_number">Card number</label>' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'class="skip-link" href="#main"' in html


def test_a_card_number_in_the_query_string_is_ignored(desk, rosalind):
    before = len(entries())
    response = desk.get(FIND, {"card_number": rosalind.card_number})
    assert response.status_code == 200
    assert len(entries()) == before


def test_find_by_card_number_opens_the_account_by_ref(desk, rosalind):
    response = desk.post(FIND, {"card_number": rosalind.card_number})
    assert response.status_code == 302
    assert response.url == patron_url(rosalind)
    assert rosalind.card_number not in response.url


def test_an_unknown_card_says_so_without_repeating_the_number(desk, rosalind):
    response = desk.post(FIND, {"card_number": "29999888877776"}, follow=True)
    html = response.content.decode()
    assert "No patron account has that card number" in html
    assert "29999888877776" not in html


# --- the account page ----------------------------------------------------------------------


def test_account_page_shows_loans_holds_and_charges(desk, rosalind):
    response = desk.get(patron_url(rosalind))
    html = response.content.decode()

    assert response.status_code == 200
    assert "The Overdue Almanac" in html
    assert "A Current Novel" in html
    assert "Overdue</span>" in html
    assert "A Wanted Atlas" in html  # the hold
    assert "$1.50" in html
    assert rosalind.card_number not in html
    assert re.search(r'<input[^>]*name="barcode"[^>]*autofocus', html)


def test_account_page_context_holds_door_views_only(desk, rosalind):
    response = desk.get(patron_url(rosalind))
    for context in response.context:
        for key, value in context.flatten().items():
            if key in ("user", "request", "perms"):
                continue
            assert not isinstance(value, Model), key
            assert value.__class__.__module__.split(".")[:2] != ["custodian", "records"], key
    assert response.context["view"].__class__.__name__ == "PatronView"


def test_each_account_page_view_is_one_audit_entry(desk, rosalind):
    before = len(entries())
    desk.get(patron_url(rosalind))
    [entry] = entries()[before:]
    assert entry.action == "read"
    assert str(entry.patron_ref) == str(rosalind.ref)


# --- check-out and check-in ----------------------------------------------------------------


def test_check_out_and_check_in_through_the_screen(desk, rosalind):
    response = desk.post(
        reverse("desk:check_out", kwargs={"ref": rosalind.ref}),
        {"barcode": "3900000000004"},
        follow=True,
    )
    html = response.content.decode()
    assert "Checked out item 3900000000004" in html
    assert Loan.objects.filter(item__barcode="3900000000004", patron=rosalind).exists()
    assert "On The Shelf" in html  # now listed among the loans

    response = desk.post(
        reverse("desk:check_in"),
        {"barcode": "3900000000004", "return_to": str(rosalind.ref)},
        follow=True,
    )
    assert "Checked in item 3900000000004" in response.content.decode()
    assert response.redirect_chain[-1][0] == patron_url(rosalind)
    # The link is severed: no loan, no history (not opted in), only an anonymous count.
    assert not Loan.objects.filter(item__barcode="3900000000004").exists()
    assert not PastLoan.objects.filter(patron=rosalind).exists()
    assert CirculationCount.objects.filter(item__barcode="3900000000004").exists()


def test_a_refused_check_out_explains_without_naming_the_patron(desk, rosalind, caplog):
    with caplog.at_level(logging.DEBUG):
        response = desk.post(
            reverse("desk:check_out", kwargs={"ref": rosalind.ref}),
            {"barcode": "3900000000002"},  # already out to her
            follow=True,
        )
    html = response.content.decode()
    assert "was not checked out" in html
    assert "already checked out" in html
    for secret in (rosalind.card_number, rosalind.last_name):
        assert secret not in caplog.text


def test_check_in_of_an_unknown_barcode(desk, rosalind):
    response = desk.post(reverse("desk:check_in"), {"barcode": "nope"}, follow=True)
    assert "No item has that barcode" in response.content.decode()


def test_check_out_needs_post(desk, rosalind):
    response = desk.get(reverse("desk:check_out", kwargs={"ref": rosalind.ref}))
    assert response.status_code == 405
