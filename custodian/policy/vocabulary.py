"""The contract's words: fields, requester kinds, obligations, and the plain words for each.

Everything here comes from `contract/` (a copy of shared/contract) and holds for every
library; what a library *does* with these words lives in its profile folder.
"""

import json
from functools import cache
from pathlib import Path
from typing import NamedTuple

CONTRACT_DIR = Path(__file__).resolve().parent / "contract"


@cache
def request_schema() -> dict:
    return json.loads((CONTRACT_DIR / "request.schema.json").read_text())


@cache
def decision_schema() -> dict:
    return json.loads((CONTRACT_DIR / "decision.schema.json").read_text())


def _enum(path: list[str]) -> tuple[str, ...]:
    node = request_schema()
    for key in path:
        node = node[key]
    return tuple(node["enum"])


FIELDS: tuple[str, ...] = _enum(["$defs", "field"])
KINDS: tuple[str, ...] = _enum(["properties", "requester", "properties", "kind"])
CHANNELS: tuple[str, ...] = _enum(["properties", "channel"])
EVIDENCE: tuple[str, ...] = tuple(request_schema()["properties"]["evidence"]["items"]["enum"])
PURPOSES: tuple = _enum(["properties", "purpose"])
_INSTRUMENT = request_schema()["properties"]["instrument"]["oneOf"][1]["properties"]
INSTRUMENT_TYPES: tuple[str, ...] = tuple(_INSTRUMENT["type"]["enum"])
SIGNERS: tuple[str, ...] = tuple(_INSTRUMENT["signed_by"]["enum"])
COURTS: tuple = tuple(_INSTRUMENT["court"]["enum"])
REVIEWERS = ("branch_manager", "director")
# The decision schema lists obligations in the order staff meet them; decisions keep it.
OBLIGATIONS: tuple[str, ...] = tuple(
    decision_schema()["properties"]["obligations"]["items"]["enum"]
)
OBLIGATION_ORDER = {name: i for i, name in enumerate(OBLIGATIONS)}

# Groups of fields, as fields.md names them ("use" is every other record of library use).
FIELD_GROUPS = {
    "registration": ("registration",),
    "circulation": ("loans", "overdue", "lost", "holds", "history"),
    "charges": ("charges", "payments"),
    "use": ("programs", "computer", "rooms", "reference", "ill", "searches", "video"),
}
# Fields that name what someone read or asked for (a title, or an item on a charge).
REVEALS_TITLES = frozenset(
    {
        "loans.titles",
        "overdue.titles",
        "lost.titles",
        "holds.titles",
        "history.titles",
        "charges.details",
    }
)

# Groups of requester kinds that rules may name with `principal in RequesterGroup::"..."`.
REQUESTER_GROUPS = {
    # public agencies and their officers
    "officers": ("law_enforcement", "immigration", "government"),
    # kinds whose release the contract limits to the face of the instrument
    "legal_process": ("law_enforcement", "immigration", "government", "attorney"),
    # anyone outside the library with no tie to the patron
    "third_parties": ("public", "media", "vendor", "attorney"),
}


def field_group(field: str) -> str:
    category = field.split(".", 1)[0]
    for group, categories in FIELD_GROUPS.items():
        if category in categories:
            return group
    raise KeyError(field)


def groups_of_kind(kind: str) -> list[str]:
    return [group for group, kinds in REQUESTER_GROUPS.items() if kind in kinds]


def expand_fields(patterns: list[str]) -> list[str]:
    """Expand `loans.*`, `circulation` or a plain field name into contract fields, in order."""
    chosen: set[str] = set()
    for pattern in patterns:
        if pattern == "*":
            chosen.update(FIELDS)
        elif pattern in FIELD_GROUPS:
            chosen.update(f for f in FIELDS if field_group(f) == pattern)
        elif pattern.endswith(".*"):
            prefix = pattern[:-1]
            matched = [f for f in FIELDS if f.startswith(prefix)]
            if not matched:
                raise KeyError(pattern)
            chosen.update(matched)
        elif pattern in FIELDS:
            chosen.add(pattern)
        else:
            raise KeyError(pattern)
    return [f for f in FIELDS if f in chosen]


# ---------------------------------------------------------------- the words for every code
#
# One table per kind of code, and the only place a code gets its words: each entry holds
# the label a screen shows on its own (a heading, a table cell, a choice) and the phrase a
# sentence uses ("asked for the address"). Screens read them through custodian.words and
# disclosure.vocab; explanations and rendered policies through the *_LABELS below.
# tests/policy/test_vocabulary_words.py checks every code in the contract's schemas is here.


class Words(NamedTuple):
    screen: str
    phrase: str


def _w(screen: str, phrase: str | None = None) -> Words:
    """Words for a code; the phrase defaults to the label in lower case ("Subpoena": "subpoena")."""
    if phrase is None:
        head = screen.split(" ", 1)[0]
        # An acronym ("FISA court") keeps its capitals.
        phrase = screen if len(head) > 1 and head.isupper() else screen[:1].lower() + screen[1:]
    return Words(screen, phrase)


