"""The desk's decision page offers the same words in Spanish, folded under "Words to say in
Spanish", for a requester who asks in Spanish; the clauses stay in the policy's language."""

import re

from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from custodian.policy import get_engine
from tests.disclosure.test_decision_scripts import _officer_page


def _spanish_block(html: str) -> str:
    return html.split('id="say-spanish"', 1)[1].split("</details>", 1)[0]


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_the_officer_script_is_offered_in_spanish_too(client, staff, real_engine):
    screen, html = _officer_page(client, staff)
    assert "<summary>Words to say in Spanish</summary>" in html
    block = _spanish_block(html)
    assert '<ol class="say-lines" lang="es">' in block
    spanish = get_engine().profile("sonoma-county").scripts.spanish
    said = [re.sub(r"\s+", " ", q) for q in re.findall(r'<q class="say">(.*?)</q>', block, re.S)]
    # The same lines as the English script, in the same order, each in Spanish.
    assert len(said) == len(screen.script) >= 2
    assert said[0] == escape(spanish.outcomes["refer_director"].for_kind("immigration"))
    assert said[1] == escape(spanish.obligations["record_officer_credentials"].for_kind(None))
    # No clause is repeated in the Spanish fold (they stay beside the English lines).
    assert '<details class="clause">' not in block
    # The page around it stays English (staff screens are English).
    assert '<html lang="en"' in html or 'lang="es"' not in html.split('id="say-spanish"')[0]


def test_a_needed_proof_is_asked_for_in_spanish(client, staff, real_engine):
    from custodian.disclosure import services
    from custodian.disclosure.services import Intake
    from tests.disclosure.conftest import CARD

    client.force_login(staff["desk"])
    data = {
        "requester_kind": "patron",
        "channel": "phone",
        "evidence": ["card_number"],
        "requested": ["loans.titles"],
    }
    with override_settings(CUSTODIAN_PROFILE="sonoma-county"):
        screen = services.intake(user=staff["desk"], data=Intake(card_number=CARD, **data))
        html = client.get(reverse("disclosure:request", args=[screen.request.ref])).content
    assert screen.decision.get("needs_proof"), screen.decision
    block = _spanish_block(html.decode())
    assert '<li id="say-es-deny_needs_proof"><q class="say">Antes de darle esa información' in block
    assert "necesito el PIN. ¿Me lo puede dar?" in block


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_no_spanish_fold_when_the_profile_has_no_spanish(client, staff, real_engine, monkeypatch):
    from dataclasses import replace

    scripts = get_engine().profile("sonoma-county").scripts
    monkeypatch.setattr(
        "custodian.disclosure.gateways.scripts", lambda profile: replace(scripts, spanish=None)
    )
    _, html = _officer_page(client, staff)
    assert 'id="say-spanish"' not in html
    assert '<q class="say">' in html  # the English script is still there
