"""The intake at the counter in four short steps (issue 9): what each step asks of whom,
nothing chosen in advance, errors at the field, back and forward, whole groups, and the
answers in progress kept in the session only until the request is taken or abandoned."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from custodian.disclosure import vocab
from custodian.disclosure.intake_forms import GROUPS
from custodian.disclosure.intake_views import SESSION_KEY
from custodian.disclosure.models import Case, DisclosureRequest
from tests.disclosure.conftest import CARD
from tests.disclosure.intake_walk import inputs_on, walk_intake

pytestmark = pytest.mark.django_db

WHO, HOW, SHOWS, WANTS = (
    reverse(f"disclosure:{n}") for n in ("intake", "intake_how", "intake_shows", "intake_wants")
)
CANCEL = reverse("disclosure:intake_cancel")

OFFICER = {
    "requester_kind": "immigration",
    "channel": "in_person",
    "officer_name": "J. Smith",
    "officer_badge": "4471",
    "officer_agency": "ICE",
    "evidence": ["officer_credentials"],
    "instrument_type": "administrative_warrant",
    "instrument_signed_by": "agency_officer",
    "instrument_scope": ["registration.address"],
    "card_number": CARD,
    "requested": ["registration.address", "loans.titles"],
}
PARENT = {
    "requester_kind": "guardian",
    "channel": "in_person",
    "requester_name": "A. Parent",
    "evidence": ["library_card"],
    "card_number": CARD,
    "patron_age": "15",
    "requested": ["overdue.status"],
}


@pytest.fixture
def desk(client, staff, door):
    client.force_login(staff["desk"])
    return client


def answer(client, url, data, go="next"):
    return client.post(url, {**data, "go": go})


def html_of(resp) -> str:
    return resp.content.decode()


def form_html(resp) -> str:
    return html_of(resp).split('id="intake-form"', 1)[1]


def reach(client, step_url, data):
    """Answer the steps before `step_url` from `data`; return that step's page."""
    for url in (WHO, HOW, SHOWS, WANTS):
        page = client.get(url)
        if url == step_url:
            return page
        names = inputs_on(html_of(page))
        resp = answer(client, url, {k: v for k, v in data.items() if k in names})
        assert resp.status_code == 302, html_of(resp)[:2000]
    raise AssertionError(step_url)


def test_the_groups_hold_each_of_the_27_fields_once():
    fields = [f for _, _, group in GROUPS for f in group]
    assert sorted(fields) == sorted(vocab.FIELDS) and len(fields) == len(set(fields)) == 27
    assert [label for _, label, _ in GROUPS] == [
        "Account and contact",
        "What they have out",
        "History",
        "Money",
        "Programs and rooms",
        "Computers and searches",
        "Video",
    ]


def test_a_parent_is_asked_about_the_card_and_never_about_a_legal_document(desk):
    assert "officer_badge" not in inputs_on(html_of(reach(desk, HOW, PARENT)))
    shows = inputs_on(html_of(reach(desk, SHOWS, PARENT)))
    assert {"card_number", "patron_age", "financially_responsible", "evidence"} <= shows
    assert not {n for n in shows if n.startswith("instrument")}
    page = form_html(reach(desk, SHOWS, PARENT))
    assert 'value="pin"' in page and 'value="officer_credentials"' not in page
    wants = inputs_on(html_of(reach(desk, WANTS, PARENT)))
    assert "card_number" not in wants and "scan" not in wants  # the card was on the last step


def test_an_officer_with_a_warrant_is_asked_about_the_document_and_never_about_a_card(desk):
    how = inputs_on(html_of(reach(desk, HOW, OFFICER)))
    assert {"officer_name", "officer_badge", "officer_agency", "stated_purpose"} <= how
    assert "requester_name" not in how
    shows_page = reach(desk, SHOWS, OFFICER)
    shows = inputs_on(html_of(shows_page))
    assert {"instrument_type", "instrument_signed_by", "instrument_court"} <= shows
    assert {"instrument_scope", "instrument_date_from", "nondisclosure"} <= shows
    assert not {"card_number", "patron_age", "financially_responsible"} & shows
    for card_proof in ("library_card", "pin", "card_number"):
        assert f'name="evidence" value="{card_proof}"' not in form_html(shows_page)
    # The patron it is about, the groups and the scan of the document come last.
    wants = inputs_on(html_of(reach(desk, WANTS, OFFICER)))
    assert {"card_number", "requested", "requested_groups", "scan"} <= wants
    # Without a document there is nothing to scan.
    no_document = {k: v for k, v in OFFICER.items() if not k.startswith("instrument")}
    assert "scan" not in inputs_on(
        html_of(reach(desk, WANTS, {**no_document, "instrument_type": "none"}))
    )


