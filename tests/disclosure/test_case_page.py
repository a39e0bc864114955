"""The director's case screens: lists that tell cases apart, a page with a summary and
folding sections, a written decision that starts with nothing chosen, and no raw codes."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from custodian.disclosure import services
from custodian.disclosure.models import Case
from custodian.testing.plain_words import raw_codes_in, visible_text
from tests.disclosure.intakes import fisa_order, law_enforcement, member_of_the_public, officer

pytestmark = pytest.mark.django_db


def _page(client, user, url):
    client.force_login(user)
    resp = client.get(url)
    assert resp.status_code == 200
    return resp.content.decode()


def _case_page(client, user, case):
    return _page(client, user, reverse("disclosure:case", args=[case.ref]))


def _form(html, form_id):
    match = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S)
    assert match, form_id
    return match.group(0)


def _details(html, fold_id):
    match = re.search(rf'<details class="fold" id="{fold_id}"([^>]*)>', html)
    assert match, fold_id
    return "open" in match.group(1)


def _rows(html, table_id):
    table = re.search(rf'<table class="case-rows" id="{table_id}">.*?</table>', html, re.S)
    assert table, table_id
    body = table.group(0).split("<tbody>")[1]
    return [visible_text(r) for r in re.findall(r"<tr[^>]*>.*?</tr>", body, re.S)]


# ---------------------------------------------------------------- the written decision


def test_the_written_decision_starts_with_nothing_chosen(client, staff, door):
    case = services.intake(user=staff["desk"], data=officer()).case
    html = _case_page(client, staff["director"], case)
    form = _form(html, "decision-form")
    assert 'name="disclose"' in form and 'type="radio"' in form
    assert "checked" not in form and "selected" not in form
    # The override part is the Director's alone; a designee never sees it.
    assert 'id="override-part"' in html
    assert 'id="override-part"' not in _case_page(client, staff["designee"], case)


def test_one_written_decision_heading_with_the_decision_recorded(client, staff, door):
    data = law_enforcement("search_warrant", "judge", court="state", requested=["loans.titles"])
    case = services.intake(user=staff["desk"], data=data).case
    services.write_decision(
        user=staff["director"], case=case, disclose=True, text="Comply.", basis="A warrant."
    )
    html = _case_page(client, staff["director"], case)
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)
    assert sum("Written decision" in h for h in headings) == 1, headings
    assert 'id="decision-form"' in html and "Comply." in html


def test_a_decision_without_a_choice_is_refused_at_the_field(client, staff, door):
    case = services.intake(user=staff["desk"], data=officer()).case
    client.force_login(staff["director"])
    url = reverse("disclosure:decision", args=[case.ref])
    resp = client.post(url, {"text": "t", "basis": "b"}, follow=True)
    assert "Choose whether the library discloses" in resp.content.decode()
    assert case.written_decisions.count() == 0


def test_the_screen_records_an_override_only_when_it_is_given(client, staff, door):
    case = services.intake(user=staff["desk"], data=officer()).case
    client.force_login(staff["director"])
    url = reverse("disclosure:decision", args=[case.ref])
    body = {
        "disclose": "yes",
        "fields": ["registration.address"],
        "text": "Disclose the address.",
        "basis": "Counsel's advice.",
    }
    page = visible_text(client.post(url, body, follow=True).content.decode())
    assert "more than the policy engine" in page and case.written_decisions.count() == 0
    today = timezone.localdate()
    override = {
        "override": "on",
        "override_reason": "Reissued by a judge.",
        "override_counsel": "Town Attorney Ames",
        "counsel_reviewed_on": today.isoformat(),
    }
    page = client.post(url, {**body, **override}, follow=True).content.decode()
    assert "with the Director's override" in visible_text(page)
    wd = case.written_decisions.get()
    assert wd.override and wd.counsel_name == "Town Attorney Ames"
    text = visible_text(page)
    assert "Director's override of the policy engine" in text  # the timeline's label
    assert f"Town Attorney Ames, {today.day} {today:%B %Y}" in text
    assert raw_codes_in(text) == []


# ---------------------------------------------------------------- summary and folding


def test_summary_says_what_waits_on_whom_and_the_action_section_is_open(client, staff, door):
    case = services.intake(user=staff["desk"], data=officer()).case
    html = _case_page(client, staff["director"], case)
    summary = visible_text(re.search(r'<ul class="summary".*?</ul>', html, re.S).group(0))
    assert "Waiting for The legal review" in summary
    assert "Waiting on The Library Director" in summary
    assert f"Due {case.due_on.day} {case.due_on:%B %Y}" in summary
    assert _details(html, "fold-review") and not _details(html, "fold-decision")
    assert not _details(html, "fold-timeline")
    # After a review that approves a partial release, the written decision is what waits.
    services.review(
        user=staff["director"], case=case, instrument_valid=True, counsel_consulted=True
    )
    html = _case_page(client, staff["director"], case)
    assert "Waiting for The Director's written decision" in visible_text(html)
    assert _details(html, "fold-decision") and not _details(html, "fold-review")


def test_the_case_page_shows_no_raw_code_or_machine_time(client, staff, door):
    data = law_enforcement(
        "search_warrant",
        "judge",
        court="state",
        requested=["loans.titles", "registration.address"],
        scope=("loans.titles",),
        evidence=["officer_credentials", "photo_id"],
    )
    case = services.intake(user=staff["desk"], data=data).case
    services.write_decision(
        user=staff["director"], case=case, disclose=True, text="Comply.", basis="A warrant."
    )
    services.release(user=staff["director"], case=case, handed_to="Det. Ruiz")
    text = visible_text(_case_page(client, staff["director"], case))
    assert raw_codes_in(text) == [], raw_codes_in(text)
    for words in ("Officer credentials", "Titles of items checked out now", "A judge"):
        assert words.lower() in text.lower(), words
    assert "Postal address" in text  # asked for, in words


# ---------------------------------------------------------------- the lists


def test_case_list_tells_cases_apart_and_the_row_is_a_link(client, staff, door):
    officer_case = services.intake(user=staff["desk"], data=officer()).case
    Case.objects.filter(pk=officer_case.pk).update(opened_at=timezone.now() - dt.timedelta(days=3))
    services.intake(user=staff["desk"], data=member_of_the_public(requester_name="A neighbour"))
    html = _page(client, staff["director"], reverse("disclosure:cases"))
    rows = _rows(html, "cases")
    public, immigration = rows  # newest first
    assert "Member of the public: A neighbour" in public
    assert "No legal document" in public and "What they have out" in public
    assert "Today" in public and "The branch manager" in public
    assert "Immigration officer: J. Smith, ICE" in immigration
    assert "Administrative warrant" in immigration
    assert "Account and contact, What they have out" in immigration
    assert "3 days" in immigration and "The Library Director" in immigration
    due = Case.objects.get(pk=officer_case.pk).due_on
    assert f"{due.day} {due:%B %Y}" in immigration
    assert html.count('class="row-link"') == 3  # 1 waiting on the Director + 2 in all cases
    assert raw_codes_in(visible_text(html)) == []


def test_waiting_on_you_lists_only_the_signed_in_roles_cases(client, staff, door):
    director_case = services.intake(user=staff["desk"], data=officer()).case
    manager_case = services.intake(user=staff["desk"], data=member_of_the_public()).case
    director = _page(client, staff["director"], reverse("disclosure:cases"))
    manager = _page(client, staff["branch_manager"], reverse("disclosure:cases"))
    desk = _page(client, staff["desk"], reverse("disclosure:cases"))

    def queue(html):
        if 'id="queue-table"' not in html:
            return set()
        table = html.split('id="queue-table"')[1].split("</table>")[0]
        return set(re.findall(r"/disclosure/cases/([0-9a-f-]+)/", table))

    assert queue(director) == {str(director_case.ref)}
    assert queue(manager) == {str(manager_case.ref)}
    assert queue(desk) == set() and "Waiting on you" not in desk
    # The designee works the Director's queue.
    designee = _page(client, staff["designee"], reverse("disclosure:cases"))
    assert queue(designee) == {str(director_case.ref)}


def test_a_sealed_case_hides_who_asked_in_the_list_and_stays_hidden(client, staff, door):
    sealed = services.intake(user=staff["desk"], data=fisa_order(officer_name="Agent Q")).case
    html = _page(client, staff["director"], reverse("disclosure:cases"))
    row = next(r for r in _rows(html, "cases") if "Sealed" in r)
    assert "Agent Q" not in row and "Law enforcement officer" in row
    for who in ("branch_manager", "desk"):
        assert str(sealed.ref) not in _page(client, staff[who], reverse("disclosure:cases"))
