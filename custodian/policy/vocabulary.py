"""The contract's words: fields, requester kinds, obligations, and the plain words for each.

Everything here comes from `contract/` (a copy of shared/contract) and holds for every
library; what a library *does* with these words lives in its profile folder.
"""

import json
from functools import cache
from pathlib import Path

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

FIELD_LABELS = {
    "registration.status": "whether the person is a patron",
    "registration.name": "the name on the account",
    "registration.address": "the address",
    "registration.phone": "the telephone number",
    "registration.email": "the e-mail address",
    "registration.birthdate": "the date of birth",
    "registration.card_number": "the card number",
    "loans.count": "how many items are checked out",
    "loans.due_dates": "the due dates",
    "loans.titles": "the titles checked out",
    "overdue.status": "whether materials are overdue",
    "overdue.count": "how many items are overdue",
    "overdue.titles": "the overdue titles",
    "lost.titles": "the titles marked lost",
    "charges.amount": "how much is owed",
    "charges.details": "what each charge is for",
    "payments.records": "the payments made",
    "holds.count": "how many holds there are",
    "holds.titles": "the titles on hold",
    "history.titles": "the reading history",
    "programs.records": "program and event records",
    "computer.records": "computer-use records",
    "rooms.records": "meeting-room bookings",
    "reference.records": "reference questions",
    "ill.records": "interlibrary loan records",
    "searches.records": "catalogue search records",
    "video.records": "camera video and photographs",
}

KIND_LABELS = {
    "patron": "the patron",
    "authorized_agent": "someone the patron authorised in writing",
    "guardian": "a parent or guardian",
    "staff": "library staff",
    "law_enforcement": "a law enforcement officer",
    "immigration": "an immigration officer",
    "government": "a government agency",
    "public": "a member of the public",
    "media": "the media",
    "vendor": "a library contractor",
    "attorney": "an attorney in a civil case",
}

# What a requester shows, as staff would ask for it.
EVIDENCE_LABELS = {
    "library_card": "the library card",
    "card_number": "the full card number",
    "photo_id": "photo identification",
    "pin": "the PIN",
    "written_authorization": "the patron's signed authorisation",
    "officer_credentials": "the officer's name and badge number",
}

CHANNEL_LABELS = {
    "in_person": "in person",
    "phone": "on the phone",
    "written": "in writing",
    "online": "online",
    "voicemail": "in a message left for the patron",
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


# What staff must do, in the words of the contract's obligations table.
OBLIGATION_LABELS = {
    "explain_policy": "explain the policy's terms to the requester",
    "notify_director": "tell the director (or designee) as soon as possible",
    "record_officer_credentials": "ask for and note the officer's name and badge number",
    "record_purpose": "ask the officer the purpose of the visit and note the answer",
    "copy_documents": "copy every document the requester provides",
    "state_no_voluntary_consent": "say the library does not voluntarily consent to access",
    "limit_to_face_of_order": "provide only what the document names on its face",
    "consult_director_before_release": "where reasonable, consult the director before answering",
    "nondisclosure": "tell no one outside the library's administration of the document or what was produced",
    "forward_to_director": "send the written request (scanned) to the director for review",
    "ask_response_address": "ask to whom the library's response should be sent",
    "no_participation_in_custody": "give no information and take no part in serving or seizing a person",
    "document_officer_actions": "document what the officer does on the premises",
    "incident_report": "complete an incident report for the director",
    "document_decision_basis": "the director records what supported the decision",
    "request_written_request": "ask the officer for a formal written request",
    "consult_counsel": "the decision involves legal counsel",
    "consult_board": "the director confers with the library board before deciding",
    "written_decision": "the director issues a written decision",
    "requester_bears_costs": "the requester pays the library's costs of responding",
    "verify_photo_id": "see current legal photo identification before answering",
    "post_hoc_counsel_review": "counsel reviews the emergency release afterwards",
    "private_location": "make the call from a private area, not the front desk",
    "no_titles_in_message": "a message left for the patron names no titles",
}
