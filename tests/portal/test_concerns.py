"""Tell the Director: the patron writes, the Director answers, nobody else reads it."""

import datetime as dt
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from custodian.accounts.models import Role
from custodian.audit.models import AuditEntry
from custodian.door import Reader
from custodian.portal.models import Concern
from custodian.portal.services_concerns import (
    MAX_OPEN_PER_PATRON,
    ConcernError,
    answer_days,
    file_concern,
)
from custodian.words import day
from tests.door import library
from tests.portal.signin import signed_in

pytestmark = pytest.mark.django_db

URL = "/my/tell-the-director/"
LIST = "/staff/concerns/"
WORDS = "Why did the desk read my loans out loud on the phone last Tuesday?"


@pytest.fixture
def director(main_branch):
    return library.staff(Role.DIRECTOR, "director", at=main_branch)


def _write(client, patron, *, topic="told", message=WORDS):
    signed_in(client, patron)
    return client.post(URL, {"topic": topic, "message": message})


def _bodies() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("body", flat=True))


def test_a_patrons_concern_reaches_the_directors_list_with_its_due_date(client, rosalind, director):
    response = _write(client, rosalind)
    assert response.status_code == 302 and response.url == reverse("portal:concerns")
    concern = Concern.objects.get()
    assert concern.patron == rosalind and concern.message == WORDS
    assert concern.due_on == timezone.localdate() + dt.timedelta(days=answer_days())

    page = client.get(URL).content.decode()
    assert "Waiting for the Director" in page and WORDS in page
    assert day(concern.due_on) in page

    client.force_login(director)
    listing = client.get(LIST).content.decode()
    assert "Who was told about me, or who looked" in listing
    assert day(concern.due_on) in listing
    assert reverse("concerns:open", args=[concern.ref]) in listing
    # The list says what waits, not who wrote what.
    assert WORDS not in listing and rosalind.last_name not in listing
    assert "Overdue" not in listing

    case = client.get(reverse("concerns:open", args=[concern.ref])).content.decode()
    assert WORDS in case
    filed = AuditEntry.objects.get(action="concern_file")
    assert (filed.actor, filed.role, filed.patron_ref) == ("patron", "patron", str(rosalind.ref))
    opened = AuditEntry.objects.filter(action="concern_read", role="director").get()
    assert opened.patron_ref == str(rosalind.ref) and opened.actor == "director"
    # The words stay out of the log, whoever wrote or read them.
    assert not any("desk read my loans" in body for body in _bodies())


def test_overdue_concerns_are_marked_on_the_directors_list(client, rosalind, director):
    reader = Reader.patron(rosalind.ref)
    late = timezone.now() - dt.timedelta(days=answer_days() + 2)
    file_concern(reader=reader, topic="history", message="An old question", now=late)
    file_concern(reader=reader, topic="kept", message="A new question")
    client.force_login(director)
    listing = client.get(LIST).content.decode()
    assert listing.count("Overdue") == 1
    assert "2 waiting for an answer" in listing and "1 past the due date" in listing
    # Soonest due first: the overdue one leads.
    assert listing.index("My reading history") < listing.index("What the library keeps about me")


@pytest.mark.parametrize("role", [Role.DESK, Role.BRANCH_MANAGER, Role.AUDITOR, Role.IT_ADMIN])
def test_staff_other_than_the_director_cannot_see_concerns(client, rosalind, main_branch, role):
    _write(client, rosalind)
    concern = Concern.objects.get()
    client.force_login(library.staff(role, "someone", at=main_branch))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("concerns:open", args=[concern.ref])).status_code == 403
    refused = client.post(
        reverse("concerns:open", args=[concern.ref]), {"action": "answer", "answer": "No."}
    )
    assert refused.status_code == 403
    concern.refresh_from_db()
    assert concern.status == Concern.Status.OPEN and concern.answer == ""
    assert not AuditEntry.objects.filter(action="concern_read").exclude(role="patron").exists()
    assert AuditEntry.objects.filter(action="denied", role=str(role)).count() == 3


def test_the_designee_may_answer(client, rosalind, main_branch):
    _write(client, rosalind)
    client.force_login(library.staff(Role.DESIGNEE, "designee", at=main_branch))
    assert client.get(LIST).status_code == 200


def test_the_director_answers_and_the_patron_sees_the_answer(client, rosalind, director):
    _write(client, rosalind)
    concern = Concern.objects.get()
    client.force_login(director)
    url = reverse("concerns:open", args=[concern.ref])
    answer = "We looked into it: staff read due dates only, as the policy allows."
    assert client.post(url, {"action": "answer", "answer": answer}).status_code == 302
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ANSWERED and concern.answered_by == director

    page = _write_nothing_and_read(client, rosalind)
    assert answer in page and "Answered" in page and "Waiting for the Director" not in page

    client.force_login(director)
    assert client.post(url, {"action": "close"}).status_code == 302
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED
    assert reverse("concerns:open", args=[concern.ref]) not in client.get(LIST).content.decode()
    assert str(concern.ref) in client.get(LIST + "?show=closed").content.decode()
    # A closed concern is not answered again.
    again = client.post(url, {"action": "answer", "answer": "Another answer"})
    assert again.status_code == 400 and "closed" in again.content.decode()
    concern.refresh_from_db()
    assert concern.answer == answer
    actions = list(
        AuditEntry.objects.filter(role="director").values_list("action", "outcome", "patron_ref")
    )
    assert ("concern_answer", "recorded", str(rosalind.ref)) in actions
    assert ("concern_close", "closed", str(rosalind.ref)) in actions
    assert not any("staff read due dates" in body for body in _bodies())


