"""A tiny fake policy engine, door and audit log, for the disclosure tests only.

The fake engine follows the shapes of shared/contract and a few clauses of the seeds,
enough to drive every path of the disclosure services.
"""

import datetime as dt
import uuid
from decimal import Decimal

OFFICERS = {"law_enforcement", "immigration", "government"}


def cite(clause, text="Clause text to read aloud."):
    return {"clause": clause, "text": text}


def fake_decide(request):
    req = request["requested"]
    inst = request.get("instrument") or None
    review = request.get("review") or None
    kind = request["requester"]["kind"]
    profile = request["profile"]
    obligations = []

    def out(outcome, release=(), refer_to=None, obligations=(), cites=(), explanation="fake"):
        release = [f for f in req if f in release]
        withhold = [f for f in req if f not in release]
        if outcome in ("release", "partial_release"):
            if not release:
                outcome = "deny"
            elif withhold:
                outcome = "partial_release"
            else:
                outcome = "release"
        cites = list(cites) or [cite("X.1")]
        obligations = list(dict.fromkeys(obligations))
        return {
            "profile": profile,
            "policy_version": "test",
            "outcome": outcome,
            "release": release,
            "withhold": withhold,
            "refer_to": refer_to if outcome == "refer" else None,
            "obligations": obligations,
            "citations": cites,
            # As the engine does: the cited clause each obligation comes from.
            "obligation_clauses": {ob: [cites[0]["clause"]] for ob in obligations},
            "explanation": explanation,
        }

    if request.get("purpose") == "emergency":
        if review and review.get("emergency_confirmed"):
            return out(
                "release",
                req,
                obligations=["post_hoc_counsel_review", "consult_counsel"],
                cites=[cite("6", "Emergencies involving public health and/or public safety ...")],
            )
        return out("refer", refer_to="director", obligations=["notify_director"], cites=[cite("6")])
    if inst:
        scope = inst.get("scope") or []
        sealed = inst["type"] == "fisa_order" or inst.get("nondisclosure")
        if sealed:
            obligations.append("nondisclosure")
        if inst["type"] in ("arrest_warrant", "notice_to_appear"):
            return out(
                "deny",
                obligations=["no_participation_in_custody", "notify_director"],
                cites=[cite("III.C.2.e", "Library staff shall not provide any information ...")],
            )
        if profile == "westchester":
            obligations.append("requester_bears_costs")
        if (
            inst.get("signed_by") == "judge"
            and inst["type"] in ("search_warrant", "court_order")
            and not sealed
        ):
            return out(
                "partial_release",
                scope,
                obligations=obligations + ["limit_to_face_of_order", "notify_director"],
                cites=[cite("III.C.2.d.i", "Search for and provide only ...")],
            )
        if (
            review
            and review.get("instrument_valid")
            and (profile != "jackson-county" or review.get("board_consulted"))
        ):
            return out(
                "partial_release",
                scope,
                obligations=obligations + ["written_decision", "document_decision_basis"],
                cites=[cite("VIII", "The Director confers with the Library Board")],
            )
        if review:
            return out("deny", obligations=obligations, cites=[cite("VIII")])
        obligations += [
            "forward_to_director",
            "ask_response_address",
            "copy_documents",
            "record_officer_credentials",
            "notify_director",
        ]
        if profile == "jackson-county":
            obligations += ["consult_board", "consult_counsel"]
        return out(
            "refer",
            refer_to="director",
            obligations=obligations,
            cites=[
                cite(
                    "III.C.2.d.ii",
                    "Inform the officer that you will be sending the written request ...",
                )
            ],
        )
    if kind in OFFICERS:
        return out(
            "refer", refer_to="director", obligations=["request_written_request", "notify_director"]
        )
    if kind == "public":
        if (
            review
            and review.get("by") == "branch_manager"
            and review.get("instrument_valid") is None
        ):
            return out("deny", obligations=["explain_policy"])
        return out(
            "refer",
            refer_to="branch_manager",
            obligations=["explain_policy"],
            cites=[
                cite(
                    "III.C.1",
                    "The Branch Manager shall explain the terms and provisions of this policy",
                )
            ],
        )
    if (
        kind == "patron"
        and request["channel"] == "phone"
        and "card_number" in request.get("evidence", [])
    ):
        return out(
            "partial_release",
            ["loans.count", "loans.due_dates"],
            cites=[
                cite(
                    "4",
                    "On the telephone ... may only respond with the number of items borrowed "
                    "and corresponding due dates.",
                )
            ],
        )
    return out("deny")


class FakeView(dict):
    """Like the door's PatronView: `.get(field)` and `.released`."""

    def __init__(self, values, released):
        super().__init__(values)
        self.released = tuple(released)


class FakeDoor:
    def __init__(self):
        self.patrons = {}  # card -> ref
        self.data = {}
        self.reads = []
        self.lookups = []

    def add(self, card, values):
        ref = str(uuid.uuid4())
        self.patrons[card] = ref
        self.data[ref] = values
        return ref

    def find_patron_ref(self, *, user, card_number):
        from custodian.disclosure.gateways import PatronNotFound

        self.lookups.append(card_number)
        if card_number not in self.patrons:
            raise PatronNotFound("No patron")
        return self.patrons[card_number]

    def read_fields(self, *, user, patron_ref, fields, purpose="library_business"):
        self.reads.append((user.username, str(patron_ref), tuple(fields)))
        values = self.data[str(patron_ref)]
        return FakeView(
            {f: values[f] for f in fields if f in values}, [f for f in fields if f in values]
        )


def standard_patron_values(today=None):
    today = today or dt.date(2026, 11, 23)
    return {
        "registration.name": "Ada Reader",
        "registration.address": "1 Main St",
        "registration.status": "active",
        "loans.count": 3,
        "loans.due_dates": (
            dt.date(today.year, 12, 4),
            dt.date(today.year, 12, 9),
            dt.date(today.year, 12, 12),
        ),
        "loans.titles": ("Secret Title One", "Secret Title Two", "Secret Title Three"),
        "charges.amount": Decimal("4.50"),
        "charges.details": (),
        "computer.records": (),
    }
