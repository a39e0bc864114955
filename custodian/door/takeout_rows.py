"""The rows of "take my data": one plain query per table, as dictionaries, not models.

Called only by custodian.door.takeout, after the engine has released the category.
Moments are ISO 8601 in UTC, days ISO 8601, money as text ("12.50").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from custodian.portal.models import Concern
from custodian.records.models import (
    Authorization,
    CameraFootage,
    Charge,
    ComputerSession,
    Hold,
    InterlibraryLoanRequest,
    Item,
    Loan,
    PastLoan,
    Patron,
    Payment,
    ProgramRegistration,
    ReferenceInterview,
    ResponsibleParty,
    RoomBooking,
    SearchRecord,
)

CENT = Decimal("0.01")


def _moment(value: dt.datetime | None) -> str | None:
    # UTC, as stored: converting ten years of moments to local time costs more than reading
    # them. The PDF and the printable page show each in the library's time zone.
    return value.isoformat() if value else None


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _label(choices, code) -> str:
    # str(): a label may be lazily translated; JSON wants the words themselves.
    return str(choices(code).label)


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(CENT))


def _registration(p: Patron) -> dict:
    return {
        "name": f"{p.first_name} {p.last_name}".strip(),
        "card_number": p.card_number,
        "address": p.address,
        "phone": p.phone,
        "email": p.email,
        "birth_date": _day(p.birth_date),
        "status": _label(Patron.Status, p.status),
        "status_since": _day(p.status_since),
        "home_branch": p.home_branch.name,
        "registered_on": _day(p.registered_on),
        "expires_on": _day(p.expires_on),
        "has_pin": bool(p.pin_hash),
    }


def loans(p: Patron, today: dt.date) -> list[dict]:
    rows = (
        Loan.objects.filter(patron=p)
        .order_by("due_on", "id")
        .values(
            "item__title",
            "item__author",
            "item__barcode",
            "item__status",
            "branch__name",
            "checked_out_at",
            "due_on",
            "renewals",
        )
    )
    return [
        {
            "title": r["item__title"],
            "author": r["item__author"],
            "barcode": r["item__barcode"],
            "branch": r["branch__name"],
            "checked_out_at": _moment(r["checked_out_at"]),
            "due_on": _day(r["due_on"]),
            "renewals": r["renewals"],
            # A lost item is listed as lost, not as late (as on the account pages).
            "overdue": r["due_on"] < today and r["item__status"] != Item.Status.LOST,
            "lost": r["item__status"] == Item.Status.LOST,
            "days_overdue": max(0, (today - r["due_on"]).days),
        }
        for r in rows
    ]


def from_loans(key: str, loans: list[dict]) -> list[dict]:
    if key == "loans":
        return [{k: v for k, v in r.items() if k not in ("lost", "days_overdue")} for r in loans]
    if key == "overdue":
        return [
            {"title": r["title"], "due_on": r["due_on"], "days_overdue": r["days_overdue"]}
            for r in loans
            if r["overdue"]
        ]
    return [{"title": r["title"], "barcode": r["barcode"]} for r in loans if r["lost"]]


def _charges(p: Patron) -> list[dict]:
    rows = (
        Charge.objects.filter(patron=p)
        .annotate(paid=Sum("payments__amount"))
        .order_by("assessed_at", "id")
        .values("kind", "amount", "paid", "item__title", "assessed_at", "note")
    )
    return [
        {
            "what": _label(Charge.Kind, r["kind"]),
            "title": r["item__title"],
            "amount": _money(r["amount"]),
            "paid": _money(r["paid"]),
            "outstanding": _money(max(Decimal(0), Decimal(r["amount"]) - Decimal(r["paid"] or 0))),
            "assessed_at": _moment(r["assessed_at"]),
            "note": r["note"],
        }
        for r in rows
    ]


def _payments(p: Patron) -> list[dict]:
    rows = (
        Payment.objects.filter(patron=p)
        .order_by("paid_at", "id")
        .values("amount", "method", "paid_at", "charge__kind")
    )
    return [
        {
            "amount": _money(r["amount"]),
            "method": _label(Payment.Method, r["method"]),
            "paid_at": _moment(r["paid_at"]),
            "for_charge": _label(Charge.Kind, r["charge__kind"]) if r["charge__kind"] else None,
        }
        for r in rows
    ]


def _holds(p: Patron) -> list[dict]:
    rows = (
        Hold.objects.filter(patron=p)
        .order_by("placed_at", "id")
        .values("item__title", "status", "placed_at", "pickup_branch__name", "ready_until")
    )
    return [
        {
            "title": r["item__title"],
            "status": _label(Hold.Status, r["status"]),
            "placed_at": _moment(r["placed_at"]),
            "pickup_branch": r["pickup_branch__name"],
            "ready_until": _day(r["ready_until"]),
        }
        for r in rows
    ]


# Reading history is the one table that grows for years (thousands of rows): it is read
# with one plain statement in which the database itself writes each moment as ISO 8601 text
# in UTC, skipping a parse and a format per value in Python (which would cost more than
# the read itself; docs/performance.md "Take my data"). Table names come from the models.
_ISO_UTC = {
    # Django keeps SQLite moments as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]".
    "sqlite": "replace({col}, ' ', 'T') || '+00:00'",
    "postgresql": "to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')",
}


def _history_sql(vendor: str) -> str:
    iso = _ISO_UTC[vendor]
    return (
        f"SELECT i.title, i.author, {iso.format(col='h.checked_out_at')},"  # noqa: S608 - no input
        f" {iso.format(col='h.returned_at')}"
        f" FROM {PastLoan._meta.db_table} h JOIN {Item._meta.db_table} i ON i.id = h.item_id"
        " WHERE h.patron_id = %s ORDER BY h.returned_at DESC, h.id DESC"
    )


def reading_history(p: Patron) -> list[dict]:
    if connection.vendor not in _ISO_UTC:  # another database: the ORM's way, slower
        rows = (
            PastLoan.objects.filter(patron=p)
            .order_by("-returned_at", "-id")
            .values_list("item__title", "item__author", "checked_out_at", "returned_at")
        )
        rows = [(t, a, _moment(o), _moment(b)) for t, a, o, b in rows]
    else:
        with connection.cursor() as cursor:
            cursor.execute(_history_sql(connection.vendor), [p.pk])
            rows = cursor.fetchall()
    return [
        {"title": title, "author": author, "checked_out_at": out, "returned_at": back}
        for title, author, out, back in rows
    ]


def _reading_history_choice(p: Patron) -> dict:
    return {"keeps": p.keeps_reading_history, "changed_at": _moment(p.reading_history_changed_at)}


def _programs(p: Patron) -> list[dict]:
    rows = (
        ProgramRegistration.objects.filter(patron=p)
        .order_by("program__starts_at", "id")
        .values(
            "program__title", "program__branch__name", "program__starts_at", "registered_at",
            "attended",
        )
    )  # fmt: skip
    return [
        {
            "title": r["program__title"],
            "branch": r["program__branch__name"],
            "starts_at": _moment(r["program__starts_at"]),
            "registered_at": _moment(r["registered_at"]),
            "attended": r["attended"],
        }
        for r in rows
    ]


def _computer_sessions(p: Patron) -> list[dict]:
    rows = (
        ComputerSession.objects.filter(patron=p)
        .order_by("started_at", "id")
        .values("branch__name", "workstation", "started_at", "ended_at")
    )
    return [
        {
            "branch": r["branch__name"],
            "workstation": r["workstation"],
            "started_at": _moment(r["started_at"]),
            "ended_at": _moment(r["ended_at"]),
        }
        for r in rows
    ]


def _room_bookings(p: Patron) -> list[dict]:
    rows = (
        RoomBooking.objects.filter(patron=p)
        .order_by("starts_at", "id")
        .values("room__name", "room__branch__name", "starts_at", "ends_at", "attendees")
    )
    return [
        {
            "room": r["room__name"],
            "branch": r["room__branch__name"],
            "starts_at": _moment(r["starts_at"]),
            "ends_at": _moment(r["ends_at"]),
            "attendees": r["attendees"],
        }
        for r in rows
    ]


def _reference(p: Patron) -> list[dict]:
    rows = (
        ReferenceInterview.objects.filter(patron=p)
        .order_by("asked_at", "id")
        .values("asked_at", "channel", "question", "branch__name")
    )
    return [
        {
            "asked_at": _moment(r["asked_at"]),
            "channel": _label(ReferenceInterview.Channel, r["channel"]),
            "question": r["question"],
            "branch": r["branch__name"],
        }
        for r in rows
    ]


def _interlibrary_loans(p: Patron) -> list[dict]:
    rows = (
        InterlibraryLoanRequest.objects.filter(patron=p)
        .order_by("requested_at", "id")
        .values("title", "author", "lending_library", "requested_at", "status")
    )
    return [
        {
            "title": r["title"],
            "author": r["author"],
            "lending_library": r["lending_library"],
            "requested_at": _moment(r["requested_at"]),
            "status": _label(InterlibraryLoanRequest.Status, r["status"]),
        }
        for r in rows
    ]


def _searches(p: Patron) -> list[dict]:
    rows = (
        SearchRecord.objects.filter(patron=p)
        .order_by("searched_at", "id")
        .values_list("searched_at", "database", "query")
    )
    return [{"searched_at": _moment(at), "database": db, "query": q} for at, db, q in rows]


def _camera_footage(p: Patron) -> list[dict]:
    # Which recordings name the patron, not the video itself (nor where it is stored).
    rows = (
        CameraFootage.objects.filter(identified_patrons=p)
        .order_by("starts_at", "id")
        .values("camera", "branch__name", "starts_at", "ends_at", "retain_until")
    )
    return [
        {
            "camera": r["camera"],
            "branch": r["branch__name"],
            "starts_at": _moment(r["starts_at"]),
            "ends_at": _moment(r["ends_at"]),
            "kept_until": _day(r["retain_until"]),
        }
        for r in rows
    ]


def _responsible_parties(p: Patron) -> list[dict]:
    rows = (
        ResponsibleParty.objects.filter(patron=p)
        .order_by("id")
        .values(
            "name", "relationship", "financially_responsible", "signed_on", "phone",
            "guardian_patron_id",
        )
    )  # fmt: skip
    return [
        {
            "name": r["name"],
            "relationship": _label(ResponsibleParty.Relationship, r["relationship"]),
            "financially_responsible": r["financially_responsible"],
            "signed_on": _day(r["signed_on"]),
            "phone": r["phone"],
            "linked_to_their_own_card": r["guardian_patron_id"] is not None,
        }
        for r in rows
    ]


def _guardian_of(p: Patron) -> list[dict]:
    # The patron named as the responsible adult on other cards: the link is theirs, the
    # child's record is not, so nothing of the child (not even a name) is in it.
    rows = (
        ResponsibleParty.objects.filter(guardian_patron=p)
        .order_by("id")
        .values("relationship", "financially_responsible", "signed_on")
    )
    return [
        {
            "relationship": _label(ResponsibleParty.Relationship, r["relationship"]),
            "financially_responsible": r["financially_responsible"],
            "signed_on": _day(r["signed_on"]),
        }
        for r in rows
    ]


def _authorizations(p: Patron) -> list[dict]:
    rows = (
        Authorization.objects.filter(patron=p)
        .order_by("signed_on", "id")
        .values("agent_name", "fields", "signed_on", "expires_on", "revoked_at", "made_in_portal")
    )
    return [
        {
            "person": r["agent_name"],
            "fields": list(r["fields"] or ()),
            "signed_on": _day(r["signed_on"]),
            "expires_on": _day(r["expires_on"]),
            "revoked_at": _moment(r["revoked_at"]),
            "made_in_portal": r["made_in_portal"],
        }
        for r in rows
    ]


def _notice_choices(p: Patron) -> dict:
    return {
        "channel": _label(Patron.NoticeChannel, p.notice_channel),
        "titles_in_notices": p.titles_in_notices,
        "preferred_language": p.preferred_language or None,
    }


def _concerns(p: Patron) -> list[dict]:
    rows = (
        Concern.objects.filter(patron=p)
        .order_by("created_at", "id")
        .values("topic", "message", "created_at", "due_on", "status", "answer", "answered_at")
    )
    return [
        {
            "topic": r["topic"],
            "message": r["message"],
            "sent_at": _moment(r["created_at"]),
            "answer_due_on": _day(r["due_on"]),
            "status": _label(Concern.Status, r["status"]),
            "answer": r["answer"] or None,
            "answered_at": _moment(r["answered_at"]),
        }
        for r in rows
    ]


READERS = {
    "registration": _registration,
    "charges": _charges,
    "payments": _payments,
    "holds": _holds,
    "reading_history_choice": _reading_history_choice,
    "programs": _programs,
    "computer_sessions": _computer_sessions,
    "room_bookings": _room_bookings,
    "reference": _reference,
    "interlibrary_loans": _interlibrary_loans,
    "searches": _searches,
    "camera_footage": _camera_footage,
    "responsible_parties": _responsible_parties,
    "guardian_of": _guardian_of,
    "authorizations": _authorizations,
    "notice_choices": _notice_choices,
    "concerns": _concerns,
}
