"""The disclosure screens: roles, sealing, bad input, and the main flows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from custodian.disclosure.models import Case, DisclosureRequest
from tests.disclosure.conftest import CARD
from tests.disclosure.intake_walk import walk_intake

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def intake_post(client, **extra):
    data = {
        "requester_kind": "immigration",
        "channel": "in_person",
        "evidence": ["officer_credentials"],
        "officer_name": "J. Smith",
        "officer_badge": "4471",
        "officer_agency": "ICE",
        "card_number": CARD,
        "instrument_type": "administrative_warrant",
        "instrument_signed_by": "agency_officer",
        "instrument_scope": ["registration.address"],
        "requested": ["registration.address", "loans.titles"],
    }
    data.update(extra)
    return walk_intake(client, data)


def test_intake_screen_and_decision(client, staff, door):
    client.force_login(staff["desk"])
    assert client.get(reverse("disclosure:intake")).status_code == 200
    resp = intake_post(client, scan=SimpleUploadedFile("w.pdf", PDF))
    assert resp.status_code == 302
    page = client.get(resp["Location"])
    html = page.content.decode()
    assert 'id="referral-text"' in html and "III.C.2" in html and "Secret Title" not in html
    case = Case.objects.get()
    assert client.get(reverse("disclosure:case", args=[case.ref])).status_code == 200
    assert client.get(reverse("disclosure:incident_report", args=[case.ref])).status_code == 200
    pdf = client.get(reverse("disclosure:incident_report", args=[case.ref]) + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    scan = client.get(reverse("disclosure:scan", args=[case.ref]))
    assert b"".join(scan.streaming_content).startswith(b"%PDF")


def test_unknown_card_and_bad_scan_change_nothing(client, staff, door):
    client.force_login(staff["desk"])
    resp = intake_post(client, card_number="0000")
    assert resp.status_code == 400 and "No patron has that card number" in resp.content.decode()
    resp = intake_post(client, scan=SimpleUploadedFile("w.pdf", b"<html>not a pdf</html>"))
    assert resp.status_code == 400 and "must be a PDF or an image" in resp.content.decode()
    with override_settings(CUSTODIAN_DISCLOSURE_MAX_SCAN_BYTES=100):
        resp = intake_post(client, scan=SimpleUploadedFile("w.pdf", PDF + b"x" * 200))
    assert resp.status_code == 400 and "too large" in resp.content.decode()
    assert DisclosureRequest.objects.count() == 0


def test_sealed_case_hidden_from_desk_and_manager(client, staff, door, audit_log):
    client.force_login(staff["desk"])
    resp = intake_post(
        client,
        requester_kind="law_enforcement",
        instrument_type="fisa_order",
        instrument_signed_by="judge",
        instrument_court="fisa",
        instrument_scope=["loans.titles"],
        requested=["loans.titles"],
    )
    assert resp.status_code == 200 and "Sealed" in resp.content.decode()
    case = Case.objects.get()
    for who in ("desk", "branch_manager"):
        client.force_login(staff[who])
        assert client.get(reverse("disclosure:case", args=[case.ref])).status_code == 404
        assert client.get(reverse("disclosure:request", args=[case.request.ref])).status_code == 404
        assert str(case.ref) not in client.get(reverse("disclosure:cases")).content.decode()
        assert audit_log[-2]["outcome"] == "refused" or audit_log[-1]["outcome"] in (
            "refused",
            "allowed",
        )
    client.force_login(staff["designee"])
    assert client.get(reverse("disclosure:case", args=[case.ref])).status_code == 200
    assert str(case.ref) in client.get(reverse("disclosure:cases")).content.decode()


def test_every_screen_checks_its_role(client, staff, door, audit_log):
    client.force_login(staff["desk"])
    intake_post(client)
    case = Case.objects.get()
    client.force_login(staff["it_admin"])
    for name, args in [
        ("intake", []),
        ("cases", []),
        ("case", [case.ref]),
        ("incident_report", [case.ref]),
        ("board", []),
    ]:
        resp = client.get(reverse(f"disclosure:{name}", args=args))
        assert resp.status_code == 403, name
        assert audit_log[-1]["outcome"] == "refused"
    client.force_login(staff["desk"])
    assert client.get(reverse("disclosure:board")).status_code == 403
    n = case.reviews.count()
    resp = client.post(reverse("disclosure:review", args=[case.ref]), {"instrument_valid": "yes"})
    assert resp.status_code == 403 and case.reviews.count() == n
    assert audit_log[-1]["action"] == "disclosure.review" and audit_log[-1]["outcome"] == "refused"
    client.logout()
    assert client.get(reverse("disclosure:cases")).status_code == 302


def test_director_review_decision_release_flow(client, staff, door):
    client.force_login(staff["desk"])
    intake_post(
        client,
        requester_kind="law_enforcement",
        instrument_type="search_warrant",
        instrument_signed_by="judge",
        instrument_court="state",
        instrument_scope=["loans.titles"],
    )
    case = Case.objects.get()
    client.force_login(staff["director"])
    page = client.get(reverse("disclosure:case", args=[case.ref])).content.decode()
    assert "Produce the disclosure package" in page
    resp = client.post(
        reverse("disclosure:release", args=[case.ref]),
        {"fields": ["loans.titles"], "handed_to": "Det. Smith"},
        follow=True,
    )
    assert "Disclosure package" in resp.content.decode()
    case.refresh_from_db()
    assert case.status == "released"
    rel = case.releases.get()
    f = client.get(reverse("disclosure:package", args=[case.ref, rel.ref, "json"]))
    assert b"loans.titles" in f.content


def test_board_page(client, staff, door):
    client.force_login(staff["auditor"])
    resp = client.get(reverse("disclosure:board") + "?year=2026")
    assert resp.status_code == 200 and "may therefore omit" in resp.content.decode()


def test_public_request_reaches_branch_manager_with_explanation(client, staff, real_engine):
    client.force_login(staff["desk"])
    with override_settings(CUSTODIAN_PROFILE="sonoma-county"):
        resp = walk_intake(
            client,
            {
                "requester_kind": "public",
                "channel": "in_person",
                "instrument_type": "none",
                "card_number": CARD,
                "requester_name": "A neighbour",
                "requested": ["loans.titles"],
            },
        )
        assert resp.status_code == 302
        page = client.get(resp["Location"]).content.decode()
        assert "branch manager" in page and "III.C.1" in page
        case = Case.objects.get()
        client.force_login(staff["branch_manager"])
        listing = client.get(reverse("disclosure:cases")).content.decode()
        assert str(case.ref) in listing and "Waiting on you" in listing
        page = client.get(reverse("disclosure:case", args=[case.ref])).content.decode()
        assert "What to explain to the requester" in page and "Branch Manager shall explain" in page
        assert 'id="review-form"' in page and "Record review and decide again" in page


def test_sealed_patron_refs(staff, door):
    from custodian.disclosure import selectors, services
    from custodian.disclosure.services import Intake

    services.intake(
        user=staff["desk"],
        data=Intake(
            requester_kind="law_enforcement",
            channel="in_person",
            card_number=CARD,
            requested=["loans.titles"],
            instrument_type="fisa_order",
            instrument_signed_by="judge",
            instrument_court="fisa",
            instrument_scope=["loans.titles"],
        ),
    )
    assert selectors.sealed_patron_refs() == {door.ref}


SONOMA_OFFICER_DOCUMENTS = {
    "no document": dict(instrument_type="", instrument_signed_by="", instrument_scope=[]),
    "judge-signed warrant": dict(
        instrument_type="search_warrant",
        instrument_signed_by="judge",
        instrument_court="state",
        instrument_scope=["loans.titles"],
    ),
    "subpoena": dict(
        instrument_type="subpoena",
        instrument_signed_by="clerk",
        instrument_court="state",
        instrument_scope=["loans.titles"],
    ),
    "FISA order": dict(
        instrument_type="fisa_order",
        instrument_signed_by="judge",
        instrument_court="fisa",
        instrument_scope=["loans.titles"],
    ),
}


def _checklist_region(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def _part_of(clause: str, whole: str) -> bool:
    return clause.startswith((whole + ".", whole + " "))


@pytest.mark.parametrize("document", SONOMA_OFFICER_DOCUMENTS)
@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_officer_screens_show_each_duty_once(client, staff, real_engine, document):
    import re

    from django.utils.html import escape

    from custodian.disclosure import services
    from tests.disclosure.intakes import officer

    data = officer(
        requester_kind="law_enforcement",
        requested=["loans.titles"],
        **SONOMA_OFFICER_DOCUMENTS[document],
    )
    screen = services.intake(user=staff["desk"], data=data)
    req = screen.request
    assert screen.officer_steps and screen.must_do, "an officer at a Sonoma desk"
    client.force_login(staff["director"])
    decision_html = client.get(reverse("disclosure:request", args=[req.ref])).content.decode()
    _assert_decision_page_shows_each_duty_and_clause_once(decision_html, screen)
    pages = {
        "case": _checklist_region(
            client.get(reverse("disclosure:case", args=[req.case.ref])).content.decode(),
            'id="todo"',
            "</section>",
        ),
    }
    for page, html in pages.items():
        items = re.findall(
            r'<li id="check-(\w+)"[^>]*>\s*<div class="duty-text">\s*<strong>(.*?)</strong>',
            html,
            re.S,
        )
        assert [code for code, _ in items if len(code) == 1] == list("abcdefghi"), page
        heads = {code: head.split(": ", 1)[0] for code, head in items if ": " in head}
        steps = {heads[code] for code in "abcdefghi"}
        # One duty, one item: no clause heads two items, and no obligation is shown beside
        # the step whose clause (or a part of it) it comes from.
        assert len(heads) == len(items) == len(set(heads.values())), (page, heads)
        shown_twice = [
            (code, clause)
            for code, clause in heads.items()
            if len(code) > 1 and any(clause == s or _part_of(clause, s) for s in steps)
        ]
        assert not shown_twice, page
        texts = [i.read_aloud for i in screen.must_do]
        for text in set(texts):
            assert html.count(escape(text)) == 1, (page, text[:40])
        # Nothing is lost: every obligation keeps its anchor, and its clause.
        for ob in screen.must_do:
            assert html.count(f'id="check-{ob.code}"') == 1, (page, ob.code)
        # A duty folded under a step is still named there, not only read as its clause.
        for ob in screen.must_do:
            if ob.code not in [code for code, _ in items]:
                assert escape(ob.label.rstrip(". ")) in html, (page, ob.code)
        # What no step covers is still a duty of its own (III.C.2: tell the director).
        assert "notify_director" in [code for code, _ in items], page


def _assert_decision_page_shows_each_duty_and_clause_once(html: str, screen) -> None:
    """The desk's decision page: the words to say, each duty once (steps that carry a duty
    now, then the rest folded), every cited clause's text exactly once."""
    import re

    from django.utils.html import escape

    duties = _checklist_region(html, 'id="must-do"', 'id="basis"')
    now, _, later = duties.partition('id="officer-rest"')
    codes_now = re.findall(r'<li id="check-(\w)"', now)
    codes_later = re.findall(r'<li id="check-(\w)"', later)
    assert sorted(codes_now + codes_later) == list("abcdefghi")
    assert codes_now == sorted(codes_now) and codes_later == sorted(codes_later)
    for ob in screen.must_do:  # every duty keeps its anchor, once, among the duties now
        assert now.count(f'id="check-{ob.code}"') == 1, ob.code
        assert html.count(f'id="check-{ob.code}"') == 1, ob.code
    # Each duty is named once on the page.
    visible = _visible_words(html).lower()
    for ob in screen.must_do:
        label = " ".join(ob.label.rstrip(". ").split()).lower()
        assert visible.count(label) == 1, ob.label
    # Each cited clause's text once: beside the first line that rests on it, or under Why.
    for citation in screen.decision["citations"]:
        if citation["text"]:
            assert html.count(escape(citation["text"])) == 1, citation["clause"]
    # The words to say come first, before the duties.
    assert html.index('id="say-this"') < html.index('id="must-do"')
    assert screen.script and all(escape(line.words) in html for line in screen.script)


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_ticking_an_officer_step_ticks_the_duties_shown_under_it(client, staff, real_engine):
    from custodian.disclosure import services
    from custodian.disclosure.models import CaseEvent, ChecklistItem
    from custodian.disclosure.views import checklists
    from tests.disclosure.intakes import officer

    data = officer(
        requester_kind="law_enforcement",
        requested=["loans.titles"],
        **SONOMA_OFFICER_DOCUMENTS["judge-signed warrant"],
    )
    screen = services.intake(user=staff["desk"], data=data)
    _, steps = checklists(screen)
    step = next(s for s in steps if s.readings)
    covered = [ob.id for r in step.readings for ob in r.obligations]
    client.force_login(staff["desk"])
    case_page = reverse("disclosure:case", args=[screen.request.case.ref])
    html = client.get(case_page).content.decode()
    for item_id in covered:  # the step's form carries the duties it stands for
        assert f'name="covers" value="{item_id}"' in html

    resp = client.post(
        reverse("disclosure:checklist"),
        {"item": step.id, "done": "on", "note": "Copied.", "covers": covered, "next": case_page},
    )
    assert resp.status_code == 302
    ticked = ChecklistItem.objects.filter(pk__in=[step.id, *covered])
    assert all(i.done and i.done_by == staff["desk"] for i in ticked)
    assert CaseEvent.objects.filter(kind="checklist").count() == 1 + len(covered)

    # A duty of another request cannot ride along: refused, and nothing changes.
    other = services.intake(user=staff["desk"], data=data)
    stranger = other.must_do[0].id
    events = CaseEvent.objects.count()
    resp = client.post(
        reverse("disclosure:checklist"), {"item": step.id, "covers": [stranger], "next": case_page}
    )
    assert resp.status_code == 404
    assert ChecklistItem.objects.get(pk=step.id).done  # not unticked
    assert not ChecklistItem.objects.get(pk=stranger).done
    assert CaseEvent.objects.count() == events


