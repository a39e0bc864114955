"""`custodian serve` and `custodian demo` hand out a working site: pages and their stylesheet."""

from io import BytesIO

import pytest

from custodian.server_cli import build_application


def _get(app, path):
    status = {}

    def start_response(code, headers, exc_info=None):
        status["code"] = code
        status["headers"] = dict(headers)

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "localhost",
        "wsgi.input": BytesIO(b""),
        "wsgi.url_scheme": "http",
    }
    body = b"".join(app(environ, start_response))
    return status["code"], status["headers"], body


@pytest.mark.django_db
def test_the_served_application_serves_its_stylesheet_and_login_page():
    app = build_application()
    code, headers, body = _get(app, "/static/custodian/custodian.css")
    assert code.startswith("200"), code
    assert headers["Content-Type"].startswith("text/css")
    code, _, body = _get(app, "/staff/login/")
    assert code.startswith("200")
    assert b'href="/static/custodian/custodian.css"' in body
