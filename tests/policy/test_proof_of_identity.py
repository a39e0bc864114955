"""Who is really asking: proof of identity is policy data (profile.toml `[proofs.*]`).

Each profile says, per channel, what shows that the requester is the patron, a guardian or
someone the patron authorised in writing. A name cites the clause the proof rests on as
`_<clause>__`; where the seed is silent the safe default applies (photo ID or the card in
person, the card number and PIN on the phone), and a card number alone never gets more
than the policy's own card-number rule.
"""

import pytest

from custodian.policy import Engine, ProfileError, get_engine
from custodian.policy.profile import load_profile
from tests.policy.helpers import ask, clauses, review

OWN_RECORD = ["registration.address", "loans.titles", "history.titles"]
PROFILES = ("sonoma-county", "jackson-county", "jensen-memorial", "westchester")


# ---- The phone caller who reads out only the card number (the finding) ----


def test_sonoma_III_B_1_b__a_caller_with_only_the_card_number_is_told_nothing():
    # Tried as a new user: the caller who said they were the patron and read out the card
    # number was told the home address and the titles on loan.
    d = ask("sonoma-county", "patron", OWN_RECORD, channel="phone", evidence=["card_number"])
    assert d["release"] == [] and d["outcome"] == "deny"
    assert d["needs_proof"] == ["pin"]
    # The refusal cites the rule that asks for that proof, never an uncited denial.
    assert clauses(d) == ["III.B.1.b"]
    assert "the PIN" in d["explanation"]


def test_jackson_IV_b__a_caller_with_only_the_card_number_is_told_nothing():
    d = ask("jackson-county", "patron", OWN_RECORD, channel="phone", evidence=["card_number"])
    assert d["release"] == [] and d["needs_proof"] == ["pin"]
    assert "IV.b" in clauses(d)


def test_westchester_4__a_caller_with_the_full_barcode_hears_counts_and_due_dates_only():
    asked = ["loans.count", "loans.due_dates", "registration.address", "loans.titles"]
    d = ask("westchester", "patron", asked, channel="phone", evidence=["card_number"])
    assert d["release"] == ["loans.count", "loans.due_dates"]
    assert d["proof"] == ["full_barcode"] and clauses(d) == ["4"]
    # 4 lets nothing more be said on the telephone, whatever proof is given.
    assert d["needs_proof"] == []
    d = ask("westchester", "patron", asked, channel="phone", evidence=["card_number", "pin"])
    assert d["release"] == ["loans.count", "loans.due_dates"]


def test_westchester_4__titles_on_the_telephone_are_refused_citing_4():
    d = ask("westchester", "patron", ["loans.titles"], channel="phone", evidence=["card_number"])
    assert d["outcome"] == "deny" and clauses(d) == ["4"] and d["needs_proof"] == []


@pytest.mark.parametrize("profile", PROFILES)
def test_a_refusal_of_someone_claiming_identity_always_cites_a_clause(profile):
    # Every channel, every combination of the patron's kinds of proof, each kind of claim.
    import itertools

    proofs = ["library_card", "card_number", "photo_id", "pin", "written_authorization"]
    for kind, channel in itertools.product(
        ["patron", "guardian", "authorized_agent"], ["in_person", "phone", "written", "online"]
    ):
        for n in range(3):
            for evidence in itertools.combinations(proofs, n):
                for age in (None, 9, 15, 40):
                    d = ask(
                        profile,
                        kind,
                        ["loans.titles", "registration.address"],
                        channel=channel,
                        evidence=evidence,
                        age=age,
                        authorization_scope=["loans.titles"],
                    )
                    if d["outcome"] == "deny":
                        assert d["citations"], (kind, channel, evidence, age)


def test_jensen_Regulation_2__the_card_on_hand_on_the_phone_is_the_proof():
    # Regulation 2: customers have their cards on hand for library business over the phone.
    d = ask(
        "jensen-memorial", "patron", ["loans.titles"], channel="phone", evidence=["card_number"]
    )
    assert d["outcome"] == "release" and d["proof"] == ["patron_identified"]
    assert clauses(d) == ["Regulation 2"]


# ---- Card number and PIN; photo ID in person ----


@pytest.mark.parametrize("profile", ["sonoma-county", "jackson-county"])
def test_silent_policies_take_the_safe_default_card_and_pin_on_the_phone(profile):
    d = ask(profile, "patron", OWN_RECORD, channel="phone", evidence=["card_number", "pin"])
    assert d["outcome"] == "release" and d["proof"] == ["patron_identified"]
    assert d["needs_proof"] == []
    assert get_engine().profile(profile).proofs["patron_identified"].silent


