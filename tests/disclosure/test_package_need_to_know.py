"""Finding 1 of issue 7: a released package's records go no further than need to know.

The attack: a judge's warrant for reading history is filed at the desk, the Director
reviews, decides in writing and releases the history to the officer; then every role fetches
the stored package over the API and the screens (JSON, PDF, the package page). Before the fix
the desk clerk and every branch manager got the titles, audited with `fields=[]`. Now only
the Director and designees get them, the releasing clerk once to hand it over, and every fetch
is in the audit log with the package's fields. Real engine, real door, real audit log.
"""

import datetime as dt
import html
import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from custodian.audit.models import AuditEntry
from custodian.audit.services import verify_log
from custodian.disclosure import services
from custodian.disclosure.models import Case
from custodian.disclosure.rendering import package_sections
from custodian.records.models import Branch, Item, PastLoan
from tests.disclosure.intakes import law_enforcement
from tests.disclosure.library import make_library

pytestmark = pytest.mark.django_db

HISTORY = ("Letters from a Quiet Town", "The Cartographer's Daughter")
FIELDS = ["history.titles"]


def _library():
    patron = make_library()
    patron.keeps_reading_history = True
    patron.save()
    branch = Branch.objects.get(code="MAIN")
    now = timezone.now()
    for i, title in enumerate(HISTORY):
        item = Item.objects.create(barcode=f"3911100000{i}", title=title, branch=branch)
        PastLoan.objects.create(
            patron=patron,
            item=item,
            checked_out_at=now - dt.timedelta(days=40 + i),
            returned_at=now - dt.timedelta(days=20 + i),
        )
    return patron


@pytest.fixture
def people(django_user_model):
    main, _ = Branch.objects.get_or_create(code="MAIN", defaults={"name": "Main Library"})
    east = Branch.objects.create(code="EAST", name="East Branch")

    def user(name, role, branch=None):
        return django_user_model.objects.create_user(
            username=name, password=None, role=role, branch=branch
        )

    return {
        "desk": user("clerk", "desk", main),
        "other_desk": user("clerk2", "desk", main),
        "manager_same_branch": user("manager-main", "branch_manager", main),
        "manager_other_branch": user("manager-east", "branch_manager", east),
        "director": user("director", "director"),
        "designee": user("designee", "designee"),
        "it_admin": user("it", "it_admin"),
        "auditor": user("auditor", "auditor"),
    }


def _released_history(people):
    """The desk files the warrant; the Director reviews, decides in writing and releases."""
    data = law_enforcement(
        "search_warrant",
        "judge",
        court="state",
        scope=FIELDS,
        requested=FIELDS,
        officer_name="Det. Ruiz",
        officer_badge="311",
    )
    case = services.intake(user=people["desk"], data=data).case
    director = people["director"]
    if case.status != Case.Status.APPROVED:
        services.review(user=director, case=case, instrument_valid=True, counsel_consulted=True)
        case.refresh_from_db()
    assert case.status == Case.Status.APPROVED, case.decision
    services.write_decision(
        user=director,
        case=case,
        disclose=True,
        text="Comply with the warrant as to reading history.",
        basis="Judge-signed state search warrant naming reading history on its face.",
    )
    rel = services.release(user=director, case=case, handed_to="Det. Ruiz, badge 311")
    assert rel.fields == FIELDS
    stored = rel.json.read().decode()
    assert all(t in stored for t in HISTORY), stored
    return case, rel


def _urls(case, rel):
    return {
        "api": f"/api/disclosure/cases/{case.ref}/releases/{rel.ref}",
        "json": reverse("disclosure:package", args=[case.ref, rel.ref, "json"]),
        "pdf": reverse("disclosure:package", args=[case.ref, rel.ref, "pdf"]),
        "page": reverse("disclosure:package_page", args=[case.ref, rel.ref]),
    }


def _body(resp) -> bytes:
    return b"".join(resp.streaming_content) if resp.streaming else resp.content


def _text(resp) -> str:
    """What a reader of the answer sees: a PDF's text, a page's with entities undone."""
    body = _body(resp)
    if resp.get("Content-Type", "").startswith("application/pdf"):
        return _pdf_text(body)
    return html.unescape(body.decode("latin-1"))


def _pdf_text(raw: bytes) -> str:
    """The PDF's text, decompressed, so that a title in it can be looked for."""
    import zlib

    text = raw.decode("latin-1")
    for chunk in raw.split(b"stream")[1:]:
        data = chunk.split(b"endstream")[0].strip(b"\r\n")
        try:
            text += zlib.decompress(data).decode("latin-1")
        except zlib.error:
            pass
    return text


def _new_entries(before: int):
    return list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))


