"""The desk's decision screen speaks the profile's words: no decision reaches it without a
line to say, every duty is said or done in plain words, and each clause shows once."""

import re
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings

from custodian.disclosure.models import ChecklistItem
from custodian.disclosure.services.desk import _line, script_lines
from custodian.policy import decide, get_engine
from custodian.policy.scripts import situation
from tests.policy.test_properties import requests


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests)
def test_no_decision_reaches_the_screen_without_words(request):
    decision = decide(request)
    kind = request["requester"]["kind"]
    scripts = get_engine().profile(request["profile"]).scripts
    lines = script_lines(
        req=SimpleNamespace(requester_kind=kind), decision=decision, scripts=scripts
    )
    # First the outcome's words, resting on clauses the decision cites.
    assert lines and lines[0].key == situation(decision) and lines[0].words.strip()
    cited = {c["clause"]: c["text"] for c in decision["citations"]}
    assert lines[0].clauses and all(cited[c] == t for c, t in lines[0].clauses)
    said = {line.key for line in lines[1:]}
    for ob in decision["obligations"]:
        item = ChecklistItem(kind="obligation", code=ob, label="(no words)", clause="")
        shown = _line(item, scripts)
        # Each duty is said (a line of the script) or done (the profile's line on the list).
        assert (ob in said) == shown.spoken
        assert shown.spoken or shown.label != "(no words)"


SONOMA_OFFICER = {
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
}


def _officer_page(client, staff):
    from custodian.disclosure import services
    from tests.disclosure.intakes import officer

    data = officer(
        requester_kind="immigration",
        requested=SONOMA_OFFICER["requested"],
        instrument_type="administrative_warrant",
        instrument_signed_by="agency_officer",
        instrument_scope=["registration.address"],
    )
    screen = services.intake(user=staff["desk"], data=data)
    client.force_login(staff["desk"])
    html = client.get(reverse("disclosure:request", args=[screen.request.ref])).content.decode()
    return screen, html


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_the_officer_is_told_in_plain_words_with_the_clause_beside(client, staff, real_engine):
    screen, html = _officer_page(client, staff)
    block = html.split('id="say-this"', 1)[1].split("</section>", 1)[0]
    said = [re.sub(r"\s+", " ", q) for q in re.findall(r'<q class="say">(.*?)</q>', block, re.S)]
    assert said[:2] == [
        escape(
            "I can't give out information about anyone's library use. I need to call the "
            "Library Director first."
        ),
        escape("May I see your badge? I need to take down your name and badge number."),
    ]
    assert (
        escape(
            "The library does not voluntarily consent to you entering staff areas or to giving you "
            "any confidential information."
        )
        in said
    )
    # None of it is the binder's instruction to staff, and nothing says "Read aloud".
    assert not any("shall" in s or "staff must" in s for s in said)
    assert "Read aloud" not in html
    # The clause behind the consent line is one click away, folded.
    consent = block.split('id="say-state_no_voluntary_consent"', 1)[1].split("</li>", 1)[0]
    assert '<details class="clause"><summary>III.C.2.c</summary>' in consent
    assert "does not voluntarily consent to allow the officer" in consent
    # Duties done, not said, are lines of what to do, not speech (the section of duties; the
    # same words in Spanish fold in their own section below it).
    duties = html.split('id="must-do"', 1)[1].split("</section>", 1)[0]
    assert escape("Call the Library Director (or designee) now") in duties
    assert '<q class="say">' not in duties


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_each_clause_and_each_duty_appears_once_on_the_decision_page(client, staff, real_engine):
    screen, html = _officer_page(client, staff)
    main = html.split("<main", 1)[1]
    for citation in screen.decision["citations"]:
        assert main.count(escape(citation["text"])) == 1, citation["clause"]
    summaries = re.findall(r'<details class="clause"><summary>([^<]+)</summary>', main)
    assert len(summaries) == len(set(summaries)), summaries  # no clause folded twice
    for item in screen.must_do:
        assert main.count(f'id="check-{item.code}"') == 1
        assert main.count(escape(item.label)) <= 1, item.label
    lines = [line.words for line in screen.script]
    assert len(lines) == len(set(lines))
    for words in lines:
        assert main.count(escape(words)) == 1, words


@pytest.mark.parametrize(
    ("profile", "data", "first"),
    [
        (
            "sonoma-county",
            {"requester_kind": "public", "channel": "in_person", "requested": ["loans.titles"]},
            "refer_branch_manager",
        ),
        (
            "westchester",
            {
                "requester_kind": "patron",
                "channel": "phone",
                "evidence": ["card_number"],
                "requested": ["loans.count", "loans.titles"],
            },
            "partial_release",
        ),
        (
            "jackson-county",
            {
                "requester_kind": "law_enforcement",
                "channel": "in_person",
                "requested": ["loans.titles"],
            },
            "refer_director",
        ),
    ],
)
def test_other_situations_open_with_their_words(client, staff, real_engine, profile, data, first):
    from custodian.disclosure import services
    from custodian.disclosure.services import Intake
    from tests.disclosure.conftest import CARD

    client.force_login(staff["desk"])
    with override_settings(CUSTODIAN_PROFILE=profile):
        screen = services.intake(user=staff["desk"], data=Intake(card_number=CARD, **data))
        html = client.get(reverse("disclosure:request", args=[screen.request.ref])).content
    words = get_engine().profile(profile).scripts.outcomes[first].for_kind(data["requester_kind"])
    assert f'<li id="say-{first}"><q class="say">{escape(words)}</q>' in html.decode()