@pytest.mark.parametrize("profile", PROFILES)
def test_photo_id_in_person_proves_the_patron_in_every_profile(profile):
    d = ask(profile, "patron", OWN_RECORD, evidence=["photo_id"])
    assert d["outcome"] == "release" and d["needs_proof"] == []
    assert "patron_identified" in d["proof"]


def test_westchester_3__4__the_card_in_person_gives_the_account_but_not_a_list_of_items():
    asked = ["charges.amount", "loans.titles"]
    d = ask("westchester", "patron", asked, evidence=["library_card"])
    assert d["release"] == ["charges.amount"] and d["withhold"] == ["loans.titles"]
    assert d["needs_proof"] == ["photo_id"]
    assert "4" in clauses(d)  # the clause that asks for identification for a list of items


@pytest.mark.parametrize("profile", PROFILES)
def test_a_card_number_alone_in_person_is_not_proof_of_the_patron(profile):
    d = ask(profile, "patron", ["registration.address"], evidence=["card_number"])
    assert d["release"] == []
    assert d["needs_proof"] in (["library_card"], ["photo_id"])


@pytest.mark.parametrize("profile", PROFILES)
def test_the_pin_alone_online_is_not_proof_of_the_patron(profile):
    d = ask(profile, "patron", ["registration.address"], channel="online", evidence=["pin"])
    assert d["release"] == [] and d["needs_proof"] == ["card_number"]
    d = ask(
        profile,
        "patron",
        ["registration.address"],
        channel="online",
        evidence=["card_number", "pin"],
    )
    assert d["release"] == ["registration.address"]


# ---- A guardian with the child's card, at each age band ----


@pytest.mark.parametrize(
    ("age", "released"),
    [
        (9, ["loans.titles", "overdue.status", "charges.amount", "registration.address"]),
        (15, ["overdue.status", "charges.amount"]),
        (40, []),  # III.B.2: the parent of an adult is a member of the public
    ],
)
def test_sonoma_III_B_2_a__III_B_2_b__the_childs_card_at_each_age(age, released):
    # Under 13: the child's library records (III.B.2.a); 13-17: overdue and owed only
    # (III.B.2.b); 18 and over: a member of the public (III.B.2).
    asked = ["loans.titles", "overdue.status", "charges.amount", "registration.address"]
    for evidence in (["library_card"], ["card_number"]):
        d = ask("sonoma-county", "guardian", asked, evidence=evidence, age=age)
        assert d["release"] == [f for f in asked if f in released]
        if released:
            assert d["proof"] == ["child_card"]
    # On the phone the child's card number is the proof III.B.2 names.
    d = ask("sonoma-county", "guardian", asked, channel="phone", evidence=["card_number"], age=age)
    assert d["release"] == [f for f in asked if f in released]


def test_sonoma_III_B_2_a__a_parent_with_no_card_is_asked_for_it():
    d = ask("sonoma-county", "guardian", ["loans.titles"], evidence=["photo_id"], age=9)
    assert d["release"] == []
    assert d["needs_proof"] in (["library_card"], ["card_number"])


@pytest.mark.parametrize(("age", "told"), [(9, True), (16, True), (18, False), (40, False)])
def test_jackson_IV_c__the_childs_card_for_every_child_under_18(age, told):
    d = ask("jackson-county", "guardian", ["loans.titles"], evidence=["card_number"], age=age)
    assert (d["release"] == ["loans.titles"]) is told
    if told:
        assert d["proof"] == ["child_card"] and "IV.c" in clauses(d)


def test_jensen_Regulation_3__a_parent_on_the_phone_hears_no_titles():
    asked = ["overdue.status", "overdue.titles"]
    kw = dict(age=12, purpose="overdue_recovery")
    d = ask("jensen-memorial", "guardian", asked, channel="phone", **kw)
    assert d["release"] == ["overdue.status"] and d["needs_proof"] == []
    d = ask("jensen-memorial", "guardian", asked, **kw)
    assert d["release"] == asked


def test_westchester_3__the_person_financially_responsible_shows_legal_identification():
    asked = ["charges.amount", "loans.titles"]
    kw = dict(financially_responsible=True, age=12)
    d = ask("westchester", "guardian", asked, evidence=["library_card"], **kw)
    assert d["release"] == [] and d["needs_proof"] == ["photo_id"]
    d = ask("westchester", "guardian", asked, evidence=["photo_id"], **kw)
    assert d["release"] == asked and d["proof"] == ["responsible_party_id"]


# ---- Someone holding a written authorisation ----


def test_sonoma_III_B_1_c__an_expired_authorisation_is_no_authorisation():
    # The desk does not record an expired authorisation as evidence; without it the
    # holder is told nothing, and is asked for one.
    scope = {"authorization_scope": ["holds.titles"]}
    d = ask("sonoma-county", "authorized_agent", ["holds.titles"], evidence=["photo_id"], **scope)
    assert d["release"] == [] and d["needs_proof"] == ["written_authorization"]


