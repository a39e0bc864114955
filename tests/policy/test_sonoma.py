"""Sonoma County Library: one test (at least) per clause, named after the clause.

A name cites a clause as `_<clause>__`, e.g. `test_sonoma_III_B_2_b__...` for III.B.2.b.
"""

from custodian.policy import get_engine
from custodian.policy.vocabulary import FIELDS
from tests.policy.helpers import ask, clauses, doc, review

P = "sonoma-county"
CARD = ["library_card"]


def test_sonoma_I__II_A__II_B__II_C__definitions_name_records_nobody_outside_may_learn():
    # Registration (II.A), circulation (II.B) and reference interviews (II.C) are all
    # confidential (I): a member of the public learns none of them.
    asked = ["registration.name", "registration.address", "loans.titles", "reference.records"]
    d = ask(P, "public", asked)
    assert d["release"] == [] and d["withhold"] == asked


def test_sonoma_III_A__every_kind_of_record_is_in_scope_and_statistics_are_not():
    d = ask(P, "media", list(FIELDS))
    assert d["release"] == []
    assert get_engine().profile(P).statistics["min_cell_size"] >= 1


def test_sonoma_III_B_1__nothing_to_a_government_agency_without_a_judges_order():
    d = ask(
        P,
        "government",
        ["registration.address"],
        instrument=doc("subpoena", ["registration.address"], signed_by="clerk"),
    )
    assert d["outcome"] == "refer" and d["refer_to"] == "director"
    assert "III.B.1" in clauses(d)


def test_sonoma_III_B_1_a__staff_doing_library_business_see_what_they_ask():
    d = ask(P, "staff", ["loans.titles", "charges.amount"], purpose="library_business")
    assert d["outcome"] == "release" and clauses(d) == ["III.B.1.a"]


def test_sonoma_III_B_1_a__staff_for_another_purpose_are_referred_to_the_director():
    d = ask(P, "staff", ["loans.titles"], purpose="report_illegal_activity")
    assert d["outcome"] == "refer" and d["refer_to"] == "director"


def test_sonoma_III_B_1_b__the_patron_with_a_card_is_told_everything():
    d = ask(P, "patron", ["loans.titles", "history.titles"], evidence=CARD)
    assert d["outcome"] == "release" and "III.B.1.b" in clauses(d)


def test_sonoma_III_B_1_c__written_authorisation_releases_only_what_it_covers():
    d = ask(
        P,
        "authorized_agent",
        ["holds.titles", "loans.titles"],
        evidence=["written_authorization", "photo_id"],
        authorization_scope=["holds.titles"],
    )
    assert d["release"] == ["holds.titles"] and d["withhold"] == ["loans.titles"]
    assert "III.B.1.c" in clauses(d)


def test_sonoma_III_B_1_d__a_judges_order_releases_to_anyone_within_its_face():
    d = ask(
        P,
        "attorney",
        ["loans.titles", "registration.address"],
        instrument=doc("court_order", ["loans.titles"]),
    )
    assert d["release"] == ["loans.titles"] and "III.B.1.d" in clauses(d)


def test_sonoma_III_B_2__parent_of_an_adult_is_a_member_of_the_public():
    d = ask(P, "guardian", ["loans.titles"], evidence=CARD, age=19)
    assert d["outcome"] == "refer" and d["refer_to"] == "branch_manager"
    assert "III.B.2" in clauses(d)


def test_sonoma_III_B_2__parent_who_gives_no_age_is_referred_to_the_director():
    d = ask(P, "guardian", ["overdue.status"], evidence=CARD)
    assert d["outcome"] == "refer" and d["refer_to"] == "director"


def test_sonoma_III_B_2_a__parent_of_child_with_card_number_sees_titles():
    d = ask(P, "guardian", ["loans.titles", "lost.titles"], evidence=["card_number"], age=12)
    assert d["outcome"] == "release" and clauses(d) == ["III.B.2.a"]


def test_sonoma_III_B_2_a__parent_of_child_without_card_goes_to_branch_manager():
    d = ask(P, "guardian", ["loans.titles"], age=8)
    assert d["outcome"] == "refer" and d["refer_to"] == "branch_manager"
    assert "explain_policy" in d["obligations"]


def test_sonoma_III_B_2_b__guardian_of_teen_gets_overdue_and_amount_only():
    d = ask(
        P,
        "guardian",
        ["overdue.status", "charges.amount", "loans.titles", "overdue.count"],
        evidence=CARD,
        age=13,
    )
    assert d["release"] == ["overdue.status", "charges.amount"]
    assert d["refer_to"] is None and clauses(d) == ["III.B.2.b"]


def test_sonoma_III_B_3__officer_without_judges_order_gets_nothing():
    d = ask(P, "law_enforcement", ["registration.address"], evidence=["officer_credentials"])
    assert d["release"] == [] and d["refer_to"] == "director"
    assert "III.B.3" in clauses(d)


def test_sonoma_III_B_3__immigration_officer_with_judges_warrant_gets_its_face():
    d = ask(
        P,
        "immigration",
        ["registration.address", "loans.titles"],
        instrument=doc("search_warrant", ["registration.address"], court="federal"),
    )
    assert d["release"] == ["registration.address"] and "III.B.3" in clauses(d)


def test_sonoma_III_C_1__member_of_public_is_referred_to_branch_manager_who_explains():
    d = ask(P, "public", ["loans.titles"])
    assert d["outcome"] == "refer" and d["refer_to"] == "branch_manager"
    assert d["obligations"] == ["explain_policy"] and clauses(d) == ["III.C.1"]