FIELD_WORDS = {
    "registration.status": _w(
        "Whether the person is a patron at all", "whether the person is a patron"
    ),
    "registration.name": _w("Name on the account", "the name on the account"),
    "registration.address": _w("Postal address", "the address"),
    "registration.phone": _w("Telephone number", "the telephone number"),
    "registration.email": _w("E-mail address", "the e-mail address"),
    "registration.birthdate": _w("Date of birth", "the date of birth"),
    "registration.card_number": _w("Library card number", "the card number"),
    "loans.count": _w("How many items are checked out now", "how many items are checked out"),
    "loans.due_dates": _w("Due dates of items checked out now", "the due dates"),
    "loans.titles": _w("Titles of items checked out now", "the titles checked out"),
    "overdue.status": _w("Whether anything is overdue", "whether materials are overdue"),
    "overdue.count": _w("How many items are overdue", "how many items are overdue"),
    "overdue.titles": _w("Titles of overdue items", "the overdue titles"),
    "lost.titles": _w("Titles of items marked lost", "the titles marked lost"),
    "charges.amount": _w("How much is owed", "how much is owed"),
    "charges.details": _w("What each charge is for", "what each charge is for"),
    "payments.records": _w("Payments made", "the payments made"),
    "holds.count": _w("How many holds", "how many holds there are"),
    "holds.titles": _w("Titles on hold", "the titles on hold"),
    "history.titles": _w("Past checkouts (opted-in history)", "the reading history"),
    "programs.records": _w("Program registration and attendance", "program and event records"),
    "computer.records": _w("Public-computer use", "computer-use records"),
    "rooms.records": _w("Meeting-room bookings", "meeting-room bookings"),
    "reference.records": _w("Reference interviews", "reference questions"),
    "ill.records": _w("Interlibrary loans", "interlibrary loan records"),
    "searches.records": _w("Catalogue and database searches", "catalogue search records"),
    "video.records": _w("Security-camera video and photographs", "camera video and photographs"),
}

KIND_WORDS = {
    "patron": _w("The patron the records are about", "the patron"),
    "authorized_agent": _w(
        "Someone the patron authorised in writing", "someone the patron authorised in writing"
    ),
    "guardian": _w("Parent, guardian or caretaker", "a parent or guardian"),
    "staff": _w("Library staff or official", "library staff"),
    "law_enforcement": _w("Law enforcement officer", "a law enforcement officer"),
    "immigration": _w("Immigration officer", "an immigration officer"),
    "government": _w("Another public agency", "a government agency"),
    "public": _w("Member of the public", "a member of the public"),
    "media": _w("Media", "the media"),
    "vendor": _w("Library contractor", "a library contractor"),
    "attorney": _w("Attorney / party to a civil case", "an attorney in a civil case"),
}

CHANNEL_WORDS = {
    "in_person": _w("In person", "in person"),
    "phone": _w("Telephone", "on the phone"),
    "written": _w("Letter, fax or e-mail", "in writing"),
    "online": _w("Online", "online"),
    # The library leaving a message for the patron, never a way a requester asks.
    "voicemail": _w("Message left for the patron", "in a message left for the patron"),
}

# What a requester shows; the phrase is how staff would ask for it.
EVIDENCE_WORDS = {
    "library_card": _w("The physical library card", "the library card"),
    "card_number": _w("The full card number / barcode", "the full card number"),
    "photo_id": _w("Current photo identification", "photo identification"),
    "pin": _w("The account PIN (verified)", "the PIN"),
    "written_authorization": _w(
        "Written authorisation signed by the patron, still in date",
        "the patron's signed authorisation",
    ),
    "officer_credentials": _w(
        "Officer credentials (name and badge noted)", "the officer's name and badge number"
    ),
}

# "" is the contract's null: no purpose given.
PURPOSE_WORDS = {
    "": _w("Not stated / not relevant", "no stated purpose"),
    "library_business": _w("Library business"),
    "overdue_recovery": _w("Recovering overdue materials and charges"),
    "report_illegal_activity": _w("Library reporting conduct on its premises"),
    "emergency": _w("Emergency: imminent danger to public health or safety", "an emergency"),
}

INSTRUMENT_WORDS = {
    "search_warrant": _w("Search warrant", "a search warrant"),
    "court_order": _w("Court order", "a court order"),
    "subpoena": _w("Subpoena", "a subpoena"),
    "administrative_warrant": _w(
        "Administrative warrant (signed by an agency officer)", "an administrative warrant"
    ),
    "fisa_order": _w("FISA court order (USA PATRIOT Act s.215)", "a FISA court order"),
    "national_security_letter": _w("National security letter", "a national security letter"),
    "arrest_warrant": _w("Arrest warrant", "an arrest warrant"),
    "notice_to_appear": _w("Notice to appear", "a notice to appear"),
    "written_request": _w(
        "Formal written request (no legal compulsion)", "a formal written request"
    ),
}