def test_sonoma_III_B_1_c__an_authorisation_covering_other_fields_releases_none_of_these():
    d = ask(
        "sonoma-county",
        "authorized_agent",
        ["loans.titles", "registration.address"],
        evidence=["written_authorization", "photo_id"],
        authorization_scope=["holds.titles"],
    )
    assert d["release"] == []
    assert d["needs_proof"] == []  # no proof could change it: the writing does not cover them


def test_sonoma_III_B_1_c__in_person_the_holder_shows_photo_id():
    scope = {"authorization_scope": ["holds.titles"]}
    d = ask(
        "sonoma-county",
        "authorized_agent",
        ["holds.titles"],
        evidence=["written_authorization"],
        **scope,
    )
    assert d["release"] == [] and d["needs_proof"] == ["photo_id"]
    d = ask(
        "sonoma-county",
        "authorized_agent",
        ["holds.titles"],
        channel="written",
        evidence=["written_authorization"],
        **scope,
    )
    assert d["release"] == ["holds.titles"] and d["proof"] == ["signed_authorization"]


def test_westchester_5__consent_covering_other_fields_releases_only_what_it_covers():
    kw = dict(
        evidence=["written_authorization", "photo_id"],
        authorization_scope=["holds.titles"],
        review=review(instrument_valid=True),
    )
    d = ask("westchester", "authorized_agent", ["holds.titles", "loans.titles"], **kw)
    assert d["release"] == ["holds.titles"] and d["proof"] == ["signed_authorization"]


# ---- The decision, the memo and the profile files ----


def test_officers_are_never_asked_for_a_patrons_proof():
    d = ask("sonoma-county", "law_enforcement", ["loans.titles"], evidence=["officer_credentials"])
    assert d["needs_proof"] == [] and d["proof"] == []


def test_needs_proof_is_the_same_from_the_memo_and_from_the_rules_as_written():
    whole = Engine(prune=False, cache_size=0)
    warm = Engine(cache_size=0, memo_size=1000)
    for profile in PROFILES:
        for channel, evidence in [
            ("phone", ["card_number"]),
            ("in_person", ["card_number"]),
            ("in_person", ["library_card"]),
            ("online", ["pin"]),
        ]:
            request = {
                "profile": profile,
                "requester": {"kind": "patron"},
                "channel": channel,
                "evidence": evidence,
                "requested": OWN_RECORD + ["loans.count"],
            }
            assert warm.decide(request) == whole.decide(request) == warm.decide(request)


def _copy_profile(tmp_path, name="sonoma-county"):
    import shutil

    folder = tmp_path / name
    shutil.copytree(get_engine().profile(name).folder, folder)
    return folder


def test_a_profile_must_cite_or_call_silent_every_proof(tmp_path):
    folder = _copy_profile(tmp_path)
    toml = folder / "profile.toml"
    toml.write_text(toml.read_text().replace('clause = "III.B.2.a"', "", 1))
    with pytest.raises(ProfileError, match="child_card.*clause.*silent"):
        load_profile(folder)


def test_a_proof_with_unknown_evidence_is_refused_naming_it(tmp_path):
    folder = _copy_profile(tmp_path)
    toml = folder / "profile.toml"
    toml.write_text(
        toml.read_text().replace('[["card_number", "pin"]]', '[["card_number", "pinn"]]')
    )
    with pytest.raises(ProfileError, match="unknown evidence 'pinn'"):
        load_profile(folder)


def test_a_rule_testing_an_undefined_proof_is_refused_with_its_line(tmp_path):
    folder = _copy_profile(tmp_path)
    rules = folder / "release.cedar"
    rules.write_text(rules.read_text().replace('contains("child_card")', 'contains("kid_card")', 1))
    with pytest.raises(ProfileError, match="kid_card") as caught:
        load_profile(folder)
    assert "release.cedar" in str(caught.value)


def test_a_library_changes_its_proof_in_the_toml_alone(tmp_path):
    # Proof is policy data: a library that accepts the card number alone on the phone says
    # so in profile.toml, and the same rules follow.
    folder = _copy_profile(tmp_path)
    toml = folder / "profile.toml"
    text = toml.read_text()
    text = text.replace('phone = [["card_number", "pin"]]', 'phone = [["card_number"]]', 1)
    toml.write_text(text)
    engine = Engine([folder], cache_size=0)
    d = engine.decide(
        {
            "profile": "sonoma-county",
            "requester": {"kind": "patron"},
            "channel": "phone",
            "evidence": ["card_number"],
            "requested": ["loans.titles"],
        }
    )
    assert d["release"] == ["loans.titles"]
