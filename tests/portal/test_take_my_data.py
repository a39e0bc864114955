"""Take my data (/my/data/): every category, only the patron's own rows, audited once,
as JSON (valid against docs/take-my-data.schema.json), PDF and a printable page."""

import datetime as dt
import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from custodian import door
from custodian.audit.models import AuditEntry
from custodian.door import takeout as door_takeout
from custodian.door.ruling import Ruling
from custodian.portal import takeout
from custodian.records.models import PastLoan
from tests.portal.signin import signed_in
from tests.portal.takeout_library import full_patron

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "take-my-data.schema.json").read_text()
)
URLS = ("/my/data/json/", "/my/data/pdf/", "/my/data/print/")


def _json(client) -> dict:
    response = client.get("/my/data/json/")
    assert response.status_code == 200
    return json.loads(response.content)


def _records(doc, key):
    return doc["categories"][key].get("records") or []


@pytest.fixture
def alpha(db, main_branch):
    return full_patron(tag="Alpha", branch=main_branch)


def test_every_category_is_present_valid_and_populated(client, alpha):
    doc = _json(signed_in(client, alpha))
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(doc)
    assert list(doc["categories"]) == list(door_takeout.CATEGORIES)
    assert set(door_takeout.CATEGORIES) == set(SCHEMA["properties"]["categories"]["required"])
    for key, entry in doc["categories"].items():
        assert entry["status"] == "included", key
        data = entry.get("records", entry.get("details"))
        assert data, f"{key} is empty for a patron with every category populated"
    assert doc["patron_ref"] == str(alpha.ref)
    reg = doc["categories"]["registration"]["details"]
    assert (reg["name"], reg["card_number"]) == ("Alphafirst Alphalast", alpha.card_number)
    assert "pin" not in json.dumps(reg).replace("has_pin", "")
    history = _records(doc, "reading_history")
    assert len(history) == 40
    # Written by the database itself (takeout_rows._ISO_UTC): the exact moment, in UTC.
    newest = PastLoan.objects.filter(patron=alpha).order_by("-returned_at").first()
    assert dt.datetime.fromisoformat(history[0]["returned_at"]) == newest.returned_at
    assert history[0]["returned_at"].endswith("+00:00")
    assert history[0]["title"] == newest.item.title
    assert [r["title"] for r in _records(doc, "overdue")] == ["Alpha L title 0"]
    assert [r["title"] for r in _records(doc, "lost")] == ["Alpha L title 1"]
    assert doc["categories"]["reading_history_choice"]["details"]["keeps"] is True
    assert _records(doc, "authorizations")[0]["fields"] == ["loans.titles", "loans.due_dates"]
    assert _records(doc, "concerns")[0]["message"] == "Alpha concern message"
    # The camera category says which recordings name the patron, not where the video is.
    assert "vms://" not in json.dumps(doc)
    # The link to a child's card is the patron's; the child's record is not.
    assert _records(doc, "guardian_of") and "Alphaward" not in json.dumps(doc)


def test_another_patrons_rows_never_appear(client, alpha, main_branch):
    full_patron(tag="Bravo", card_number="21234000066666", branch=main_branch)
    text = signed_in(client, alpha).get("/my/data/json/").content.decode()
    assert "Alpha" in text
    assert "Bravo" not in text


def test_an_opted_out_patron_has_no_history_and_says_so(client, rosalind):
    doc = _json(signed_in(client, rosalind))
    history = doc["categories"]["reading_history"]
    assert (history["status"], history["records"]) == ("not_kept", None)
    assert "not asked" in history["note"]
    assert doc["categories"]["reading_history_choice"]["details"]["keeps"] is False
    assert {r["title"] for r in _records(doc, "loans")} == {
        "The Overdue Almanac",
        "A Current Novel",
    }
    jsonschema.validate(doc, SCHEMA)


def test_audited_once_with_categories_never_contents(client, alpha):
    before = AuditEntry.objects.count()
    signed_in(client, alpha).get("/my/data/json/")
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    # One entry for the download; any other on the request is not a read of the record's
    # categories (the language middleware notes the patron's language choice on its own).
    ours = [e for e in entries if e.action == door_takeout.ACTION]
    others = [e for e in entries if e.action != door_takeout.ACTION]
    assert len(ours) == 1
    assert not [e for e in others if set(e.fields) & set(door.FIELDS)]
    entry = ours[0]
    assert (entry.actor, entry.role, entry.action) == ("patron", "patron", door_takeout.ACTION)
    assert (entry.purpose, entry.patron_ref) == ("own_record", str(alpha.ref))
    assert "history.titles" in entry.fields and "concerns.records" in entry.fields
    for secret in ("Alpha", alpha.card_number, "707-555", "example.org", "question", "message"):
        assert secret not in entry.body


