"""The contract's words (shared/contract) as screens use them: code -> label, in order.

The labels are defined once, in custodian.policy.vocabulary (`WORDS`: each code's screen
label and its phrase for sentences); these dicts are views of those tables, so a screen,
a PDF and an explanation can never name the same code differently. Only the case
timeline's events (Custodian's own, not the contract's) are defined here.
"""

from custodian.policy import vocabulary as _v

REQUESTER_KINDS = _v.screen_labels(_v.KIND_WORDS)
OFFICER_KINDS = ("law_enforcement", "immigration", "government")

# The ways a requester reaches the desk (the contract's "voicemail" is the library leaving
# a message, never a way of asking, so the intake does not offer it).
INTAKE_CHANNELS = ("in_person", "phone", "written", "online")
CHANNELS = _v.screen_labels(_v.CHANNEL_WORDS, INTAKE_CHANNELS)

EVIDENCE = _v.screen_labels(_v.EVIDENCE_WORDS)
PURPOSES = _v.screen_labels(_v.PURPOSE_WORDS)
INSTRUMENT_TYPES = _v.screen_labels(_v.INSTRUMENT_WORDS)
CUSTODY_INSTRUMENTS = ("arrest_warrant", "notice_to_appear")
SEALING_INSTRUMENTS = ("fisa_order", "national_security_letter")
SIGNERS = _v.screen_labels(_v.SIGNER_WORDS)
COURTS = _v.screen_labels(_v.COURT_WORDS)
FIELDS = _v.screen_labels(_v.FIELD_WORDS)
OUTCOMES = _v.screen_labels(_v.OUTCOME_WORDS)
REVIEWERS = _v.screen_labels(_v.REVIEWER_WORDS)
OBLIGATIONS = _v.screen_labels(_v.OBLIGATION_WORDS)
CLAUSES = _v.screen_labels(_v.CONTRACT_CLAUSE_WORDS)

# What happened on a case, as its timeline names it (CaseEvent.kind).
EVENTS = {
    "intake": "Request taken",
    "document_scanned": "Document scanned",
    "sealed": "Sealed",
    "unsealed": "Unsealed",
    "custody_visit": "Custody document",
    "referred": "Referral",
    "checklist": "Checklist",
    "review": "Review",
    "written_decision": "Written decision",
    "override": "Director's override of the policy engine",
    "released": "Release",
    "handed_over": "Package handed over",
    "counsel_review_due": "Counsel's review due",
    "counsel_review": "Counsel's review",
    "cost": "Staff time",
    "note": "Note",
    "closed": "Closed",
}

# Obligations that the director (not the desk) must follow up: they open a case even
# when the desk decision itself is final.
DIRECTOR_FOLLOW_UP = {
    "notify_director",
    "forward_to_director",
    "incident_report",
    "consult_director_before_release",
    "document_decision_basis",
    "consult_counsel",
    "consult_board",
    "written_decision",
    "requester_bears_costs",
    "post_hoc_counsel_review",
    "nondisclosure",
    "no_participation_in_custody",
}


# The 27 fields under the headings people use; every field in exactly one group:
# the intake asks by them and the case lists say what a request asks for with them.
FIELD_GROUPS = (
    (
        "account",
        "Account and contact",
        (
            "registration.status",
            "registration.name",
            "registration.address",
            "registration.phone",
            "registration.email",
            "registration.birthdate",
            "registration.card_number",
        ),
    ),
    (
        "out",
        "What they have out",
        (
            "loans.count",
            "loans.due_dates",
            "loans.titles",
            "overdue.status",
            "overdue.count",
            "overdue.titles",
            "lost.titles",
            "holds.count",
            "holds.titles",
            "ill.records",
        ),
    ),
    ("history", "History", ("history.titles", "reference.records")),
    ("money", "Money", ("charges.amount", "charges.details", "payments.records")),
    ("programs", "Programs and rooms", ("programs.records", "rooms.records")),
    ("computers", "Computers and searches", ("computer.records", "searches.records")),
    ("video", "Video", ("video.records",)),
)
