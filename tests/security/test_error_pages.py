"""Error pages: styled, plain words, where to go next; no traceback, code or patron data.

A 4xx is logged as one line; a 500 keeps its traceback for the IT administrator. Bad query
parameters answer 400 with a message; the API keeps answering JSON.
"""

import io
import logging

import pytest
from django.test import Client, RequestFactory
from django.urls import path

from custodian.accounts.models import Role
from custodian.errors import OneLineClientErrors
from tests.door import library

STYLED = "custodian/custodian.css"


def _boom(request):
    raise RuntimeError("secret detail Rosalind 21234000012345")


# Used by @pytest.mark.urls(__name__) below: a URL whose view fails.
urlpatterns = [path("boom/", _boom)]


@pytest.fixture
def console():
    """What the configured console handler writes (the one settings.LOGGING sets up)."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, OneLineClientErrors) for f in h.filters)
    ]
    assert handlers, "settings.LOGGING's console handler lost its one-line filter"
    stream = io.StringIO()
    # Swapped by hand: setStream would flush the old stream, which an earlier test's
    # captured stderr may have closed.
    handler = handlers[0]
    old, handler.stream = handler.stream, stream
    try:
        yield stream
    finally:
        handler.stream = old


def _page(response) -> str:
    html = response.content.decode()
    assert STYLED in html  # the site's look, from base.html
    assert 'href="/"' in html  # and somewhere to go next
    assert "Traceback" not in html and 'File "' not in html
    return html


def test_404_is_styled_plain_and_does_not_echo_the_address(client, db, console):
    response = client.get("/desk/nowhere/21234000012345/")
    assert response.status_code == 404
    html = _page(response)
    assert "Page not found" in html
    assert "21234000012345" not in html
    assert "/staff/login/" in html  # an anonymous visitor is told to sign in
    assert "Traceback" not in console.getvalue()


def test_403_is_styled_and_logged_as_one_line(client, db, console):
    client.force_login(library.staff(Role.IT_ADMIN, "itadmin"))
    response = client.get("/desk/")
    assert response.status_code == 403
    html = _page(response)
    assert "Not allowed" in html and "audit log" in html
    lines = console.getvalue().splitlines()
    assert lines == ["Forbidden (Permission denied): /desk/"]


def test_csrf_failure_is_the_styled_page_with_403_and_one_log_line(db, console):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/staff/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    html = _page(response)
    assert "The form could not be sent" in html and "Nothing was saved" in html
    assert "CSRF" not in html  # the reason is for the log, not the clerk
    lines = console.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Forbidden (CSRF")


@pytest.mark.urls(__name__)
def test_500_is_styled_without_detail_and_keeps_its_traceback_in_the_log(db, console):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = _page(response)
    assert "Something went wrong" in html
    assert "secret detail" not in html and "RuntimeError" not in html
    assert "Traceback" in console.getvalue()  # the filter only quiets client errors


def test_500_page_renders_with_no_request_context():
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.fixture
def director(client, db):
    client.force_login(library.staff(Role.DIRECTOR, "director"))
    return client


@pytest.mark.parametrize("year", ["99999", "1899", "abc", "2026.5", "-2026", "1" * 30])
def test_board_year_out_of_range_or_not_a_number_is_a_400_with_a_message(director, year):
    response = director.get("/disclosure/board/", {"year": year})
    assert response.status_code == 400
    html = _page(response)
    assert "“year” must be a whole number from 1900 to 9999." in html
    assert "Nothing was changed" in html


def test_board_with_an_empty_or_good_year_still_answers(director):
    assert director.get("/disclosure/board/", {"year": ""}).status_code == 200
    response = director.get("/disclosure/board/", {"year": "2024"})
    assert response.status_code == 200


def test_case_list_with_an_unknown_status_is_a_400(director):
    response = director.get("/disclosure/cases/", {"status": "bogus"})
    assert response.status_code == 400
    assert "“status” must be one of: open, approved" in _page(response)
    assert director.get("/disclosure/cases/", {"status": "open"}).status_code == 200


def test_the_api_keeps_answering_json(director):
    response = director.get("/api/disclosure/transparency", {"year": "99999"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "year" in response.json()["detail"]
