"""Westchester Public Library: one test (at least) per clause, named after it."""

from custodian.policy import get_engine
from custodian.policy.vocabulary import FIELDS
from tests.policy.helpers import ask, clauses, doc, review

P = "westchester"


def test_westchester_Preamble__1__1_a__1_b__1_c__every_field_is_a_patron_record():
    profile = get_engine().profile(P)
    for clause in ("Preamble", "1", "1.a", "1.b", "1.c"):
        assert profile.clauses[clause].kind == "informational"
    assert ask(P, "public", list(FIELDS))["release"] == []


def test_westchester_2__staff_and_contractors_within_scope_of_duty():
    for kind in ("staff", "vendor"):
        d = ask(P, kind, ["loans.titles", "computer.records"], purpose="library_business")
        assert d["outcome"] == "release" and clauses(d) == ["2"]


def test_westchester_2__staff_for_another_purpose_is_silent_director_decides():
    d = ask(P, "staff", ["loans.titles"])
    assert d["outcome"] == "refer" and d["refer_to"] == "director"


def test_westchester_3__financially_responsible_parent_with_photo_id():
    d = ask(
        P,
        "guardian",
        ["loans.titles", "charges.amount"],
        evidence=["photo_id"],
        age=12,
        financially_responsible=True,
    )
    assert d["outcome"] == "release" and "3" in clauses(d)


def test_westchester_3__parent_without_photo_id_is_asked_for_it():
    d = ask(
        P,
        "guardian",
        ["charges.amount"],
        evidence=["library_card"],
        age=12,
        financially_responsible=True,
    )
    assert d["release"] == [] and "verify_photo_id" in d["obligations"]


def test_westchester_3__parent_who_did_not_sign_for_the_account_is_told_nothing():
    d = ask(P, "guardian", ["overdue.status"], evidence=["photo_id", "library_card"], age=10)
    assert d["outcome"] == "deny" and "3" in clauses(d)


def test_westchester_4__list_of_items_in_person_needs_photo_id():
    without = ask(P, "patron", ["loans.titles", "charges.amount"], evidence=["library_card"])
    assert without["release"] == ["charges.amount"] and "verify_photo_id" in without["obligations"]
    with_id = ask(P, "patron", ["loans.titles"], evidence=["library_card", "photo_id"])
    assert with_id["outcome"] == "release" and "4" in clauses(with_id)


def test_westchester_4__phone_with_full_barcode_gets_count_and_due_dates_only():
    d = ask(
        P,
        "patron",
        ["loans.count", "loans.due_dates", "loans.titles", "charges.amount"],
        channel="phone",
        evidence=["card_number"],
    )
    assert d["release"] == ["loans.count", "loans.due_dates"] and d["refer_to"] is None


def test_westchester_4__phone_without_barcode_gets_nothing():
    assert ask(P, "patron", ["loans.count"], channel="phone", evidence=["pin"])["outcome"] == "deny"


def test_westchester_5__subpoena_referred_to_director_at_requesters_cost():
    d = ask(
        P,
        "law_enforcement",
        ["loans.titles"],
        instrument=doc("subpoena", ["loans.titles"], signed_by="clerk"),
    )
    assert d["outcome"] == "refer" and d["refer_to"] == "director"
    assert "requester_bears_costs" in d["obligations"] and clauses(d) == ["5"]


def test_westchester_5__signed_written_consent_goes_to_director_not_the_desk():
    kw = dict(evidence=["written_authorization", "photo_id"], authorization_scope=["holds.titles"])
    desk = ask(P, "authorized_agent", ["holds.titles"], **kw)
    assert desk["outcome"] == "refer" and desk["refer_to"] == "director"
    d = ask(
        P,
        "authorized_agent",
        ["holds.titles", "loans.titles"],
        review=review(instrument_valid=True),
        **kw,
    )
    assert d["release"] == ["holds.titles"] and "requester_bears_costs" in d["obligations"]


def test_westchester_5__valid_court_order_released_within_its_face_after_review():
    d = ask(
        P,
        "law_enforcement",
        ["loans.titles", "registration.address"],
        instrument=doc("court_order", ["loans.titles"]),
        review=review(instrument_valid=True),
    )
    assert d["release"] == ["loans.titles"] and "5" in clauses(d)


def test_westchester_6__emergency_goes_to_director_then_released_with_counsel_after():
    desk = ask(P, "law_enforcement", ["registration.address"], purpose="emergency")
    assert desk["outcome"] == "refer" and desk["refer_to"] == "director"
    d = ask(
        P,
        "law_enforcement",
        ["registration.address"],
        purpose="emergency",
        review=review(emergency_confirmed=True),
    )
    assert d["outcome"] == "release" and "post_hoc_counsel_review" in d["obligations"]
    assert "6" in clauses(d)