def test_the_desk_screen_asks_for_the_missing_proof_in_words(client, staff, real_engine):
    # A caller who says they are the patron and reads out the card number: Sonoma names
    # no proof for a patron, so on the phone the desk must ask for the PIN before anything.
    client.force_login(staff["desk"])
    data = {
        "requester_kind": "patron",
        "channel": "phone",
        "evidence": ["card_number"],
        "card_number": CARD,
        "requested": ["registration.address", "loans.titles"],
    }
    with override_settings(CUSTODIAN_PROFILE="sonoma-county"):
        resp = walk_intake(client, data)
        assert resp.status_code == 302
        page = client.get(resp["Location"]).content.decode()
        assert 'id="ask-for-proof"' in page
        assert "Before I can tell you that, I need the PIN." in page
        assert 'id="say-nothing"' in page  # nothing may be said until the PIN is given
        first = DisclosureRequest.objects.get()
        # The caller gives the PIN: the clerk ticks it and decides again, without retyping
        # who is asking, the card or what they want.
        assert (
            'name="evidence" value="pin"' in page
            and "checked" not in page.split("add-proof-form")[1].split("</form>")[0]
        )
        resp = client.post(
            reverse("disclosure:request_add_proof", args=[first.ref]), {"evidence": ["pin"]}
        )
        second = DisclosureRequest.objects.exclude(pk=first.pk).get()
        assert resp["Location"] == reverse("disclosure:request", args=[second.ref])
        assert second.patron_ref == first.patron_ref and second.requested == first.requested
        assert second.evidence == ["card_number", "pin"] and second.channel == "phone"
        assert second.decision["release"] == ["registration.address", "loans.titles"]
        first.refresh_from_db()
        assert first.decision["release"] == [] and first.evidence == ["card_number"]
        page = client.get(resp["Location"])
        # Ticking nothing changes nothing and says why.
        resp = client.post(reverse("disclosure:request_add_proof", args=[first.ref]), {})
        assert resp.status_code == 302 and DisclosureRequest.objects.count() == 2
        msg = client.get(resp["Location"]).content.decode()
        assert "Tick what they gave you before deciding again." in msg
    html = page.content.decode()
    assert 'id="ask-for-proof"' not in html and 'id="say-now-lines"' in html