def test_nothing_is_chosen_before_the_clerk_chooses(desk):
    for url in (WHO, HOW, SHOWS, WANTS):
        page = reach(desk, url, OFFICER)
        assert page.status_code == 200
        # The only defaults say that nothing was said: no signer, no court, no purpose.
        ticked = re.findall(r"<input[^>]*checked[^>]*>", form_html(page))
        assert all('value=""' in t for t in ticked), (url, ticked)
        chosen = re.findall(r"<option[^>]*selected[^>]*>([^<]*)", form_html(page))
        assert set(chosen) <= {vocab.PURPOSES[""]}, url
    first = form_html(desk.get(WHO))
    assert first.count('type="radio" name="requester_kind"') == len(vocab.REQUESTER_KINDS)


def test_an_error_shows_at_its_field_and_takes_the_focus(desk):
    resp = answer(desk, WHO, {})
    assert resp.status_code == 400
    page = form_html(resp)
    assert '<p class="message error" role="alert" id="id_requester_kind_error">' in page
    assert "Choose who is asking." in page
    radios = re.findall(r'<input type="radio" name="requester_kind"[^>]*>', page)
    assert radios and all(
        'aria-invalid="true"' in r and 'aria-describedby="id_requester_kind_error"' in r
        for r in radios
    )
    assert "autofocus" in radios[0] and not any("autofocus" in r for r in radios[1:])
    # Two errors on one step: each at its field, the focus on the first.
    reach(desk, SHOWS, OFFICER)
    resp = answer(
        desk,
        SHOWS,
        {"instrument_date_from": "2026-05-01", "instrument_date_to": "2026-01-01"},
    )
    page = form_html(resp)
    assert resp.status_code == 400
    assert 'id="id_instrument_type_error"' in page and 'id="id_instrument_date_to_error"' in page
    assert "ends before it starts" in page.split('id="id_instrument_date_to_error"')[1][:120]
    to = re.search(r'<input type="date" name="instrument_date_to"[^>]*>', page)[0]
    assert 'aria-invalid="true"' in to and "autofocus" not in to
    first = re.search(r'<input type="radio" name="instrument_type"[^>]*>', page)[0]
    assert "autofocus" in first and page.count("autofocus") == 1  # the first error only


def test_back_and_forward_keep_what_was_entered(desk):
    reach(desk, SHOWS, OFFICER)
    # Half-filled, then Back: kept as typed even though it is not finished.
    resp = answer(
        desk, SHOWS, {"instrument_type": "search_warrant", "instrument_court": "state"}, go="back"
    )
    assert resp.status_code == 302 and resp["Location"] == HOW
    how = form_html(desk.get(HOW))
    assert 'value="J. Smith"' in how and 'value="4471"' in how
    assert re.search(r'value="in_person"[^>]*checked', how)
    assert answer(desk, HOW, {**OFFICER}).status_code == 302  # forward again
    shows = form_html(desk.get(SHOWS))
    assert re.search(r'value="search_warrant"[^>]*checked', shows)
    assert re.search(r'value="state"[^>]*checked', shows)
    assert desk.get(WANTS)["Location"] == SHOWS  # not answered yet: no skipping ahead


def test_a_step_asked_for_early_sends_the_clerk_to_the_first_unanswered(desk):
    assert desk.get(WANTS)["Location"] == WHO
    assert answer(desk, SHOWS, OFFICER)["Location"] == WHO
    answer(desk, WHO, OFFICER)
    assert desk.get(SHOWS)["Location"] == HOW
    assert DisclosureRequest.objects.count() == 0


def test_changing_who_is_asking_asks_the_later_steps_again(desk):
    reach(desk, WANTS, OFFICER)
    answer(desk, WHO, {"requester_kind": "guardian"})
    assert desk.get(SHOWS)["Location"] == HOW
    answer(desk, HOW, {"channel": "in_person"})
    shows = inputs_on(html_of(desk.get(SHOWS)))
    assert "instrument_type" not in shows and "card_number" in shows


def test_a_whole_group_asks_for_every_field_in_it(desk):
    resp = walk_intake(
        desk,
        {**OFFICER, "requested": ["loans.titles"], "requested_groups": ["money", "video"]},
    )
    assert resp.status_code == 302
    req = DisclosureRequest.objects.get()
    assert req.requested == [
        "loans.titles",
        "charges.amount",
        "charges.details",
        "payments.records",
        "video.records",
    ]
    walk_intake(desk, {**OFFICER, "instrument_scope": [], "instrument_scope_groups": ["history"]})
    assert DisclosureRequest.objects.exclude(pk=req.pk).get().instrument_scope == [
        "history.titles",
        "reference.records",
    ]


def test_the_session_copy_is_deleted_when_the_request_is_taken(desk, audit_log):
    reach(desk, WANTS, OFFICER)
    assert desk.session[SESSION_KEY]["answers"]["how"]["officer_name"] == "J. Smith"
    resp = answer(desk, WANTS, {"card_number": CARD, "requested": ["loans.titles"]})
    assert resp.status_code == 302
    assert resp["Location"] == reverse(
        "disclosure:request", args=[DisclosureRequest.objects.get().ref]
    )
    assert SESSION_KEY not in desk.session
    assert [e["action"] for e in audit_log].count("disclosure.intake") == 1
    # The next request starts empty.
    assert "J. Smith" not in html_of(reach(desk, HOW, {"requester_kind": "immigration"}))