# Who gets the records (200 with the titles) and what everyone else gets, per surface.
# The page answers 200 with the package's facts to all on the case, 403 to the rest.
ALLOWED = {"director", "designee"}
ON_THE_CASE = {"desk", "manager_same_branch", "manager_other_branch"} | ALLOWED


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
@pytest.mark.parametrize("surface", ["api", "json", "pdf", "page"])
def test_only_the_custodians_get_a_packages_records(people, surface):
    patron = _library()
    case, rel = _released_history(people)
    url = _urls(case, rel)[surface]
    for who, user in people.items():
        if who == "desk":
            continue  # the releasing clerk's hand-over is its own test below
        client = Client()
        client.force_login(user)
        before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
        resp = client.get(url)
        text = _text(resp)
        entries = _new_entries(before)
        if who in ALLOWED:
            assert resp.status_code == 200, (who, surface)
            assert all(t in text for t in HISTORY), (who, surface)
            assert "no-store" in resp["Cache-Control"]
        else:
            expected = 200 if surface == "page" and who in ON_THE_CASE else 403
            assert resp.status_code == expected, (who, surface, resp.status_code)
            assert not any(t in text for t in HISTORY), (who, surface)
            assert "Det. Ruiz" in text if expected == 200 else True, "the page says to whom"
        door_entries = [e for e in entries if e.action == "read_package"]
        if who in ON_THE_CASE or who == "other_desk":
            # Ruled by the door: one entry naming the package's fields, released or denied.
            assert len(door_entries) == 1, (who, surface, [e.action for e in entries])
            entry = door_entries[0]
            assert entry.fields == rel.fields == FIELDS
            assert entry.patron_ref == str(patron.ref)
            assert entry.actor == user.username and entry.role == user.role
            assert entry.outcome == ("release" if who in ALLOWED else "deny"), (who, entry.outcome)
        else:
            # IT and the auditor open no case: refused at the door of the screen, before
            # anything is looked up, and that refusal is on record.
            assert not door_entries
            assert [(e.actor, e.outcome) for e in entries] == [(user.username, "refused")]
    assert verify_log().ok


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_before_the_fix_the_clerk_read_the_titles_now_they_do_not(people):
    """The clerk who took the warrant (not the releaser) sees the package exists, not its
    records, over every surface; the case page lists it without a file link."""
    _library()
    case, rel = _released_history(people)
    client = Client()
    client.force_login(people["desk"])
    case_page = html.unescape(
        client.get(reverse("disclosure:case", args=[case.ref])).content.decode()
    )
    assert "Det. Ruiz, badge 311" in case_page and "Past checkouts" in case_page
    assert _urls(case, rel)["pdf"] not in case_page
    for surface, url in _urls(case, rel).items():
        resp = client.get(url)
        assert not any(t in _text(resp) for t in HISTORY), surface
        assert resp.status_code == (200 if surface == "page" else 403), surface
    refused = AuditEntry.objects.filter(actor="clerk", action="read_package")
    assert refused.count() == 4 and {e.outcome for e in refused} == {"deny"}
    assert all(e.fields == FIELDS for e in refused)


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_the_releasing_clerk_opens_the_package_once_to_hand_it_over(people, monkeypatch):
    """A clerk who releases (the judge's order released at the desk) gets the records once,
    for the hand-over, audited with its fields; the second fetch is refused."""
    make_library()
    data = law_enforcement(
        "search_warrant",
        "judge",
        court="state",
        requested=["loans.titles"],
        officer_name="Det. Ruiz",
        officer_badge="311",
    )
    case = services.intake(user=people["desk"], data=data).case
    # The written decision this profile requires is the Director's; the clerk then releases.
    services.write_decision(
        user=people["director"],
        case=case,
        disclose=True,
        text="Comply as to current loans.",
        basis="Judge-signed state search warrant naming current loans.",
    )
    assert services.can_release(people["desk"], case)
    rel = services.release(user=people["desk"], case=case, handed_to="Det. Ruiz")
    client = Client()
    client.force_login(people["desk"])
    urls = _urls(case, rel)
    page = client.get(urls["page"]).content.decode()
    assert "once" in page and urls["pdf"] in page and "The Quiet Harbour" not in page
    first = client.get(urls["pdf"])
    assert first.status_code == 200 and "The Quiet Harbour" in _pdf_text(first.content)
    second = client.get(urls["json"])
    assert second.status_code == 403 and b"The Quiet Harbour" not in second.content
    api = client.get(urls["api"])
    assert api.status_code == 403 and "Director and designees" in api.json()["detail"]
    entries = list(AuditEntry.objects.filter(actor="clerk", action="read_package").order_by("seq"))
    assert [(e.outcome, e.fields) for e in entries] == [
        ("deny", ["loans.titles"]),  # the page: no records on it
        ("release", ["loans.titles"]),  # the hand-over
        ("deny", ["loans.titles"]),
        ("deny", ["loans.titles"]),
    ]
    rel.refresh_from_db()
    assert rel.handover_opened_at is not None
    assert case.events.filter(kind="handed_over").count() == 1
    # The Director still opens it, as often as needed.
    director = Client()
    director.force_login(people["director"])
    assert json.loads(director.get(urls["json"]).content)["records"]["loans.titles"]
    assert director.get(urls["api"]).status_code == 200


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_a_sealed_package_does_not_exist_for_the_clerk(people):
    """Under a FISA order the package is the Director's alone: 404 to the clerk, as for a
    package that does not exist, and the refusal is audited."""
    make_library()
    data = law_enforcement(
        "fisa_order", "judge", court="fisa", requested=["loans.titles"], officer_badge="9"
    )
    case = services.intake(user=people["desk"], data=data).case
    assert case.sealed
    services.review(
        user=people["director"], case=case, instrument_valid=True, counsel_consulted=True
    )
    case.refresh_from_db()
    if case.status != Case.Status.APPROVED:
        pytest.skip(f"this profile does not release under a FISA order ({case.status})")
    if services.written_decision_required(case):
        services.write_decision(
            user=people["director"], case=case, disclose=True, text="Comply.", basis="FISA order."
        )
    rel = services.release(user=people["director"], case=case, handed_to="Agent K")
    client = Client()
    client.force_login(people["desk"])
    for surface, url in _urls(case, rel).items():
        resp = client.get(url)
        assert resp.status_code == 404, surface
        assert b"The Quiet Harbour" not in _body(resp)


def test_a_package_reads_in_library_words():
    doc = {
        "fields": ["history.titles", "registration.address"],
        "records": {
            "history.titles": [{"returned_on": "2026-11-11", "title": "Letters"}],
            "registration.address": None,
        },
    }
    assert package_sections(doc) == [
        ("Past checkouts (opted-in history)", ["Letters, returned 11 November 2026"]),
        ("Postal address", ["None within the date range."]),
    ]
