"""Disclosure requests from the desk to the director's decision.

Every public function here checks the actor's role, writes the audit log (allowed and
refused attempts alike, with opaque references only), and either completes its whole act
or changes nothing. Patron data is read only through the door (`gateways.read_fields`).

The acts live in modules named for them; this package re-exports the public names, so
callers write `services.intake(...)` or `from custodian.disclosure.services import Intake`.

- `_common`: errors, roles, settings, who may see what
- `engine`: the engine's question for a request, and reading its answer
- `intake`: taking a request at the desk and the engine's first decision
- `desk`: what the desk screen shows; ticking the checklist
- `cases`: opening a case or request, notes, closing, the incident report
- `review`: the legal review (the engine's second decision) and the written decision
- `release`: the disclosure package
- `packages`: opening a released package (through the door; the hand-over, once)
- `emergency`: counsel's review of an emergency release
- `sealing`: unsealing a sealed case
- `costs`: staff time and the invoice, where the requester bears the costs
"""

from custodian.disclosure.services._common import (
    CUSTODIAN_ROLES,
    INTAKE_ROLES,
    Conflict,
    DisclosureError,
    Forbidden,
    NotFound,
    can_view_case,
    can_view_request,
    case_due_days,
    counsel_review_days,
    hourly_rate_cents,
    is_custodian,
    max_scan_bytes,
    refuse_if_closed,
    request_is_sealed,
    role_of,
)
from custodian.disclosure.services.cases import (
    add_note,
    close_case,
    get_case,
    get_request,
    incident_report,
)
from custodian.disclosure.services.costs import add_cost, invoice
from custodian.disclosure.services.desk import (
    ChecklistLine,
    DeskScreen,
    desk_screen,
    say_now_lines,
    set_checklist_item,
)
from custodian.disclosure.services.emergency import record_counsel_review
from custodian.disclosure.services.engine import contract_request
from custodian.disclosure.services.intake import (
    Intake,
    add_proof,
    intake,
    sniff,
    uses_officer_checklist,
    validate_intake,
    validate_scan,
)
from custodian.disclosure.services.packages import PackageAccess, hand_over_pending, open_package
from custodian.disclosure.services.release import CLOSED as release_closed_message
from custodian.disclosure.services.release import can_release, releasable_fields, release
from custodian.disclosure.services.review import (
    engine_fields,
    fields_within_face,
    override_fields,
    review,
    write_decision,
    written_decision_required,
)
from custodian.disclosure.services.sealing import unseal

__all__ = [
    "add_proof",
    "CUSTODIAN_ROLES",
    "INTAKE_ROLES",
    "ChecklistLine",
    "Conflict",
    "DeskScreen",
    "DisclosureError",
    "Forbidden",
    "Intake",
    "NotFound",
    "PackageAccess",
    "add_cost",
    "add_note",
    "can_release",
    "can_view_case",
    "can_view_request",
    "case_due_days",
    "close_case",
    "contract_request",
    "counsel_review_days",
    "desk_screen",
    "engine_fields",
    "fields_within_face",
    "get_case",
    "get_request",
    "hand_over_pending",
    "hourly_rate_cents",
    "incident_report",
    "intake",
    "invoice",
    "is_custodian",
    "max_scan_bytes",
    "open_package",
    "override_fields",
    "record_counsel_review",
    "refuse_if_closed",
    "releasable_fields",
    "release",
    "release_closed_message",
    "request_is_sealed",
    "review",
    "role_of",
    "say_now_lines",
    "set_checklist_item",
    "sniff",
    "unseal",
    "uses_officer_checklist",
    "validate_intake",
    "validate_scan",
    "write_decision",
    "written_decision_required",
]
