"""A body over the limit is refused from its Content-Length before anything reads it.

Django caps form fields and JSON bodies, but spools a multipart file of any size to a
temporary file before a form can refuse it; the screens' intake takes a scanned document.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

from custodian.disclosure.models import DisclosureRequest
from tests.disclosure.test_views import intake_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(settings, monkeypatch):
    settings.CUSTODIAN_DISCLOSURE_MAX_SCAN_BYTES = 1024 * 1024  # "at most 1 MB"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    spooled = []

    def spy(self, *args, **kwargs):
        spooled.append(type(self).__name__)
        raise AssertionError("an upload handler was given the over-long body")

    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        monkeypatch.setattr(handler, "new_file", spy)
    return spooled


def test_an_over_long_upload_on_the_intake_screen_is_refused_unread(
    client, staff, door, small_limits
):
    client.force_login(staff["desk"])
    scan = SimpleUploadedFile("warrant.pdf", b"%PDF-1.4 " + b"x" * (200 * 1024))
    resp = intake_post(client, scan=scan)
    assert resp.status_code == 413
    assert "scan too large: at most 1 MB" in resp.content.decode()
    assert small_limits == []  # no upload handler ever saw the file
    assert DisclosureRequest.objects.count() == 0


def test_an_over_long_api_body_is_a_json_413_whatever_its_type(client, staff, door, small_limits):
    client.force_login(staff["desk"])
    body = json.dumps({"desk_notes": "x" * (100 * 1024)})
    resp = client.post("/api/disclosure/requests", body, content_type="application/json")
    assert resp.status_code == 413
    assert resp.json()["detail"] == (
        "The request body is too large (scan too large: at most 1 MB)."
    )
    resp = client.post("/api/disclosure/requests", {"scan": SimpleUploadedFile("a", b"x" * 70_000)})
    assert resp.status_code == 413 and resp["Content-Type"] == "application/json"
    assert small_limits == [] and DisclosureRequest.objects.count() == 0


def test_a_body_under_the_limit_goes_through(client, staff, door, settings):
    client.force_login(staff["desk"])
    assert intake_post(client).status_code == 302
    assert DisclosureRequest.objects.count() == 1
