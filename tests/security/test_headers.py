"""Response headers: a Content-Security-Policy with no inline script, and no-store on every
page and API answer (desk terminals are shared); static files stay cacheable."""

import re
from pathlib import Path

import pytest

import custodian
from custodian.accounts.models import Role
from custodian.server_cli import build_application
from tests.door import library
from tests.test_server import _get as wsgi_get

TEMPLATES = sorted(Path(custodian.__file__).parent.rglob("templates/**/*.html"))


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_pages_carry_a_csp_that_allows_no_inline_script_or_style(client, db):
    csp = _csp(client.get("/staff/login/"))
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_no_template_has_inline_script_style_or_handlers():
    """What the CSP would block must not be in the screens: they would silently break."""
    assert len(TEMPLATES) > 10
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.I
    )
    offenders = {
        str(t.relative_to(Path(custodian.__file__).parent)): m.group(0)
        for t in TEMPLATES
        if (m := inline.search(t.read_text()))
    }
    assert offenders == {}


def test_a_patron_page_is_no_store(client, clerk, rosalind):
    client.force_login(clerk)
    response = client.get(f"/desk/patron/{rosalind.ref}/")
    assert response.status_code == 200
    assert "Quackenbush" in response.content.decode()  # the page does carry patron data
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


def test_api_answers_and_refusals_are_no_store(client, db):
    director = library.staff(Role.DIRECTOR, "director1")
    assert "no-store" in client.get("/api/disclosure/cases")["Cache-Control"]  # 401
    client.force_login(director)
    response = client.get("/api/disclosure/cases")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def _wsgi_get(app, path):
    status, headers, _ = wsgi_get(app, path)
    return status, headers


@pytest.mark.django_db
def test_the_served_static_files_stay_cacheable_and_the_print_script_is_served():
    app = build_application()
    status, headers = _wsgi_get(app, "/static/custodian/custodian.css")
    assert status.startswith("200")
    assert "no-store" not in headers.get("Cache-Control", "")
    status, headers = _wsgi_get(app, "/static/custodian/print.js")
    assert status.startswith("200")
    assert "javascript" in headers["Content-Type"]
    status, headers = _wsgi_get(app, "/staff/login/")
    assert status.startswith("200")
    assert "no-store" in headers["Cache-Control"]


@pytest.mark.django_db
def test_the_api_docs_page_loads_its_scripts_from_this_site_not_a_cdn(client):
    """django-ninja's Swagger page comes from its own static files (no inline script, no CDN),
    so the Content-Security-Policy does not leave the API docs blank."""
    client.force_login(library.staff(Role.DIRECTOR))
    page = client.get("/api/docs").content.decode()
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    assert scripts and all(src.startswith("/static/ninja/") for src in scripts)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page)
    app = build_application()
    for src in scripts:
        assert _wsgi_get(app, src)[0].startswith("200"), src