def test_sonoma_III_C_1__after_branch_manager_explains_without_a_document_it_is_denied():
    d = ask(P, "media", ["loans.titles"], review=review("branch_manager"))
    assert d["outcome"] == "deny"


def test_sonoma_III_C_1_2__document_needing_legal_review_goes_to_the_director():
    d = ask(
        P,
        "attorney",
        ["loans.titles"],
        review=review("branch_manager"),
        instrument=doc("subpoena", ["loans.titles"], signed_by="attorney", court=None),
    )
    assert d["refer_to"] == "director" and "notify_director" in d["obligations"]
    assert "III.C.1 ¶2" in clauses(d)


def test_sonoma_III_C_2__III_C_2_a__III_C_2_b__III_C_2_c__III_C_2_g__III_C_2_h__officer_duties():
    d = ask(P, "law_enforcement", ["loans.titles"], evidence=["officer_credentials"])
    for duty in (
        "notify_director",
        "record_officer_credentials",
        "record_purpose",
        "copy_documents",
        "state_no_voluntary_consent",
        "document_officer_actions",
        "incident_report",
    ):
        assert duty in d["obligations"]
    for clause in ("III.C.2", "III.C.2.a", "III.C.2.b", "III.C.2.c", "III.C.2.g", "III.C.2.h"):
        assert clause in clauses(d)


def test_sonoma_III_C_2_d__a_written_request_is_either_a_judges_order_or_goes_to_the_director():
    judge = ask(
        P, "law_enforcement", ["loans.titles"], instrument=doc("court_order", ["loans.titles"])
    )
    letter = ask(
        P,
        "law_enforcement",
        ["loans.titles"],
        instrument=doc("written_request", ["loans.titles"], signed_by="none", court=None),
    )
    assert judge["outcome"] == "release" and letter["outcome"] == "refer"


def test_sonoma_III_C_2_d_i__judges_warrant_released_within_its_face_with_director_consulted():
    d = ask(
        P,
        "law_enforcement",
        ["loans.titles", "registration.address"],
        instrument=doc("search_warrant", ["loans.titles"]),
    )
    assert d["release"] == ["loans.titles"]
    assert {"limit_to_face_of_order", "consult_director_before_release"} <= set(d["obligations"])
    assert "III.C.2.d.i" in clauses(d)


def test_sonoma_III_C_2_d_i_2__patriot_act_warrant_brings_secrecy():
    d = ask(
        P,
        "law_enforcement",
        ["searches.records"],
        instrument=doc("fisa_order", ["searches.records"], court="fisa"),
    )
    assert d["release"] == ["searches.records"] and "nondisclosure" in d["obligations"]
    assert "III.C.2.d.i ¶2" in clauses(d)


def test_sonoma_III_C_2_d_ii__subpoena_goes_to_director_with_response_address():
    d = ask(
        P,
        "law_enforcement",
        ["loans.titles"],
        instrument=doc("subpoena", ["loans.titles"], signed_by="clerk"),
    )
    assert d["outcome"] == "refer" and d["refer_to"] == "director"
    assert {"forward_to_director", "ask_response_address"} <= set(d["obligations"])


def test_sonoma_III_C_2_e__notice_to_appear_gets_no_information_and_no_help():
    d = ask(
        P,
        "immigration",
        ["registration.address"],
        instrument=doc(
            "notice_to_appear", ["registration.address"], signed_by="agency_officer", court=None
        ),
    )
    assert d["outcome"] == "deny" and d["refer_to"] is None
    assert "no_participation_in_custody" in d["obligations"]
    assert "III.C.2.e" in clauses(d)


def test_sonoma_III_C_2_f__access_to_premises_is_informational_officer_duties_still_apply():
    profile = get_engine().profile(P)
    assert profile.clauses["III.C.2.f"].kind == "informational"
    d = ask(P, "law_enforcement", ["computer.records"])
    assert {"notify_director", "copy_documents"} <= set(d["obligations"])


def test_sonoma_III_C_2_i__director_finding_subpoena_valid_may_release_its_face():
    d = ask(
        P,
        "law_enforcement",
        ["loans.titles", "registration.phone"],
        instrument=doc("subpoena", ["loans.titles"], signed_by="clerk"),
        review=review("director", instrument_valid=True, counsel_consulted=True),
    )
    assert d["release"] == ["loans.titles"] and d["refer_to"] is None
    assert "document_decision_basis" in d["obligations"] and "III.C.2.i" in clauses(d)


def test_sonoma_III_C_2_i__director_finding_subpoena_invalid_denies():
    d = ask(
        P,
        "law_enforcement",
        ["loans.titles"],
        instrument=doc("subpoena", ["loans.titles"], signed_by="clerk"),
        review=review("director", instrument_valid=False),
    )
    assert d["outcome"] == "deny"


def test_sonoma_IV__V__law_list_and_history_are_informational():
    profile = get_engine().profile(P)
    assert profile.clauses["IV"].kind == profile.clauses["V"].kind == "informational"
    assert profile.policy_version == "2019-01-08"


def test_sonoma_III_B_1__patron_voicemail_is_silent_so_the_director_decides():
    d = ask(P, "patron", ["overdue.status"], channel="voicemail")
    assert d["outcome"] == "refer" and d["refer_to"] == "director"
