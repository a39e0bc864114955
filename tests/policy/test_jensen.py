"""Jensen Memorial Library: one test (at least) per clause, named after it."""

from custodian.policy import get_engine
from tests.policy.helpers import ask, clauses, doc, review

P = "jensen-memorial"


def test_jensen_Policy_Statement__Definition__are_informational():
    profile = get_engine().profile(P)
    assert profile.clauses["Policy Statement"].kind == "informational"
    assert profile.clauses["Definition"].kind == "informational"


def test_jensen_Guidelines__agency_without_court_order_gets_nothing():
    d = ask(P, "government", ["registration.address"])
    assert d["outcome"] == "deny" and "Guidelines" in clauses(d)


def test_jensen_Regulation_1__police_with_court_order_released_after_director_and_counsel():
    inst = doc("court_order", ["loans.titles"])
    desk = ask(P, "law_enforcement", ["loans.titles"], instrument=inst)
    assert desk["outcome"] == "refer" and desk["refer_to"] == "director"
    d = ask(
        P,
        "law_enforcement",
        ["loans.titles", "registration.phone"],
        instrument=inst,
        review=review(instrument_valid=True, counsel_consulted=True),
    )
    assert d["release"] == ["loans.titles"] and "Regulation 1" in clauses(d)
    assert "written_decision" in d["obligations"]


def test_jensen_Regulation_1__immigration_is_not_a_criminal_justice_agency():
    d = ask(
        P,
        "immigration",
        ["registration.address"],
        instrument=doc("court_order", ["registration.address"]),
        review=review(instrument_valid=True, counsel_consulted=True),
    )
    assert d["release"] == []


def test_jensen_Regulation_1__member_of_public_gets_nothing():
    d = ask(P, "public", ["loans.titles"])
    assert d["outcome"] == "deny" and "Regulation 1" in clauses(d)


def test_jensen_Regulation_2__customer_with_card_in_person_sees_own_records():
    d = ask(P, "patron", ["loans.titles"], evidence=["library_card"])
    assert d["outcome"] == "release" and "Regulation 2" in clauses(d)


def test_jensen_Regulation_2__customer_without_card_on_the_phone_is_not_told():
    d = ask(P, "patron", ["loans.titles"], channel="phone", evidence=["photo_id"])
    assert d["outcome"] == "deny" and "Regulation 2" in clauses(d)


def test_jensen_Regulation_3__parent_recovering_overdue_items_in_person_learns_titles():
    d = ask(
        P,
        "guardian",
        ["overdue.titles", "charges.amount", "loans.titles"],
        age=9,
        purpose="overdue_recovery",
    )
    assert d["release"] == ["overdue.titles", "charges.amount"] and "Regulation 3" in clauses(d)


def test_jensen_Regulation_3__parent_for_other_reasons_learns_nothing():
    d = ask(P, "guardian", ["overdue.status"], age=9)
    assert d["outcome"] == "deny" and "Regulation 3" in clauses(d)


def test_jensen_Regulation_4__voicemail_says_overdue_but_no_titles():
    d = ask(
        P,
        "patron",
        ["overdue.status", "overdue.titles", "holds.count"],
        channel="voicemail",
        purpose="overdue_recovery",
    )
    assert d["release"] == ["overdue.status", "holds.count"]
    assert {"no_titles_in_message", "private_location"} <= set(d["obligations"])


def test_jensen_Regulation_4__parent_on_phone_gets_no_titles_call_made_privately():
    d = ask(
        P,
        "guardian",
        ["overdue.status", "overdue.titles"],
        channel="phone",
        age=10,
        purpose="overdue_recovery",
    )
    assert d["release"] == ["overdue.status"] and "private_location" in d["obligations"]
    assert "Regulation 4" in clauses(d)


def test_jensen_Regulation_5__staff_work_the_records_for_the_custodian():
    d = ask(P, "staff", ["loans.titles"], purpose="library_business")
    assert d["outcome"] == "release" and clauses(d) == ["Regulation 5"]


def test_jensen_Regulation_5__USA_PATRIOT_Act_note__fisa_order_after_review_released_in_secret():
    inst = doc("fisa_order", ["searches.records"], court="fisa")
    d = ask(
        P,
        "law_enforcement",
        ["searches.records"],
        instrument=inst,
        review=review(instrument_valid=True, counsel_consulted=True),
    )
    assert d["release"] == ["searches.records"] and "nondisclosure" in d["obligations"]
    assert {"Regulation 5", "USA PATRIOT Act note"} <= set(clauses(d))


def test_jensen_Regulation_6__subpoena_goes_to_director_and_city_counsel():
    d = ask(
        P,
        "attorney",
        ["loans.titles"],
        instrument=doc("subpoena", ["loans.titles"], signed_by="attorney", court=None),
    )
    assert d["outcome"] == "refer" and d["refer_to"] == "director"
    assert {"notify_director", "consult_counsel", "copy_documents"} <= set(d["obligations"])
    assert "Regulation 6" in clauses(d)


def test_jensen_Regulation_7__written_authorisation_is_silent_director_decides_in_writing():
    d = ask(
        P,
        "authorized_agent",
        ["loans.titles"],
        evidence=["written_authorization"],
        authorization_scope=["loans.titles"],
    )
    assert d["outcome"] == "refer" and "written_decision" in d["obligations"]
    assert "Regulation 7" in clauses(d)


def test_jensen_Regulation_8__reporting_conduct_releases_no_records_without_director():
    d = ask(P, "law_enforcement", ["registration.name"], purpose="report_illegal_activity")
    assert d["outcome"] == "refer" and "Regulation 8" in clauses(d)
