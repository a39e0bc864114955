"""The contract's words (shared/contract), as Python constants and plain-English labels."""

REQUESTER_KINDS = {
    "patron": "The patron the records are about",
    "authorized_agent": "Someone the patron authorised in writing",
    "guardian": "Parent, guardian or caretaker",
    "staff": "Library staff or official",
    "law_enforcement": "Law enforcement officer",
    "immigration": "Immigration officer",
    "government": "Another public agency",
    "public": "Member of the public",
    "media": "Media",
    "vendor": "Library contractor",
    "attorney": "Attorney / party to a civil case",
}
OFFICER_KINDS = ("law_enforcement", "immigration", "government")

CHANNELS = {
    "in_person": "In person",
    "phone": "Telephone",
    "written": "Letter, fax or e-mail",
    "online": "Online",
}

EVIDENCE = {
    "library_card": "The physical library card",
    "card_number": "The full card number / barcode",
    "photo_id": "Current photo identification",
    "pin": "The account PIN (verified)",
    "written_authorization": "Written authorisation signed by the patron, still in date",
    "officer_credentials": "Officer credentials (name and badge noted)",
}

PURPOSES = {
    "": "Not stated / not relevant",
    "library_business": "Library business",
    "overdue_recovery": "Recovering overdue materials and charges",
    "report_illegal_activity": "Library reporting conduct on its premises",
    "emergency": "Emergency: imminent danger to public health or safety",
}

INSTRUMENT_TYPES = {
    "search_warrant": "Search warrant",
    "court_order": "Court order",
    "subpoena": "Subpoena",
    "administrative_warrant": "Administrative warrant (signed by an agency officer)",
    "fisa_order": "FISA court order (USA PATRIOT Act s.215)",
    "national_security_letter": "National security letter",
    "arrest_warrant": "Arrest warrant",
    "notice_to_appear": "Notice to appear",
    "written_request": "Formal written request (no legal compulsion)",
}
CUSTODY_INSTRUMENTS = ("arrest_warrant", "notice_to_appear")
SEALING_INSTRUMENTS = ("fisa_order", "national_security_letter")

SIGNERS = {
    "judge": "A judge",
    "clerk": "A court clerk",
    "attorney": "An attorney",
    "agency_officer": "An agency officer",
    "none": "Nobody / unsigned",
}
COURTS = {"": "No court", "federal": "Federal court", "state": "State court", "fisa": "FISA court"}

FIELDS = {
    "registration.status": "Whether the person is a patron at all",
    "registration.name": "Name on the account",
    "registration.address": "Postal address",
    "registration.phone": "Telephone number",
    "registration.email": "E-mail address",
    "registration.birthdate": "Date of birth",
    "registration.card_number": "Library card number",
    "loans.count": "How many items are checked out now",
    "loans.due_dates": "Due dates of items checked out now",
    "loans.titles": "Titles of items checked out now",
    "overdue.status": "Whether anything is overdue",
    "overdue.count": "How many items are overdue",
    "overdue.titles": "Titles of overdue items",
    "lost.titles": "Titles of items marked lost",
    "charges.amount": "How much is owed",
    "charges.details": "What each charge is for",
    "payments.records": "Payments made",
    "holds.count": "How many holds",
    "holds.titles": "Titles on hold",
    "history.titles": "Past checkouts (opted-in history)",
    "programs.records": "Program registration and attendance",
    "computer.records": "Public-computer use",
    "rooms.records": "Meeting-room bookings",
    "reference.records": "Reference interviews",
    "ill.records": "Interlibrary loans",
    "searches.records": "Catalogue and database searches",
    "video.records": "Security-camera video and photographs",
}

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
    "released": "Release",
    "handed_over": "Package handed over",
    "counsel_review_due": "Counsel's review due",
    "counsel_review": "Counsel's review",
    "cost": "Staff time",
    "note": "Note",
    "closed": "Closed",
}

OUTCOMES = {
    "release": "Released",
    "partial_release": "Partly released",
    "refer": "Referred",
    "deny": "Denied",
}

OBLIGATIONS = {
    "explain_policy": "Explain the policy's terms to the requester.",
    "notify_director": "Tell the director (or designee) as soon as possible.",
    "record_officer_credentials": "Ask for and note the officer's name and badge number.",
    "record_purpose": "Ask the officer the purpose of the visit and note the answer.",
    "copy_documents": "Copy every document the requester provides.",
    "state_no_voluntary_consent": "Say the library does not voluntarily consent to access.",
    "limit_to_face_of_order": "Provide only what the document names on its face.",
    "consult_director_before_release": "Where reasonable, consult the director before answering.",
    "nondisclosure": "Tell no one outside the library's administration of the document or what was produced.",
    "forward_to_director": "Send the written request (scanned) to the director for review.",
    "ask_response_address": "Ask to whom the library's response should be sent.",
    "no_participation_in_custody": "Give no information and take no part in serving or seizing a person.",
    "document_officer_actions": "Document what the officer does on the premises.",
    "incident_report": "Complete an incident report for the director.",
    "document_decision_basis": "The director records what supported the decision.",
    "request_written_request": "Ask the officer for a formal written request.",
    "consult_counsel": "The decision involves legal counsel.",
    "consult_board": "The director confers with the library board before deciding.",
    "written_decision": "The director issues a written decision.",
    "requester_bears_costs": "The requester pays the library's costs of responding.",
    "verify_photo_id": "See current legal photo identification before answering.",
    "post_hoc_counsel_review": "Counsel reviews the emergency release afterwards.",
    "private_location": "Make the call from a private area, not the front desk.",
    "no_titles_in_message": "A message left for the patron names no titles.",
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
