"""The disclosure workflow's free text is sealed at rest under the library's key (issue 11).

Who asked, the officer, what they said, the notes, the written decision and to whom a
package went can name a person: the database holds sealed text only, the screens and the
incident report (PDF) still show it, and no SQL may search it by its clear value.
"""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from custodian.disclosure import models as disclosure_models
from custodian.disclosure import pdf, services
from custodian.disclosure.models import CaseEvent, ChecklistItem, DisclosureRequest
from custodian.records import sealing
from custodian.records.sealed_fields import SealedField
from tests.disclosure.intakes import emergency_call, law_enforcement, officer

pytestmark = pytest.mark.django_db

OFFICER = "Zebulon Quartermaine"
LIBRARY = f"s1.{sealing.LIBRARY_OWNER.hex}."

# Text columns that stay clear: codes, choices, clause ids, hashes, file names, and the
# checklist's wording, which comes from the library's policy, not from anyone typing.
CLEAR = {
    "disclosurerequest": {"profile", "requester_kind", "channel", "purpose", "instrument_type"}
    | {"instrument_signed_by", "instrument_court", "scan", "scan_content_type", "outcome"}
    | {"refer_to"},
    "case": {"kind", "assigned_role", "status"},
    "caseevent": {"kind"},
    "checklistitem": {"kind", "code", "clause", "label", "read_aloud"},
    "review": {"by_role", "outcome"},
    "writtendecision": {"by_role"},
    "release": {"pdf", "json", "sha256"},
    "costrecord": set(),
    "counselreview": set(),
}


@pytest.fixture(autouse=True)
def _no_key_from_an_earlier_test():
    # Each test's rows (the library's data key among them) are rolled back, but this
    # process's key cache is not: start from the database's keys.
    sealing.clear_cache()


def _sealed_columns():
    for model in apps.get_app_config("disclosure").get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, SealedField):
                yield model, field


def _raw_values(model, column):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_every_typed_text_column_is_sealed_under_the_librarys_key():
    # A new free-text column must be sealed or named above as clear on purpose.
    for model in apps.get_app_config("disclosure").get_models():
        clear = CLEAR[model._meta.model_name]
        for field in model._meta.concrete_fields:
            if isinstance(field, SealedField):
                assert field.owner == "", f"{field.label} must be the library's"
                assert field.name not in clear
            elif isinstance(field, models.CharField | models.TextField):
                assert field.name in clear, f"{model.__name__}.{field.name} is not sealed"


def _emergency_case(staff, now):
    """A Westchester emergency: officer, notes, review, release, counsel, cost, note."""
    with override_settings(CUSTODIAN_PROFILE="westchester"):
        case = services.intake(
            user=staff["desk"],
            data=emergency_call(
                officer_name=f"Sgt. {OFFICER}",
                officer_badge="QX-7731",
                officer_agency="Quartermaine County Constabulary",
                stated_purpose=f"{OFFICER} says a child is missing",
                response_address="Quartermaine Constabulary, 9 Elm Row",
                desk_notes=f"Desk: {OFFICER} called twice",
            ),
        ).case
        services.review(
            user=staff["director"],
            case=case,
            instrument_valid=None,
            emergency_confirmed=True,
            notes=f"Review: dispatch confirmed {OFFICER}",
        )
        services.release(
            user=staff["director"], case=case, handed_to=f"{OFFICER} in person", now=now
        )
        services.record_counsel_review(
            user=staff["director"],
            case=case,
            counsel_name="Counsel Hortensia Blackwood",
            conclusion=f"Release to {OFFICER} was proper.",
        )
        services.add_note(user=staff["director"], case=case, note=f"Timeline: {OFFICER} thanked")
    return case


