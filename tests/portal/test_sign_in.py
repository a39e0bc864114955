"""Signing in to the portal with card number and PIN: one answer for every failure, the
locks per card and per address, sign-out, idle sign-out, and screens behind sign-in."""

import datetime as dt
import re
import time

import pytest
from argon2 import PasswordHasher
from django.urls import reverse
from django.utils import timezone

from custodian.audit.models import AuditEntry
from custodian.circulation import patrons
from custodian.circulation import services as circulation
from custodian.portal import services_signin as signin
from custodian.portal import session
from custodian.portal import urls as portal_urls
from custodian.portal.models import SignInThrottle
from custodian.records.models import Patron
from tests.portal.signin import signed_in

PIN = "2468"
UNKNOWN_CARD = "29999000000000"
HOME = "/my/"


@pytest.fixture
def cheap_pins(monkeypatch):
    """Argon2id with the least work, so dozens of tries take seconds on a busy machine;
    the dummy hash is remade with it, so unknown cards still do the same work."""
    monkeypatch.setattr(
        patrons, "_pins", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    )
    signin._dummy_hash.cache_clear()
    yield
    signin._dummy_hash.cache_clear()


@pytest.fixture
def patron(rosalind, cheap_pins):
    circulation.set_pin(patron=rosalind, pin=PIN)
    return rosalind


def post(client, card, pin, address="10.0.0.1"):
    return client.post(HOME, {"card_number": card, "pin": pin}, REMOTE_ADDR=address)


