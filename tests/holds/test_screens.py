"""The legal holds page, the case's "Place a legal hold" form, and closing an account at the
desk: role checks on every screen, refusals in words, nothing changed by a refusal."""

import pytest
from django.urls import reverse
from django.utils import timezone

from custodian.audit.models import AuditEntry
from custodian.circulation import services as circulation
from custodian.disclosure.models import CaseEvent
from custodian.holds import services
from custodian.holds.models import LegalHold
from custodian.records.models import Charge, Patron
from custodian.testing.plain_words import raw_codes_in, visible_text
from tests.door import library
from tests.holds.conftest import make_case

pytestmark = pytest.mark.django_db

HOLDS = reverse("holds:list")


def _signed_in(client, user):
    client.force_login(user)
    return client


def _hold_form(**kw):
    data = {"categories": ["reading_history"], "reason": "Preservation letter of 2 March"}
    data.update(kw)
    return data


# ---------------------------------------------------------------- the holds page


@pytest.mark.parametrize("role", ["clerk", "manager", "it_admin"])
def test_only_the_director_and_designee_open_the_holds_page(client, request, role, patron):
    user = request.getfixturevalue(role)
    _signed_in(client, user)
    assert client.get(HOLDS).status_code == 403
    response = client.post(reverse("holds:place"), _hold_form(card_number=patron.card_number))
    assert response.status_code == 403
    assert not LegalHold.objects.exists()


def test_signed_out_staff_are_sent_to_sign_in(client):
    response = client.get(HOLDS)
    assert response.status_code == 302 and "/login/" in response.url