def test_the_database_holds_no_clear_name_and_the_model_reads_it_back(door, staff):
    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    case = _emergency_case(staff, now)
    with override_settings(CUSTODIAN_PROFILE="westchester"):
        data = law_enforcement("subpoena", "clerk", requested=["loans.titles"])
        costly = services.intake(user=staff["desk"], data=data).case
        services.add_cost(
            user=staff["director"],
            case=costly,
            description=f"Searching for {OFFICER}'s request",
            staff_minutes=30,
        )
    warrant = law_enforcement("search_warrant", "judge", court="state", officer_name=OFFICER)
    decided = services.intake(user=staff["desk"], data=warrant).case
    services.write_decision(
        user=staff["director"],
        case=decided,
        disclose=True,
        text=f"Comply with {OFFICER}'s warrant.",
        basis=f"A judge signed it for {OFFICER}.",
    )
    filled = set()
    for model, field in _sealed_columns():
        for value in _raw_values(model, field.column):
            if value:
                filled.add(field.label)
                assert value.startswith(LIBRARY), field.label
                for clear in (OFFICER, "Quartermaine", "Hortensia", "Elm Row", "QX-7731"):
                    assert clear not in value, field.label
    # The probe saw the columns that carry the names, not only empty ones.
    assert {
        "disclosure.disclosurerequest.officer_name",
        "disclosure.disclosurerequest.officer_badge",
        "disclosure.disclosurerequest.stated_purpose",
        "disclosure.case.desk_notes",
        "disclosure.caseevent.note",
        "disclosure.checklistitem.note",
        "disclosure.review.notes",
        "disclosure.release.handed_to",
        "disclosure.counselreview.counsel_name",
        "disclosure.counselreview.conclusion",
        "disclosure.writtendecision.text",
        "disclosure.writtendecision.basis",
        "disclosure.costrecord.description",
    } <= filled
    req = DisclosureRequest.objects.get(pk=case.request_id)
    assert (req.officer_name, req.officer_badge) == (f"Sgt. {OFFICER}", "QX-7731")
    assert case.releases.get().handed_to == f"{OFFICER} in person"
    assert case.counsel_review.conclusion == f"Release to {OFFICER} was proper."
    assert f"{OFFICER} thanked" in [e.note.removeprefix("Timeline: ") for e in case.events.all()]


def test_a_clear_value_in_a_query_raises():
    # Empty text says nothing about anyone: it may still be asked for.
    assert not DisclosureRequest.objects.exclude(officer_name="").exists()
    with pytest.raises(sealing.SealedLookup):
        list(DisclosureRequest.objects.filter(officer_name=OFFICER))
    with pytest.raises(sealing.SealedLookup), transaction.atomic():
        CaseEvent.objects.update(note="rewritten")


def test_the_screens_and_the_incident_report_show_the_text(client, door, staff):
    screen = services.intake(
        user=staff["desk"],
        data=officer(officer_name=OFFICER, desk_notes=f"{OFFICER} left a card"),
    )
    case = screen.case
    step = ChecklistItem.objects.filter(request=case.request, kind="officer").first()
    services.set_checklist_item(
        user=staff["desk"], item_id=step.pk, done=True, note=f"Saw {OFFICER}'s badge"
    )
    services.add_note(user=staff["director"], case=case, note="Counsel called back")
    client.force_login(staff["director"])
    page = client.get(reverse("disclosure:case", args=[case.ref])).content.decode()
    for text in (OFFICER, f"{OFFICER} left a card", "Counsel called back"):
        assert text in page, text
    report_url = reverse("disclosure:incident_report", args=[case.ref])
    report = client.get(report_url).content.decode()
    assert f"Saw {OFFICER}&#x27;s badge" in report or f"Saw {OFFICER}'s badge" in report
    response = client.get(report_url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for words in (OFFICER, f"{OFFICER} left a card", f"Saw {OFFICER}'s badge", "ICE"):
        assert words in text, words
    assert pdf.incident_pdf(services.incident_report(case)).startswith(b"%PDF")


def test_the_upgrade_migration_seals_clear_rows_and_its_reverse_opens_them(door, staff):
    upgrade = importlib.import_module("custodian.disclosure.migrations.0004_seal_free_text")
    case = services.intake(user=staff["desk"], data=officer(officer_name=OFFICER)).case
    req = case.request
    with connection.cursor() as cursor:  # as an older version stored them
        cursor.execute(
            "UPDATE disclosure_disclosurerequest SET officer_name = %s, stated_purpose = %s "
            "WHERE id = %s",
            [OFFICER, "", req.pk],
        )
    kept = _raw_values(DisclosureRequest, "officer_agency")
    upgrade._seal(apps, connection.schema_editor())
    [stored] = _raw_values(DisclosureRequest, "officer_name")
    assert stored.startswith(LIBRARY) and OFFICER not in stored
    assert _raw_values(DisclosureRequest, "stated_purpose") == [""]  # empty stays empty
    assert _raw_values(DisclosureRequest, "officer_agency") == kept  # sealed once, not twice
    assert DisclosureRequest.objects.get(pk=req.pk).officer_name == OFFICER
    upgrade._open(apps, connection.schema_editor())
    assert _raw_values(DisclosureRequest, "officer_name") == [OFFICER]
    assert _raw_values(DisclosureRequest, "officer_agency") == ["ICE"]


def test_erasing_the_patron_leaves_the_case_readable(door, staff):
    # The case is kept on its own schedule: the patron's erasure destroys the patron's key,
    # not the library's, so the Director can still read who asked.
    case = services.intake(user=staff["desk"], data=officer(officer_name=OFFICER)).case
    assert case.request.patron_ref is not None
    sealing.forget_key(case.request.patron_ref)
    sealing.clear_cache()
    assert DisclosureRequest.objects.get(pk=case.request_id).officer_name == OFFICER
    assert disclosure_models.Case.objects.get(pk=case.pk).request.officer_agency == "ICE"