def test_adding_proof_is_refused_where_none_was_asked_and_for_roles_that_take_no_requests(
    client, staff, real_engine
):
    client.force_login(staff["desk"])
    with override_settings(CUSTODIAN_PROFILE="sonoma-county"):
        data = {
            "requester_kind": "patron",
            "channel": "phone",
            "evidence": ["card_number", "pin"],
            "card_number": CARD,
            "requested": ["loans.titles"],
        }
        walk_intake(client, data)
        req = DisclosureRequest.objects.get()
        url = reverse("disclosure:request_add_proof", args=[req.ref])
        resp = client.post(url, {"evidence": ["photo_id"]})
        assert DisclosureRequest.objects.count() == 1
        assert "did not ask for more proof" in client.get(resp["Location"]).content.decode()
        client.force_login(staff["auditor"])
        resp = client.post(url, {"evidence": ["photo_id"]})
        assert resp.status_code == 403 and DisclosureRequest.objects.count() == 1


SITUATIONS = [
    # (profile, form data): officers with and without documents, the public, a parent.
    (
        "sonoma-county",
        {
            "requester_kind": "immigration",
            "channel": "in_person",
            "evidence": ["officer_credentials"],
            "officer_name": "J. Smith",
            "officer_badge": "4471",
            "officer_agency": "ICE",
            "instrument_type": "administrative_warrant",
            "instrument_signed_by": "agency_officer",
            "instrument_scope": ["registration.address"],
            "requested": ["registration.address", "loans.titles"],
        },
    ),
    (
        "sonoma-county",
        {
            "requester_kind": "law_enforcement",
            "channel": "in_person",
            "evidence": ["officer_credentials"],
            "officer_name": "A. Deputy",
            "officer_badge": "12",
            "officer_agency": "SCSO",
            "instrument_type": "search_warrant",
            "instrument_signed_by": "judge",
            "instrument_court": "state",
            "instrument_scope": ["loans.titles"],
            "requested": ["loans.titles"],
        },
    ),
    (
        "sonoma-county",
        {
            "requester_kind": "public",
            "channel": "phone",
            "instrument_type": "none",
            "requested": ["loans.titles"],
        },
    ),
    (
        "jackson-county",
        {
            "requester_kind": "law_enforcement",
            "channel": "in_person",
            "instrument_type": "none",
            "requested": ["loans.titles"],
        },
    ),
    (
        "westchester",
        {
            "requester_kind": "patron",
            "channel": "phone",
            "evidence": ["card_number"],
            "requested": ["loans.count", "loans.titles"],
        },
    ),
]