def _write_nothing_and_read(client, patron) -> str:
    signed_in(client, patron)
    return client.get(URL).content.decode()


def test_an_empty_answer_or_an_unknown_action_changes_nothing(client, rosalind, director):
    _write(client, rosalind)
    concern = Concern.objects.get()
    client.force_login(director)
    url = reverse("concerns:open", args=[concern.ref])
    for data in ({"action": "answer", "answer": "  "}, {"action": "shred", "answer": "x"}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()
    # Closing needs an answer first.
    assert client.post(url, {"action": "close"}).status_code == 400
    concern.refresh_from_db()
    assert concern.status == Concern.Status.OPEN and concern.answer == ""
    assert not AuditEntry.objects.filter(action__in=["concern_answer", "concern_close"]).exists()
    assert (
        client.get(
            reverse("concerns:open", args=[concern.ref]).replace(
                str(concern.ref), "00000000-0000-4000-8000-000000000000"
            )
        ).status_code
        == 404
    )


def test_a_patron_cannot_see_anothers_concern(client, rosalind):
    _write(client, rosalind)
    other = library.patron(card_number="21234000055555", first_name="Other", last_name="Person")
    page = _write_nothing_and_read(client, other)
    assert WORDS not in page and "You have not written to the Director." in page
    # Nor reach the Director's screens with a patron's session.
    concern = Concern.objects.get()
    response = client.get(reverse("concerns:open", args=[concern.ref]))
    assert response.status_code == 302 and "/staff/" in response.url
    assert client.get(LIST).status_code == 302


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.post(URL, {"topic": "other", "message": "hello"})
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"topic": "gossip", "message": "hello"}, "Please choose what your message is about."),
        ({"topic": "", "message": "hello"}, "Please choose what your message is about."),
        ({"topic": "other", "message": "   "}, "Please write your question or complaint."),
        ({"topic": "other", "message": "x" * 4001}, "under 4000 characters"),
    ],
)
def test_bad_input_gets_one_clear_line_and_changes_nothing(client, rosalind, data, error):
    signed_in(client, rosalind)
    response = client.post(URL, data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Concern.objects.exists()
    assert not AuditEntry.objects.filter(action="concern_file").exists()


def test_the_message_is_never_logged_or_put_in_a_url(client, rosalind, caplog):
    caplog.set_level(logging.DEBUG)
    response = _write(client, rosalind)
    assert "desk read" not in response.url
    follow = client.get(response.url)
    assert "desk read" not in caplog.text
    # The confirmation says the message went, not what it said.
    assert "Your message is with the Director" in follow.content.decode()


def test_a_patron_with_many_waiting_concerns_waits_for_an_answer(rosalind):
    reader = Reader.patron(rosalind.ref)
    for number in range(MAX_OPEN_PER_PATRON):
        file_concern(reader=reader, topic="other", message=f"Question {number}")
    with pytest.raises(ConcernError, match="waiting for the Director"):
        file_concern(reader=reader, topic="other", message="One more")
    assert Concern.objects.count() == MAX_OPEN_PER_PATRON


def test_the_due_date_and_the_clause_come_from_the_profile(client, rosalind, settings):
    from custodian.policy import get_engine

    settings.CUSTODIAN_PROFILE = "jackson-county"
    profile = get_engine().profile("jackson-county")
    assert profile.portal.concern_clause == "VIII"
    response = _write(client, rosalind)
    assert response.status_code == 302
    concern = Concern.objects.get()
    days = profile.portal.concern_answer_days
    assert concern.due_on == timezone.localdate() + dt.timedelta(days=days)
    filed = AuditEntry.objects.get(action="concern_file")
    assert filed.clauses == ["VIII"]
    page = client.get(URL).content.decode()
    assert "section VIII" in page and "file written comments with the Library Director" in page


def test_the_access_log_names_concern_actions_in_words():
    from custodian.audit import wording

    for code in ("concern_file", "concern_list", "concern_read", "concern_answer"):
        # A label of its own, not the fallback that just spells the code out.
        assert code in wording.ACTIONS and "_" not in wording.action(code)
        assert wording.action(code) != wording._words(code)
    assert wording.purpose("patron_concern").startswith("A patron's question")


def test_a_session_whose_account_is_gone_is_signed_out(client, main_branch):
    gone = library.patron(card_number="21234000077777", home=main_branch)
    signed_in(client, gone)
    gone.delete()
    response = client.get(URL)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert session_key_gone(client)


def session_key_gone(client) -> bool:
    from custodian.portal import session

    return session.PATRON_KEY not in client.session
