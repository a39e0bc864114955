"""Every consultation the policy requires of a reviewer, and no uncited denial (issue 8).

A review (`review`: by, instrument_valid, counsel_consulted, board_consulted,
emergency_confirmed) that lacks a consultation the policy REQUIRES is referred back to the
reviewer with the missing consultation as an obligation, citing its clause; a consultation
the policy only allows ("may") changes nothing. Each test walks every combination of the
consultations it is about (done / not done).
"""

import itertools

import pytest

from custodian.policy.vocabulary import INSTRUMENT_TYPES
from tests.policy.helpers import ask, clauses, doc, review

PROFILES = ["jackson-county", "jensen-memorial", "sonoma-county", "westchester"]
BOTH = (False, True)
# Who signs each kind of document, as it comes to the desk.
SIGNED = {
    "search_warrant": ("judge", "state"),
    "court_order": ("judge", "state"),
    "subpoena": ("clerk", "state"),
    "administrative_warrant": ("agency_officer", None),
    "fisa_order": ("judge", "fisa"),
    "national_security_letter": ("agency_officer", None),
    "arrest_warrant": ("judge", "state"),
    "notice_to_appear": ("agency_officer", None),
    "written_request": ("agency_officer", None),
}
ALL_REVIEWS = [
    review(by, instrument_valid=v, counsel_consulted=c, board_consulted=b, emergency_confirmed=e)
    for by in ("branch_manager", "director")
    for v, c, b, e in itertools.product(BOTH, repeat=4)
]


def _document(type_: str) -> dict:
    signed_by, court = SIGNED[type_]
    return doc(type_, ["loans.titles"], signed_by=signed_by, court=court)


# Representative requests that reach a reviewer: an officer with each kind of document (and
# none), a third party holding the patron's written authorisation, an emergency.
SITUATIONS = [
    *(
        {"kind": kind, "instrument": None if t is None else _document(t)}
        for kind in ("law_enforcement", "immigration", "government", "attorney")
        for t in (None, *INSTRUMENT_TYPES)
    ),
    *(
        {
            "kind": kind,
            "evidence": ["written_authorization", "photo_id"],
            "authorization_scope": ["loans.titles"],
        }
        for kind in ("authorized_agent", "public", "attorney")
    ),
    *({"kind": kind, "purpose": "emergency"} for kind in ("law_enforcement", "public", "staff")),
]


@pytest.mark.parametrize("profile", PROFILES)
def test_no_review_state_ends_in_an_uncited_denial(profile):
    denials = 0
    for situation, done in itertools.product(SITUATIONS, ALL_REVIEWS):
        s = dict(situation)
        d = ask(profile, s.pop("kind"), ["loans.titles", "registration.address"], review=done, **s)
        assert not (d["outcome"] == "deny" and not d["citations"]), (situation, done)
        if d["outcome"] == "refer":
            assert d["refer_to"] in ("branch_manager", "director"), (situation, done)
        denials += d["outcome"] == "deny"
    assert denials  # the walk reaches refusals, so the assertion above is tested


# ---- Jackson County: VIII ¶2 requires the Board; IV.d ¶2 counsel is optional ("may") ----

J = "jackson-county"
COURT_SUBPOENA = doc("subpoena", ["loans.titles"], signed_by="clerk")


@pytest.mark.parametrize("valid", BOTH)
@pytest.mark.parametrize("counsel", BOTH)
def test_jackson_VIII_2__director_who_has_not_conferred_with_the_board_is_sent_back(counsel, valid):
    d = ask(
        J,
        "law_enforcement",
        ["loans.titles"],
        instrument=COURT_SUBPOENA,
        review=review(instrument_valid=valid, counsel_consulted=counsel, board_consulted=False),
    )
    assert d["outcome"] == "refer" and d["refer_to"] == "director"
    assert "consult_board" in d["obligations"]
    assert d["obligation_clauses"]["consult_board"] == ["VIII ¶2"]
    assert "VIII ¶2" in clauses(d)


@pytest.mark.parametrize("counsel", BOTH)
def test_jackson_VIII_2__IV_d_2__with_the_board_counsel_is_optional(counsel):
    d = ask(
        J,
        "law_enforcement",
        ["loans.titles"],
        instrument=COURT_SUBPOENA,
        review=review(instrument_valid=True, counsel_consulted=counsel, board_consulted=True),
    )
    assert d["outcome"] == "release" and d["release"] == ["loans.titles"]
    assert d["refer_to"] is None
    assert not {"consult_board", "consult_counsel"} & set(d["obligations"])
    assert "VIII ¶2" in clauses(d)


@pytest.mark.parametrize("counsel", BOTH)
def test_jackson_VIII_2__document_found_not_valid_with_the_board_is_refused_citing_it(counsel):
    d = ask(
        J,
        "law_enforcement",
        ["loans.titles"],
        instrument=COURT_SUBPOENA,
        review=review(instrument_valid=False, counsel_consulted=counsel, board_consulted=True),
    )
    assert d["outcome"] == "deny" and d["refer_to"] is None
    assert "consult_board" not in d["obligations"] and "VIII ¶2" in clauses(d)