def test_each_format_is_one_audited_read(client, alpha):
    signed_in(client, alpha)
    taken = AuditEntry.objects.filter(action=door_takeout.ACTION)
    for url in URLS:
        assert client.get(url).status_code == 200
    assert taken.count() == len(URLS)
    # The explanation page reads nothing of the record.
    last = AuditEntry.objects.order_by("-seq").first().seq
    assert client.get("/my/data/").status_code == 200
    after = AuditEntry.objects.filter(seq__gt=last)
    assert not [e for e in after if set(e.fields) & set(door.FIELDS)]


def test_pdf_holds_the_loans_and_every_heading(client, alpha):
    response = signed_in(client, alpha).get("/my/data/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for section in takeout.SECTIONS.values():
        assert str(section.label) in text
    assert "Alpha L title 0" in text and "Alpha H title 39" in text
    assert "Alphafirst Alphalast" in text


def test_printable_page_shows_every_category_and_can_print(client, rosalind):
    response = signed_in(client, rosalind).get("/my/data/print/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    for section in takeout.SECTIONS.values():
        assert str(section.label) in html
    assert "The Overdue Almanac" in html
    assert 'class="print-page"' in html
    assert "not asked the library to keep your reading history" in html
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("url", ["/my/data/", *URLS])
def test_signed_out_goes_to_the_sign_in_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/my/"


@pytest.mark.parametrize(
    ("url", "kind", "extension"),
    [("/my/data/json/", "application/json", "json"), ("/my/data/pdf/", "application/pdf", "pdf")],
)
def test_downloads_are_attachments_never_stored(client, rosalind, url, kind, extension):
    response = signed_in(client, rosalind).get(url)
    assert response["Content-Type"].startswith(kind)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith(f'.{extension}"')
    assert rosalind.card_number not in disposition and "Rosalind" not in disposition
    assert "no-store" in response["Cache-Control"]


def test_queries_do_not_grow_with_the_record(db, main_branch):
    small = full_patron(tag="Small", card_number="21234000077777", past_loans=5, others=2)
    big = full_patron(tag="Big", card_number="21234000088888", past_loans=400, others=60)
    # The log's first entry also notes the policy version in force: not part of the count.
    door.take_my_data(reader=door.Reader.patron(small.ref))
    counts = []
    for patron in (small, big):
        with CaptureQueriesContext(connection) as queries:
            taken = door.take_my_data(reader=door.Reader.patron(patron.ref))
        counts.append(len(queries))
    assert len(taken.category("reading_history").data) == 400
    assert counts[0] == counts[1]
    # One query per table (17), the patron, the audit append and its savepoint.
    assert counts[1] <= 22


def test_a_withheld_category_is_said_not_dropped(client, alpha, monkeypatch):
    real_ask = door_takeout.ask

    def without_video(**kwargs):
        ruling = real_ask(**kwargs)
        released = tuple(f for f in ruling.released if f != "video.records")
        return Ruling(requested=ruling.requested, released=released, outcome="partial_release")

    monkeypatch.setattr(door_takeout, "ask", without_video)
    doc = _json(signed_in(client, alpha))
    camera = doc["categories"]["camera_footage"]
    assert (camera["status"], camera["records"]) == ("withheld", None)
    assert "does not release" in camera["note"]
    assert "Alpha camera" not in json.dumps(doc)
    assert doc["categories"]["loans"]["status"] == "included"
    jsonschema.validate(doc, SCHEMA)


def test_a_category_the_library_does_not_keep_is_said(client, rosalind, settings):
    settings.CUSTODIAN_PROFILE = "jensen-memorial"  # [retention] not_kept: programs, ...
    doc = _json(signed_in(client, rosalind))
    for key in ("programs", "room_bookings", "computer_sessions"):
        entry = doc["categories"][key]
        assert (entry["status"], entry["records"]) == ("not_kept", None), key
        assert entry["note"] == "The library does not keep this."
    # Kept by Jensen, merely empty for this patron: included, with no rows.
    assert doc["categories"]["searches"] == {
        "label": "Searches",
        "status": "included",
        "note": "",
        "records": [],
    }
    jsonschema.validate(doc, SCHEMA)


def test_rows_that_exist_are_shown_even_where_none_are_kept(client, alpha, monkeypatch):
    monkeypatch.setattr(
        door_takeout, "not_kept_by_library", lambda profile: frozenset({"searches.records"})
    )
    doc = _json(signed_in(client, alpha))
    assert doc["categories"]["searches"]["status"] == "included"
    assert len(_records(doc, "searches")) == 5


def test_only_a_patron_reader_takes_data(clerk, rosalind):
    with pytest.raises(ValueError):
        door.take_my_data(reader=door.Reader.staff(clerk))


def test_the_data_page_explains_and_offers_three_formats(client, rosalind):
    html = signed_in(client, rosalind).get("/my/data/").content.decode()
    assert html.count("<h1") == 1
    for url in URLS:
        assert f'action="{url}"' in html
    for section in takeout.SECTIONS.values():
        assert str(section.label) in html
