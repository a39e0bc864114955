"""PINs: the patron's own change (old PIN first), the desk's reset after the profile's proof of
identity (audited, the patron told), and a PIN or card number never written anywhere."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from custodian.audit.models import AuditEntry
from custodian.circulation import services as circulation
from custodian.portal import services_signin as signin
from custodian.portal.models import SignInThrottle
from custodian.records.models import Patron
from tests.portal.signin import signed_in
from tests.portal.test_sign_in import PIN, cheap_pins, post  # noqa: F401

NEW = "5082"


@pytest.fixture
def patron(rosalind, cheap_pins):  # noqa: F811
    circulation.set_pin(patron=rosalind, pin=PIN)
    return rosalind


def pin_is(patron, pin) -> bool:
    return circulation.verify_pin(patron=Patron.objects.get(pk=patron.pk), pin=pin)


def change(client, old, new, again=None):
    return client.post(
        reverse("portal:pin"),
        {"old_pin": old, "new_pin": new, "new_pin_again": new if again is None else again},
    )


def test_the_pin_page_needs_sign_in_and_shows_the_librarys_length(client, patron, settings):
    assert client.get(reverse("portal:pin"))["Location"] == "/my/"
    settings.CUSTODIAN_PIN_MIN_LENGTH = 6
    page = signed_in(client, patron).get(reverse("portal:pin"))
    assert b"at least 6 digits" in page.content


def test_a_pin_change_needs_the_old_pin(client, patron):
    signed_in(client, patron)
    answer = change(client, "1357", NEW)
    assert b"Your current PIN was not right" in answer.content
    assert pin_is(patron, PIN) and not pin_is(patron, NEW)
    # A wrong old PIN counts like a failed sign-in: a session left open is no way to guess.
    assert SignInThrottle.objects.get(key=signin.card_key(patron.card_number)).failures == 1
    assert not AuditEntry.objects.filter(action="portal.pin_changed").exists()


@pytest.mark.parametrize(
    ("new", "again", "says"),
    [
        ("123", None, b"at least 4 digits"),
        ("12ab", None, b"digits only"),
        ("1111", None, b"too easy to guess"),
        ("6789", None, b"too easy to guess"),
        ("3210", None, b"too easy to guess"),
        (PIN, None, b"same as the old one"),
        (NEW, "5083", b"not the same"),
        ("1234567890123", None, b"at most 12 digits"),
    ],
)
def test_a_bad_new_pin_is_refused_and_changes_nothing(client, patron, new, again, says):
    signed_in(client, patron)
    answer = change(client, PIN, new, again)
    assert answer.status_code == 200 and says in answer.content, answer.content[-800:]
    assert pin_is(patron, PIN)
    assert not mail.outbox


def test_the_librarys_minimum_length_is_kept(client, patron, settings):
    settings.CUSTODIAN_PIN_MIN_LENGTH = 6
    signed_in(client, patron)
    assert b"at least 6 digits" in change(client, PIN, "50821").content
    assert change(client, PIN, "508219").status_code == 302


def test_a_pin_change_is_made_audited_and_the_patron_told(client, patron):
    signed_in(client, patron)
    answer = change(client, PIN, NEW)
    assert answer.status_code == 302
    assert pin_is(patron, NEW) and not pin_is(patron, PIN)
    assert b"Your PIN has been changed" in client.get(answer["Location"]).content
    entry = AuditEntry.objects.filter(action="portal.pin_changed").get()
    assert (entry.actor, entry.patron_ref, entry.fields) == ("patron", str(patron.ref), [])
    [notice] = mail.outbox
    assert notice.to == [patron.email] and "changed online" in notice.body
    # Still signed in, under a new session key.
    assert client.get(reverse("portal:pin")).status_code == 200


# The desk ---------------------------------------------------------------------------


@pytest.fixture
def desk(client, clerk):
    client.force_login(clerk)
    return client


def reset(desk, patron, evidence, **extra):
    return desk.post(
        reverse("desk:pin_reset", kwargs={"ref": patron.ref}), {"evidence": evidence, **extra}
    )


def test_the_desk_patron_page_links_to_the_reset(desk, patron):
    page = desk.get(reverse("desk:patron", kwargs={"ref": patron.ref}))
    assert reverse("desk:pin_reset", kwargs={"ref": patron.ref}).encode() in page.content


def test_a_desk_reset_without_enough_proof_is_refused_and_audited(desk, patron):
    page = desk.get(reverse("desk:pin_reset", kwargs={"ref": patron.ref}))
    assert b"Current photo identification" in page.content
    for evidence in ([], ["card_number"], ["pin"]):
        answer = reset(desk, patron, evidence)
        assert answer.status_code == 400
        assert b"The PIN was not changed" in answer.content
        assert b"photo identification or the library card" in answer.content
    assert pin_is(patron, PIN)
    assert not mail.outbox
    refused = AuditEntry.objects.filter(action="portal.pin_reset")
    assert [e.outcome for e in refused] == ["refused"] * 3
    assert all(e.actor == "clerk" and e.patron_ref == str(patron.ref) for e in refused)


def test_a_desk_reset_with_photo_id_makes_a_pin_shown_once(desk, patron):
    for _ in range(signin.CARD_LIMIT):
        signin.authenticate(card_number=patron.card_number, pin="1357", address="10.1.1.1")
    answer = reset(desk, patron, ["photo_id"], how="random")
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    shown = answer.context["pin_shown"]
    assert shown.isdigit() and len(shown) == 4 and not signin.is_trivial(shown)
    assert shown.encode() in answer.content
    assert pin_is(patron, shown)
    # The reset lifts the lock: the patron signs in with the new PIN.
    assert signin.authenticate(
        card_number=patron.card_number, pin=shown, address="10.1.1.2"
    ).outcome == ("signed_in")
    entry = AuditEntry.objects.filter(action="portal.pin_reset").get()
    assert (entry.actor, entry.role, entry.outcome) == ("clerk", "desk", "allowed")
    [notice] = mail.outbox
    assert notice.to == [patron.email] and "reset at the library desk" in notice.body
    assert shown not in notice.body and patron.card_number not in notice.body
    told = AuditEntry.objects.filter(action="portal.notice").get()
    assert told.outcome == "sent_email"


def test_a_desk_reset_to_a_pin_the_patron_chose(desk, patron):
    answer = reset(desk, patron, ["library_card"], how="typed", new_pin=NEW, new_pin_again=NEW)
    assert answer.status_code == 200 and answer.context["pin_shown"] is None
    assert pin_is(patron, NEW)
    trivial = reset(desk, patron, ["photo_id"], how="typed", new_pin="0000", new_pin_again="0000")
    assert trivial.status_code == 400 and pin_is(patron, NEW)


@pytest.mark.parametrize(
    ("channel", "gateway", "to", "outcome"),
    [
        ("sms", "{number}@sms.example.net", "7075550101@sms.example.net", "sent_sms"),
        ("sms", "", None, "not_sent"),
        ("phone", "{number}@voice.example.net", "7075550101@voice.example.net", "sent_phone"),
        ("none", "x{number}@example.net", None, "not_sent"),
    ],
)
def test_the_patron_is_told_by_their_chosen_channel(
    desk, patron, settings, channel, gateway, to, outcome
):
    Patron.objects.filter(pk=patron.pk).update(notice_channel=channel)
    settings.CUSTODIAN_SMS_GATEWAY = settings.CUSTODIAN_VOICE_GATEWAY = gateway
    answer = reset(desk, patron, ["photo_id"])
    assert answer.status_code == 200
    assert [m.to for m in mail.outbox] == ([[to]] if to else [])
    if to is None:
        assert b"tell them yourself" in answer.content
    assert AuditEntry.objects.get(action="portal.notice").outcome == outcome


def test_the_card_number_and_pin_are_never_logged_stored_or_put_in_a_url(
    client, patron, clerk, caplog
):
    caplog.set_level(logging.DEBUG)
    # Long PINs, so no hash or timestamp in the places scanned can contain one by chance.
    first, second, wrong, third = "73049162", "58203719", "91827364", "40617283"
    circulation.set_pin(patron=patron, pin=first)
    secrets = [patron.card_number, first, second, wrong, third]
    answers = [
        post(client, patron.card_number, wrong),
        post(client, "29999000000000", first),
        post(client, patron.card_number, first),
        change(client, first, second),
    ]
    staff = type(client)()
    staff.force_login(clerk)
    answers.append(
        reset(staff, patron, ["photo_id"], how="typed", new_pin=third, new_pin_again=third)
    )
    answers.append(staff.post(reverse("desk:pin_unlock", kwargs={"ref": patron.ref})))
    places = {
        "log": caplog.text,
        "audit": "\n".join(AuditEntry.objects.values_list("body", flat=True)),
        "throttle": "\n".join(SignInThrottle.objects.values_list("key", flat=True)),
        "urls": "\n".join(a.get("Location", "") for a in answers),
        "mail": "\n".join(m.subject + m.body + " ".join(m.to) for m in mail.outbox),
        "sessions": "\n".join(str(dict(c.session)) for c in (client, staff)),
    }
    assert AuditEntry.objects.count() >= 4 and len(mail.outbox) == 2
    for where, text in places.items():
        for secret in secrets:
            assert secret not in text, (where, secret)


def test_a_notice_that_cannot_be_sent_leaves_the_reset_made_and_the_desk_told(
    desk, patron, monkeypatch
):
    from custodian.portal import notify

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notify, "send_mail", broken)
    answer = reset(desk, patron, ["photo_id"], how="typed", new_pin=NEW, new_pin_again=NEW)
    assert answer.status_code == 200 and b"tell them yourself" in answer.content
    assert pin_is(patron, NEW)
    assert AuditEntry.objects.get(action="portal.notice").outcome == "not_sent"