def without_csrf(body: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", body)


def test_pins_are_hashed_with_argon2id_and_the_dummy_with_the_same_parameters():
    real = circulation.hash_pin(PIN)
    assert real.startswith("$argon2id$") and PIN not in real
    # Same algorithm, version and cost for the hash unknown cards are checked against.
    assert signin._dummy_hash().rsplit("$", 2)[0] == real.rsplit("$", 2)[0]


def test_wrong_card_and_wrong_pin_get_byte_identical_answers_and_the_same_work(
    client, django_user_model, patron, monkeypatch
):
    verified = []
    real = signin.verify_pin
    monkeypatch.setattr(
        signin, "verify_pin", lambda **kw: verified.append(kw["patron"].pk) or real(**kw)
    )
    wrong_card = post(client, UNKNOWN_CARD, PIN)
    wrong_pin = post(client, patron.card_number, "1357")
    assert wrong_card.status_code == wrong_pin.status_code == 200
    assert without_csrf(wrong_card.content) == without_csrf(wrong_pin.content)
    assert b"did not match our records" in wrong_pin.content
    # Both ran one Argon2 verify: the unknown card against the dummy hash (an unsaved row).
    assert verified == [None, patron.pk]
    assert "portal_patron_ref" not in client.session


def test_a_card_reported_lost_or_stolen_cannot_sign_in_and_is_not_told_why(client, patron):
    baseline = post(client, UNKNOWN_CARD, PIN)
    for status in ("card_lost", "card_stolen"):
        Patron.objects.filter(pk=patron.pk).update(status=status)
        answer = post(client, patron.card_number, PIN)
        assert without_csrf(answer.content) == without_csrf(baseline.content)
        assert "portal_patron_ref" not in client.session


@pytest.mark.parametrize("status", ["active", "expired", "blocked"])
def test_right_card_and_pin_sign_in_and_are_audited(client, patron, status):
    Patron.objects.filter(pk=patron.pk).update(status=status)
    answer = post(client, f" {patron.card_number[:4]} {patron.card_number[4:]} ", PIN)
    assert answer.status_code == 302 and answer["Location"] == HOME
    assert client.session[session.PATRON_KEY] == str(patron.ref)
    # Signed in, /my/ is the account page (or leads to it), no longer the sign-in form.
    home = client.get(HOME, follow=True)
    assert home.status_code == 200 and b'name="pin"' not in home.content
    entry = AuditEntry.objects.filter(action="portal.signed_in").get()
    assert (entry.actor, entry.patron_ref, entry.fields) == ("patron", str(patron.ref), [])


def test_empty_fields_are_refused_without_counting(client, patron):
    answer = post(client, patron.card_number, "")
    assert b"Enter your library card number and your PIN" in answer.content
    assert not SignInThrottle.objects.exists()


def test_the_tenth_wrong_pin_locks_the_card_and_the_right_pin_does_not_lift_it(client, patron):
    for attempt in range(1, signin.CARD_LIMIT):
        assert b"did not match" in post(client, patron.card_number, "1357").content, attempt
    locked = post(client, patron.card_number, "1357")
    assert b"Too many tries" in locked.content
    still = post(client, patron.card_number, PIN)
    assert b"Too many tries" in still.content
    assert "portal_patron_ref" not in client.session
    # The throttle rows hold keyed hashes, never the card number or the address.
    keys = list(SignInThrottle.objects.values_list("key", flat=True))
    assert all(patron.card_number not in k and "10.0.0.1" not in k for k in keys)


def test_an_unknown_card_locks_the_same_way_so_the_lock_reveals_nothing(client, patron):
    for _ in range(signin.CARD_LIMIT):
        unknown = post(client, UNKNOWN_CARD, PIN, address="10.0.0.2")
    for _ in range(signin.CARD_LIMIT):
        known = post(client, patron.card_number, "1357", address="10.0.0.3")
    assert b"Too many tries" in unknown.content
    assert without_csrf(unknown.content) == without_csrf(known.content)


def test_a_success_resets_the_count(client, patron):
    for _ in range(signin.CARD_LIMIT - 1):
        post(client, patron.card_number, "1357")
    assert post(client, patron.card_number, PIN).status_code == 302
    for _ in range(signin.CARD_LIMIT - 1):
        answer = post(client, patron.card_number, "1357")
    assert b"did not match" in answer.content


def test_the_desk_unlocks_a_locked_card(client, patron, clerk):
    for _ in range(signin.CARD_LIMIT):
        post(client, patron.card_number, "1357")
    desk = type(client)()
    desk.force_login(clerk)
    page = desk.get(reverse("desk:pin_reset", kwargs={"ref": patron.ref}))
    assert b"Online sign-in is locked" in page.content
    done = desk.post(reverse("desk:pin_unlock", kwargs={"ref": patron.ref}), follow=True)
    assert b"Online sign-in is unlocked" in done.content
    assert post(client, patron.card_number, PIN).status_code == 302
    entry = AuditEntry.objects.filter(action="portal.unlocked").get()
    assert (entry.actor, entry.patron_ref, entry.outcome) == ("clerk", str(patron.ref), "allowed")


def test_an_address_with_too_many_failures_cools_off(client, patron, db):
    now = timezone.now()
    for n in range(signin.ADDRESS_LIMIT):
        # Different cards, so no card lock: only the address is counted up to its limit.
        result = signin.authenticate(
            card_number=f"2999900000{n:04d}", pin="1357", address="10.9.9.9", now=now
        )
    assert result.outcome == "address_locked"
    right = signin.authenticate(
        card_number=patron.card_number, pin=PIN, address="10.9.9.9", now=now
    )
    assert right.outcome == "address_locked"
    elsewhere = signin.authenticate(
        card_number=patron.card_number, pin=PIN, address="10.8.8.8", now=now
    )
    assert elsewhere.outcome == "signed_in"
    later = now + signin.ADDRESS_COOL_OFF + dt.timedelta(minutes=1)
    again = signin.authenticate(
        card_number=patron.card_number, pin=PIN, address="10.9.9.9", now=later
    )
    assert again.outcome == "signed_in"


def test_address_failures_spread_beyond_the_window_do_not_lock(patron):
    start = timezone.now()
    for n in range(signin.ADDRESS_LIMIT + 5):
        moment = start + (signin.ADDRESS_WINDOW / 20) * n
        result = signin.authenticate(
            card_number=f"2999900000{n:04d}", pin="1357", address="10.7.7.7", now=moment
        )
        assert result.outcome == "refused", n


def test_the_address_lock_message_on_the_page(client, patron, monkeypatch):
    monkeypatch.setattr(signin, "ADDRESS_LIMIT", 2)
    post(client, "29999000000001", "1357", address="10.6.6.6")
    answer = post(client, "29999000000002", "1357", address="10.6.6.6")
    assert b"Too many tries from this computer" in answer.content


def test_sign_out_clears_the_session(client, patron):
    post(client, patron.card_number, PIN)
    assert session.PATRON_KEY in client.session
    answer = client.post(reverse("portal:sign_out"))
    assert answer.status_code == 200
    assert b"You have signed out" in answer.content
    assert "cookies" in answer["Clear-Site-Data"]
    assert dict(client.session) == {}
    assert client.get(reverse("portal:pin"))["Location"] == HOME
    assert client.get(reverse("portal:sign_out")).status_code == 405


@pytest.mark.parametrize(("minutes", "signed_out"), [(16, True), (14, False)])
def test_idle_sign_out_after_the_librarys_time(client, patron, monkeypatch, minutes, signed_out):
    signed_in(client, patron)
    later = time.time() + minutes * 60
    monkeypatch.setattr(session.time, "time", lambda: later)
    answer = client.get(reverse("portal:pin"), follow=True)
    if signed_out:
        assert answer.redirect_chain == [(HOME, 302)]
        assert b"signed out after 15 minutes without activity" in answer.content
        assert session.PATRON_KEY not in client.session
    else:
        assert answer.redirect_chain == []
        assert b"Change my PIN" in answer.content


def test_idle_sign_out_on_the_home_page_says_so(client, patron, monkeypatch):
    signed_in(client, patron)
    later = time.time() + 16 * 60
    monkeypatch.setattr(session.time, "time", lambda: later)
    answer = client.get(HOME)
    assert b"signed out after 15 minutes without activity" in answer.content
    assert b"Sign in to your library account" in answer.content


# The screens anyone may open: the sign-in page, the privacy policy, the language choice.
PUBLIC = {"home", "sign_out", "privacy", "language"}


def _screens():
    for pattern in portal_urls.urlpatterns:
        if pattern.name not in PUBLIC and not pattern.pattern.converters:
            yield pattern.name


@pytest.mark.parametrize("name", sorted(_screens()))
def test_a_signed_out_visitor_reaching_a_portal_screen_lands_on_the_sign_in_page(client, db, name):
    answer = client.get(reverse(f"portal:{name}"))
    assert answer.status_code == 302, name
    assert answer["Location"] == HOME, name


def test_the_staff_sign_in_page_sends_patrons_to_the_portal(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'href="/my/"' in page and "Library patrons: sign in to your account here" in page


def test_the_command_line_unlocks_a_card(patron):
    from typer.testing import CliRunner

    from custodian.cli import app

    for _ in range(signin.CARD_LIMIT):
        signin.authenticate(card_number=patron.card_number, pin="1357", address="10.0.0.4")
    run = CliRunner().invoke(app, ["patrons", "unlock-portal", patron.card_number])
    assert run.exit_code == 0, run.output
    assert "unlocked" in run.output and patron.card_number not in run.output
    ok = signin.authenticate(card_number=patron.card_number, pin=PIN, address="10.0.0.5")
    assert ok.outcome == "signed_in"
    entry = AuditEntry.objects.filter(action="portal.unlocked").get()
    assert (entry.actor, entry.outcome) == ("custodian-cli", "allowed")
    again = CliRunner().invoke(app, ["patrons", "unlock-portal", patron.card_number, "--json"])
    assert again.exit_code == 0 and '"unlocked": false' in again.output
    unknown = CliRunner().invoke(app, ["patrons", "unlock-portal", UNKNOWN_CARD])
    assert unknown.exit_code == 2 and "Nothing was changed" in " ".join(unknown.output.split())
    assert AuditEntry.objects.filter(action="portal.unlocked").count() == 2