@pytest.mark.parametrize("board", BOTH)
@pytest.mark.parametrize("counsel", BOTH)
def test_jackson_VIII_2__any_request_for_records_needs_the_board_written_authorisation(
    board, counsel
):
    d = ask(
        J,
        "authorized_agent",
        ["loans.titles"],
        evidence=["written_authorization", "photo_id"],
        authorization_scope=["loans.titles"],
        review=review(counsel_consulted=counsel, board_consulted=board),
    )
    if board:
        assert d["outcome"] == "deny" and d["refer_to"] is None
        assert "consult_board" not in d["obligations"]
    else:
        assert d["outcome"] == "refer" and d["refer_to"] == "director"
        assert d["obligation_clauses"]["consult_board"] == ["VIII ¶2"]
    assert "VIII ¶2" in clauses(d)


def test_jackson_VIII_2__branch_manager_review_still_goes_to_the_director_and_board():
    d = ask(
        J,
        "law_enforcement",
        ["loans.titles"],
        instrument=COURT_SUBPOENA,
        review=review("branch_manager", instrument_valid=True, board_consulted=True),
    )
    assert d["outcome"] == "refer" and d["refer_to"] == "director"
    assert "consult_board" in d["obligations"] and "VIII ¶2" in clauses(d)


# ---- Jensen Memorial: Regulation 6 requires counsel for legal process; Regulation 7 the
# ---- Board and/or counsel for what the policy leaves to the Director ----

N = "jensen-memorial"
COURT_ORDER = doc("court_order", ["loans.titles"])


@pytest.mark.parametrize("valid", BOTH)
@pytest.mark.parametrize("board", BOTH)
@pytest.mark.parametrize("counsel", BOTH)
def test_jensen_Regulation_6__court_order_needs_counsel_whatever_the_board_did(
    counsel, board, valid
):
    d = ask(
        N,
        "law_enforcement",
        ["loans.titles"],
        instrument=COURT_ORDER,
        review=review(instrument_valid=valid, counsel_consulted=counsel, board_consulted=board),
    )
    assert "written_decision" in d["obligations"] and "Regulation 7" in clauses(d)
    if not counsel:
        assert d["outcome"] == "refer" and d["refer_to"] == "director"
        assert d["obligation_clauses"]["consult_counsel"] == ["Regulation 6"]
        assert "Regulation 6" in clauses(d)
    elif valid:
        assert d["outcome"] == "release" and "Regulation 1" in clauses(d)
        assert "consult_counsel" not in d["obligations"]
    else:
        assert d["outcome"] == "deny" and d["refer_to"] is None
        assert "consult_counsel" not in d["obligations"]


@pytest.mark.parametrize("counsel", BOTH)
def test_jensen_Regulation_6__Regulation_5__fisa_order_found_proper_only_with_counsel(counsel):
    d = ask(
        N,
        "law_enforcement",
        ["loans.titles"],
        instrument=doc("fisa_order", ["loans.titles"], court="fisa"),
        review=review(instrument_valid=True, counsel_consulted=counsel),
    )
    assert "nondisclosure" in d["obligations"]
    if counsel:
        assert d["outcome"] == "release" and "Regulation 5" in clauses(d)
    else:
        assert d["outcome"] == "refer" and d["refer_to"] == "director"
        assert d["obligation_clauses"]["consult_counsel"] == ["Regulation 6"]


@pytest.mark.parametrize("board", BOTH)
@pytest.mark.parametrize("counsel", BOTH)
def test_jensen_Regulation_7__board_and_or_counsel_before_the_written_decision(board, counsel):
    d = ask(
        N,
        "authorized_agent",
        ["loans.titles"],
        evidence=["written_authorization", "photo_id"],
        authorization_scope=["loans.titles"],
        review=review(counsel_consulted=counsel, board_consulted=board),
    )
    assert "Regulation 7" in clauses(d) and "written_decision" in d["obligations"]
    if board or counsel:  # either one is enough
        assert d["outcome"] == "deny" and d["refer_to"] is None
        assert not {"consult_board", "consult_counsel"} & set(d["obligations"])
    else:
        assert d["outcome"] == "refer" and d["refer_to"] == "director"
        assert d["obligation_clauses"]["consult_board"] == ["Regulation 7"]
        assert d["obligation_clauses"]["consult_counsel"] == ["Regulation 7"]


@pytest.mark.parametrize("board", BOTH)
def test_jensen_Regulation_7__staff_in_an_emergency_decided_in_writing_after_consulting(board):
    d = ask(
        N,
        "staff",
        ["registration.phone"],
        purpose="emergency",
        review=review(board_consulted=board),
    )
    assert d["outcome"] == ("deny" if board else "refer")
    assert "Regulation 7" in clauses(d)