SIGNER_WORDS = {
    "judge": _w("A judge"),
    "clerk": _w("A court clerk"),
    "attorney": _w("An attorney"),
    "agency_officer": _w("An agency officer"),
    "none": _w("Nobody / unsigned", "nobody"),
}

COURT_WORDS = {
    "": _w("No court", "no court"),
    "federal": _w("Federal court", "a federal court"),
    "state": _w("State court", "a state court"),
    "fisa": _w("FISA court", "the FISA court"),
}

OUTCOME_WORDS = {
    "release": _w("Released"),
    "partial_release": _w("Partly released"),
    "refer": _w("Referred"),
    "deny": _w("Denied"),
}

# Who a decision is referred to (the decision's refer_to, a review's by).
REVIEWER_WORDS = {
    "": _w("No one: not referred", "no one"),
    "branch_manager": _w("Branch manager", "the branch manager"),
    "director": _w("Library director", "the library director"),
}


def _duty(phrase: str) -> Words:
    # A duty on a checklist is the phrase as a sentence: "Explain the policy's terms ...".
    return Words(phrase[:1].upper() + phrase[1:] + ".", phrase)


# What staff must do, in the words of the contract's obligations table.
OBLIGATION_WORDS = {
    "explain_policy": _duty("explain the policy's terms to the requester"),
    "notify_director": _duty("tell the director (or designee) as soon as possible"),
    "record_officer_credentials": _duty("ask for and note the officer's name and badge number"),
    "record_purpose": _duty("ask the officer the purpose of the visit and note the answer"),
    "copy_documents": _duty("copy every document the requester provides"),
    "state_no_voluntary_consent": _duty("say the library does not voluntarily consent to access"),
    "limit_to_face_of_order": _duty("provide only what the document names on its face"),
    "consult_director_before_release": _duty(
        "where reasonable, consult the director before answering"
    ),
    "nondisclosure": _duty(
        "tell no one outside the library's administration of the document or what was produced"
    ),
    "forward_to_director": _duty("send the written request (scanned) to the director for review"),
    "ask_response_address": _duty("ask to whom the library's response should be sent"),
    "no_participation_in_custody": _duty(
        "give no information and take no part in serving or seizing a person"
    ),
    "document_officer_actions": _duty("document what the officer does on the premises"),
    "incident_report": _duty("complete an incident report for the director"),
    "document_decision_basis": _duty("the director records what supported the decision"),
    "request_written_request": _duty("ask the officer for a formal written request"),
    "consult_counsel": _duty("the decision involves legal counsel"),
    "consult_board": _duty("the director confers with the library board before deciding"),
    "written_decision": _duty("the director issues a written decision"),
    "requester_bears_costs": _duty("the requester pays the library's costs of responding"),
    "verify_photo_id": _duty("see current legal photo identification before answering"),
    "post_hoc_counsel_review": _duty("counsel reviews the emergency release afterwards"),
    "private_location": _duty("make the call from a private area, not the front desk"),
    "no_titles_in_message": _duty("a message left for the patron names no titles"),
}

# The rules every profile holds (profiles/_contract/clauses.toml), as a citation names them;
# a library's own clause ids ("III.C.2.h", "Regulation 4") are already words.
CONTRACT_CLAUSE_WORDS = {
    "contract.default_withhold": _w("Every library: nothing without a basis in policy"),
    "contract.registration_status": _w("Every library: whether someone is a patron"),
    "contract.scope": _w("Every library: only what the document names"),
    "contract.nondisclosure": _w("Every library: secrecy orders"),
}

# Every kind of code, by the name templates use (`{{ code|label:"field" }}`).
WORDS: dict[str, dict[str, Words]] = {
    "field": FIELD_WORDS,
    "kind": KIND_WORDS,
    "channel": CHANNEL_WORDS,
    "evidence": EVIDENCE_WORDS,
    "purpose": PURPOSE_WORDS,
    "instrument": INSTRUMENT_WORDS,
    "signer": SIGNER_WORDS,
    "court": COURT_WORDS,
    "outcome": OUTCOME_WORDS,
    "reviewer": REVIEWER_WORDS,
    "obligation": OBLIGATION_WORDS,
    "clause": CONTRACT_CLAUSE_WORDS,
}


def phrases(table: dict[str, Words]) -> dict[str, str]:
    return {code: words.phrase for code, words in table.items()}


def screen_labels(table: dict[str, Words], codes=None) -> dict[str, str]:
    """Labels for screens, in the table's order (or only `codes`, in that order)."""
    return {code: table[code].screen for code in (table if codes is None else codes)}


# The phrase forms, by the names explanations and rendered policies import.
FIELD_LABELS = phrases(FIELD_WORDS)
KIND_LABELS = phrases(KIND_WORDS)
EVIDENCE_LABELS = phrases(EVIDENCE_WORDS)
CHANNEL_LABELS = phrases(CHANNEL_WORDS)
OBLIGATION_LABELS = phrases(OBLIGATION_WORDS)