def _visible_words(html: str) -> str:
    import re

    main = html.split("<main", 1)[-1]
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.replace("&#x27;", "'").replace("&quot;", '"').split())


@pytest.mark.parametrize(("profile", "data"), SITUATIONS)
def test_scripts_have_no_doubled_punctuation_or_words(client, staff, real_engine, profile, data):
    import re

    client.force_login(staff["desk"])
    with override_settings(CUSTODIAN_PROFILE=profile):
        resp = walk_intake(client, {"card_number": CARD, **data})
        assert resp.status_code == 302, resp.content.decode()[:300]
        pages = [client.get(resp["Location"]).content.decode()]
        case = Case.objects.first()
        if case:
            client.force_login(staff["director"])
            pages.append(client.get(reverse("disclosure:case", args=[case.ref])).content.decode())
    assert '<q class="say">' in pages[0]  # the decision page speaks the profile's words
    for html in pages:
        text = _visible_words(html)
        assert not re.search(r"(?<!\.)\.\.(?!\.)|\.;|;\.|,,|\.,|;;", text), text
        assert "by in person" not in text
        # What staff read or say: quoted blocks, the lines to say, the hints.
        scripts = re.findall(
            r"<(blockquote|q|li|p class=\"hint\")[^>]*>(.*?)</(?:blockquote|q|li|p)>", html, re.S
        )
        assert scripts
        # The decision page's words to say (scripts.toml) are among the blocks scanned.
        assert 'id="say-this"' not in html or any('class="say"' in b for _, b in scripts)
        for _, block in scripts:
            words = _visible_words("<main>" + block)
            doubled = re.search(r"\b([A-Za-z]+) \1\b", words, flags=re.I)
            assert doubled is None, words