def test_starting_over_forgets_the_answers_and_records_nothing(desk, audit_log):
    reach(desk, WANTS, OFFICER)
    resp = desk.post(CANCEL, {"requested": ["loans.titles"]}, follow=True)
    assert resp.redirect_chain[-1][0] == WHO
    assert "Nothing was recorded" in html_of(resp)
    assert SESSION_KEY not in desk.session
    assert DisclosureRequest.objects.count() == 0 and audit_log == []
    assert desk.get(HOW)["Location"] == WHO
    assert desk.get(CANCEL).status_code == 405


def test_no_patron_data_travels_in_a_url(desk):
    pages = []
    resp = walk_intake(desk, {**OFFICER, "desk_notes": "tall, grey coat"}, pages=pages)
    urls = [p.request["PATH_INFO"] + "?" + p.request.get("QUERY_STRING", "") for p in pages]
    urls.append(resp["Location"])
    for url in urls:
        for secret in (CARD, "Smith", "4471", "grey"):
            assert secret not in url
    assert len(pages) == 4


def test_a_refused_answer_at_the_end_is_shown_at_the_step_that_holds_it(desk):
    # The card number is on "What they show" for a patron, on "What they want" for an officer.
    patron = {"requester_kind": "patron", "channel": "in_person", "card_number": "0000"}
    resp = walk_intake(desk, {**patron, "evidence": ["photo_id"], "requested": ["loans.count"]})
    assert resp.status_code == 400
    page = form_html(resp)
    assert f'action="{SHOWS}"' in html_of(resp)
    assert "No patron has that card number" in page.split('id="id_card_number_error"')[1][:200]
    assert DisclosureRequest.objects.count() == 0
    desk.post(CANCEL)
    resp = walk_intake(desk, {**OFFICER, "card_number": "0000"})
    assert resp.status_code == 400 and f'action="{WANTS}"' in html_of(resp)
    assert 'id="id_card_number_error"' in html_of(resp)
    # A bad scan is refused at the scan, on the last step.
    resp = answer(
        desk,
        WANTS,
        {
            "card_number": CARD,
            "requested": ["loans.titles"],
            "scan": SimpleUploadedFile("w.pdf", b"<html>no</html>"),
        },
    )
    assert resp.status_code == 400 and 'id="id_scan_error"' in html_of(resp)
    assert DisclosureRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "bad"),
    [
        (WHO, {"requester_kind": "wizard"}),
        (HOW, {"channel": "pigeon"}),
        (HOW, {"channel": "in_person", "officer_name": "x" * 201}),
        (SHOWS, {"evidence": ["pin"], "instrument_type": "none"}),  # a card proof, for an officer
        (SHOWS, {"instrument_type": "none", "instrument_scope": ["secret.diary"]}),
        (SHOWS, {"instrument_type": "none", "instrument_court": "state"}),
        (WANTS, {"requested": ["secret.diary"]}),
        (WANTS, {"requested_groups": ["everything"]}),
        (WANTS, {}),
        (WANTS, {"card_number": "1" * 33, "requested": ["loans.titles"]}),
        (WANTS, {"desk_notes": "x" * 5000, "requested": ["loans.titles"]}),
    ],
)
def test_bad_input_changes_nothing(desk, audit_log, url, bad):
    reach(desk, url, OFFICER)
    before = desk.session.get(SESSION_KEY)
    resp = answer(desk, url, bad)
    assert resp.status_code == 400
    assert 'class="message error"' in form_html(resp)
    assert desk.session.get(SESSION_KEY) == before
    assert DisclosureRequest.objects.count() == 0 and audit_log == []


def test_a_secrecy_order_is_shown_once_and_the_answers_forgotten(desk):
    resp = walk_intake(
        desk,
        {
            **OFFICER,
            "requester_kind": "law_enforcement",
            "instrument_type": "fisa_order",
            "instrument_signed_by": "judge",
            "instrument_court": "fisa",
            "instrument_scope": ["loans.titles"],
            "requested": ["loans.titles"],
        },
    )
    assert resp.status_code == 200 and "Sealed" in html_of(resp)
    assert SESSION_KEY not in desk.session and Case.objects.get().sealed


def test_roles_that_take_no_requests_are_refused_at_every_step(client, staff, door, audit_log):
    client.force_login(staff["auditor"])
    for url in (WHO, HOW, SHOWS, WANTS):
        assert client.get(url).status_code == 403
        assert audit_log[-1]["outcome"] == "refused"
    assert client.post(CANCEL).status_code == 403


@pytest.mark.parametrize("who", [OFFICER, PARENT], ids=["officer", "parent"])
def test_every_step_speaks_in_words_not_codes(desk, who):
    from custodian.testing.plain_words import raw_codes_in, visible_text

    for url in (WHO, HOW, SHOWS, WANTS):
        text = visible_text(html_of(reach(desk, url, who)))
        assert raw_codes_in(text) == [], (url, raw_codes_in(text))