def test_jensen_Regulation_8__director_refusing_records_for_reporting_conduct_cites_it():
    d = ask(
        N,
        "law_enforcement",
        ["registration.name"],
        purpose="report_illegal_activity",
        review=review(board_consulted=True, counsel_consulted=True),
    )
    assert d["outcome"] == "deny" and "Regulation 8" in clauses(d)


# ---- Sonoma County: no consultation is required; III.C.2.i counsel is optional ("may") ----

S = "sonoma-county"
SUBPOENA = doc("subpoena", ["loans.titles"], signed_by="clerk")


@pytest.mark.parametrize("board", BOTH)
@pytest.mark.parametrize("counsel", BOTH)
def test_sonoma_III_C_2_i__counsel_is_the_directors_option(counsel, board):
    flags = dict(counsel_consulted=counsel, board_consulted=board)
    valid = ask(
        S,
        "law_enforcement",
        ["loans.titles"],
        instrument=SUBPOENA,
        review=review(instrument_valid=True, **flags),
    )
    assert valid["outcome"] == "release" and valid["refer_to"] is None
    assert "III.C.2.i" in clauses(valid) and "document_decision_basis" in valid["obligations"]
    assert not {"consult_board", "consult_counsel"} & set(valid["obligations"])
    invalid = ask(
        S,
        "law_enforcement",
        ["loans.titles"],
        instrument=SUBPOENA,
        review=review(instrument_valid=False, **flags),
    )
    assert invalid["outcome"] == "deny" and "III.B.3" in clauses(invalid)


@pytest.mark.parametrize("counsel", BOTH)
def test_sonoma_III_B_1__agency_document_found_not_valid_is_refused_citing_it(counsel):
    d = ask(
        S,
        "government",
        ["loans.titles"],
        instrument=doc("written_request", ["loans.titles"], signed_by="agency_officer", court=None),
        review=review(instrument_valid=False, counsel_consulted=counsel),
    )
    assert d["outcome"] == "deny" and "III.B.1" in clauses(d)


def test_sonoma_III_B_1__attorney_after_the_branch_managers_explanation_is_refused_citing_it():
    d = ask(S, "attorney", ["loans.titles"], review=review("branch_manager"))
    assert d["outcome"] == "deny" and "III.B.1" in clauses(d)


def test_sonoma_III_B_1_a__staff_giving_no_purpose_are_refused_citing_it():
    d = ask(S, "staff", ["loans.titles"])
    assert d["outcome"] == "deny" and "III.B.1.a" in clauses(d)


# ---- Westchester: 5 names the Board "and/or" and counsel "when necessary" (the reviewer
# ---- judges); 6 has counsel during or after the emergency, never before ----

W = "westchester"


@pytest.mark.parametrize("board", BOTH)
@pytest.mark.parametrize("counsel", BOTH)
def test_westchester_5__board_and_counsel_are_not_required_of_every_review(counsel, board):
    flags = dict(counsel_consulted=counsel, board_consulted=board)
    court_order = doc("court_order", ["loans.titles"])
    valid = ask(
        W,
        "law_enforcement",
        ["loans.titles"],
        instrument=court_order,
        review=review(instrument_valid=True, **flags),
    )
    assert valid["outcome"] == "release" and "5" in clauses(valid)
    assert not {"consult_board", "consult_counsel"} & set(valid["obligations"])
    invalid = ask(
        W,
        "law_enforcement",
        ["loans.titles"],
        instrument=court_order,
        review=review(instrument_valid=False, **flags),
    )
    assert invalid["outcome"] == "deny" and invalid["refer_to"] is None
    assert "5" in clauses(invalid) and "requester_bears_costs" in invalid["obligations"]


@pytest.mark.parametrize("counsel", BOTH)
def test_westchester_6__counsel_during_or_after_never_holds_up_a_confirmed_emergency(counsel):
    d = ask(
        W,
        "public",
        ["registration.address"],
        purpose="emergency",
        review=review(emergency_confirmed=True, counsel_consulted=counsel),
    )
    assert d["outcome"] == "release" and d["refer_to"] is None
    assert d["obligation_clauses"]["post_hoc_counsel_review"] == ["6"]


@pytest.mark.parametrize("counsel", BOTH)
def test_westchester_6__emergency_the_director_did_not_confirm_is_refused_not_sent_back(counsel):
    d = ask(
        W,
        "law_enforcement",
        ["registration.address"],
        purpose="emergency",
        review=review(emergency_confirmed=False, counsel_consulted=counsel),
    )
    assert d["outcome"] == "deny" and d["refer_to"] is None and "6" in clauses(d)
    assert "post_hoc_counsel_review" not in d["obligations"]


def test_westchester_2__director_refusing_staff_with_no_purpose_cites_it():
    d = ask(W, "staff", ["loans.titles"], review=review())
    assert d["outcome"] == "deny" and "2" in clauses(d)
