"""How long each free-text input of a disclosure may be, for the JSON API and the screens alike.

These are the only limits: the columns are sealed text (SealedField, unbounded in the
database; the short ones repeat their limit as `max_length` for the record). They keep a
pasted book or a hostile client from filling the case file, the audit-adjacent timeline
or the incident report.
"""

LIMITS = {
    # who is asking
    "requester_name": 200,
    "requester_organisation": 200,
    "officer_name": 200,
    "officer_badge": 64,
    "officer_agency": 200,
    "card_number": 32,
    # what they said and where to answer
    "stated_purpose": 2000,
    "response_address": 1000,
    "desk_notes": 4000,
    # the case file
    "checklist_note": 2000,
    "note": 4000,
    "review_notes": 4000,
    "decision_text": 10000,
    "decision_basis": 4000,
    "override_reason": 4000,
    "handed_to": 300,
    "cost_description": 300,
    "counsel_name": 200,
    "counsel_conclusion": 4000,
    "reason": 2000,
}

# Bounds far above any real invoice line that keep the arithmetic inside a 32-bit column.
MAX_STAFF_MINUTES = 100_000
MAX_HOURLY_RATE_CENTS = 1_000_000