def test_the_director_places_a_hold_by_card_number(client, director, patron):
    _signed_in(client, director)
    response = client.post(
        reverse("holds:place"),
        _hold_form(card_number=patron.card_number, records_from="2026-01-01"),
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.patron == patron and hold.categories == ["reading_history"]
    # The card lookup went through the door (audited there).
    assert AuditEntry.objects.filter(action="lookup", patron_ref=str(patron.ref)).exists()
    page = client.get(HOLDS)
    text = visible_text(page.content.decode())
    assert "Reading history" in text and "records dated from 1 January 2026" in text
    assert "Preservation letter of 2 March" in text
    assert patron.card_number not in page.content.decode()
    assert patron.last_name not in text
    assert raw_codes_in(text) == []


def test_an_unknown_card_places_nothing_and_says_so(client, director, patron):
    _signed_in(client, director)
    response = client.post(reverse("holds:place"), _hold_form(card_number="29999999999999"))
    assert response.status_code == 400
    assert "No patron has that card number" in response.content.decode()
    assert "29999999999999" not in visible_text(response.content.decode())
    assert not LegalHold.objects.exists()


def test_a_hold_without_a_reason_is_not_placed(client, director, patron):
    _signed_in(client, director)
    response = client.post(
        reverse("holds:place"), _hold_form(card_number=patron.card_number, reason="")
    )
    assert response.status_code == 400
    assert not LegalHold.objects.exists()


def test_the_director_releases_with_a_reason(client, director, patron):
    hold = services.place_hold(
        user=director, patron_ref=patron.ref, categories=[], reason="Court order"
    )
    _signed_in(client, director)
    url = reverse("holds:release", kwargs={"ref": hold.ref})
    client.post(url, {"reason": ""})
    assert LegalHold.objects.get().active
    client.post(url, {"reason": "The order was vacated"})
    hold.refresh_from_db()
    assert not hold.active and hold.release_reason == "The order was vacated"
    text = visible_text(client.get(HOLDS).content.decode())
    assert "The order was vacated" in text and "No hold is in force." in text


def test_a_sealed_hold_is_shown_to_the_director_only(client, director, designee, patron):
    sealed = make_case(patron=patron, by=director, sealed=True)
    hold = services.place_hold(
        user=director, patron_ref=patron.ref, reason="Sealed order", case=sealed
    )
    text = visible_text(_signed_in(client, director).get(HOLDS).content.decode())
    assert "Sealed order" in text and "Sealed" in text
    client.logout()
    text = visible_text(_signed_in(client, designee).get(HOLDS).content.decode())
    assert "Sealed order" not in text
    response = client.post(reverse("holds:release", kwargs={"ref": hold.ref}), {"reason": "x"})
    assert response.status_code == 404
    assert LegalHold.objects.get().active


# ---------------------------------------------------------------- from a case


def test_the_case_page_offers_a_legal_hold_and_places_it(client, director, patron, case):
    _signed_in(client, director)
    page = client.get(reverse("disclosure:case", kwargs={"ref": case.ref})).content.decode()
    assert 'id="legal-hold-form"' in page and "Place a legal hold" in page
    response = client.post(
        reverse("holds:place_for_case", kwargs={"ref": case.ref}),
        _hold_form(categories=["video", "searches"], reason="Subpoena 26-114"),
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.case == case and hold.patron == patron
    assert CaseEvent.objects.filter(case=case, kind="legal_hold_placed").exists()
    page = client.get(reverse("disclosure:case", kwargs={"ref": case.ref})).content.decode()
    text = visible_text(page)
    assert "In force" in text and "Camera footage" in text and "Legal hold placed" in text
    assert raw_codes_in(text) == []


def test_a_branch_manager_sees_no_hold_form_and_cannot_post_one(client, manager, patron, director):
    case = make_case(patron=patron, by=director)
    _signed_in(client, manager)
    page = client.get(reverse("disclosure:case", kwargs={"ref": case.ref}))
    assert 'id="legal-hold-form"' not in page.content.decode()
    response = client.post(reverse("holds:place_for_case", kwargs={"ref": case.ref}), _hold_form())
    assert response.status_code == 403
    assert not LegalHold.objects.exists()


def test_a_designee_sees_no_hold_form_on_a_sealed_case(client, designee, sealed_case):
    _signed_in(client, designee)
    page = client.get(reverse("disclosure:case", kwargs={"ref": sealed_case.ref}))
    assert page.status_code == 200
    assert 'id="legal-hold-form"' not in page.content.decode()
    client.post(reverse("holds:place_for_case", kwargs={"ref": sealed_case.ref}), _hold_form())
    assert not LegalHold.objects.exists()


def test_a_request_naming_no_patron_places_no_hold(client, director):
    case = make_case(patron=None, by=director)
    _signed_in(client, director)
    page = client.get(reverse("disclosure:case", kwargs={"ref": case.ref})).content.decode()
    assert "names no patron" in page
    client.post(reverse("holds:place_for_case", kwargs={"ref": case.ref}), _hold_form())
    assert not LegalHold.objects.exists()


# ---------------------------------------------------------------- closing an account


def _close_url(patron):
    return reverse("desk:close_account", kwargs={"ref": patron.ref})


def test_the_account_page_links_to_closing(client, clerk, patron):
    page = _signed_in(client, clerk).get(reverse("desk:patron", kwargs={"ref": patron.ref}))
    assert _close_url(patron) in page.content.decode()


def test_the_confirmation_says_what_goes_and_what_stays(client, clerk, patron):
    Charge.objects.create(patron=patron, kind="card", amount="1.00", assessed_at=timezone.now())
    page = _signed_in(client, clerk).get(_close_url(patron))
    assert page.status_code == 200
    text = visible_text(page.content.decode())
    assert "erases the person for good" in text and "cannot be undone" in text
    assert "1 charge" in text and "naming no one" in text
    assert "photo ID" in text or "library card" in text
    assert raw_codes_in(text) == []
    assert Patron.objects.filter(pk=patron.pk).exists()


@pytest.mark.parametrize("role", ["it_admin", "auditor"])
def test_it_and_auditors_cannot_close_an_account(client, request, role, patron):
    _signed_in(client, request.getfixturevalue(role))
    assert client.get(_close_url(patron)).status_code == 403
    assert (
        client.post(_close_url(patron), {"evidence": ["photo_id"], "understood": "yes"}).status_code
        == 403
    )
    assert Patron.objects.filter(pk=patron.pk).exists()


def test_no_proof_of_identity_no_closing(client, clerk, patron):
    _signed_in(client, clerk)
    response = client.post(_close_url(patron), {"understood": "yes"})
    assert response.status_code == 400
    assert "The account was not closed" in response.content.decode()
    assert Patron.objects.filter(pk=patron.pk).exists()
    refused = AuditEntry.objects.filter(action="close_account", outcome="refused").get()
    assert str(refused.patron_ref) == str(patron.ref)


def test_not_understood_no_closing(client, clerk, patron):
    _signed_in(client, clerk)
    response = client.post(_close_url(patron), {"evidence": ["photo_id"]})
    assert response.status_code == 400
    assert Patron.objects.filter(pk=patron.pk).exists()


def test_closing_with_proof_erases_the_patron(client, clerk, patron):
    ref = patron.ref
    _signed_in(client, clerk)
    response = client.post(_close_url(patron), {"evidence": ["photo_id"], "understood": "yes"})
    assert response.status_code == 200
    assert "The account is closed" in response.content.decode()
    assert not Patron.objects.filter(ref=ref).exists()
    entry = AuditEntry.objects.filter(action="erase").get()
    assert entry.actor == "clerk" and "reason.patron_asked" in entry.fields
    # The account is gone: its page says so instead of failing.
    assert client.get(_close_url(patron)).status_code == 404


def test_items_out_are_shown_and_refuse_closing(client, clerk, patron, branch):
    item = library.item("3900000000501", "Still Out", at=branch)
    circulation.check_out(patron=patron, item=item, branch=branch)
    _signed_in(client, clerk)
    text = visible_text(client.get(_close_url(patron)).content.decode())
    assert "1 item is still out on loan" in text
    response = client.post(_close_url(patron), {"evidence": ["photo_id"], "understood": "yes"})
    assert response.status_code == 400
    assert "1 item is still out on loan" in response.content.decode()
    assert Patron.objects.filter(pk=patron.pk).exists()


def test_a_legal_hold_is_shown_and_refuses_closing(client, clerk, director, patron):
    services.place_hold(user=director, patron_ref=patron.ref, reason="Court order")
    _signed_in(client, clerk)
    text = visible_text(client.get(_close_url(patron)).content.decode())
    assert "a legal hold keeps this patron's records" in text
    assert 'name="understood"' not in client.get(_close_url(patron)).content.decode()
    response = client.post(_close_url(patron), {"evidence": ["photo_id"], "understood": "yes"})
    assert response.status_code == 400
    assert Patron.objects.filter(pk=patron.pk).exists()
