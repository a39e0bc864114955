"""Under CUSTODIAN_HTTPS=1: HTTPS redirect, HSTS, Secure cookies, and a clean `check --deploy`.

These settings are read from the environment at start-up, so each case runs Custodian in a
child process with the environment a production server would have (DEBUG off).
"""

import json

from tests.security._subprocess import run_custodian, run_python

REQUESTS = """
import json
from custodian import djangoenv
djangoenv.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.test import Client
client = Client(HTTP_HOST="localhost")
plain = client.get("/staff/login/")
secure = client.get("/staff/login/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "secure_status": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
}))
from django.conf import settings
print(json.dumps({"session_cookie_secure": settings.SESSION_COOKIE_SECURE, "debug": settings.DEBUG}))
"""


def _answers(result) -> dict:
    assert result.returncode == 0, result.stderr[-2000:]
    out = {}
    for line in result.stdout.strip().splitlines()[-2:]:
        out |= json.loads(line)
    return out


def test_https_mode_redirects_sets_hsts_and_secure_cookies(tmp_path):
    got = _answers(run_python(REQUESTS, tmp_path / "data", CUSTODIAN_HTTPS="1"))
    assert got["plain_status"] == 301
    assert got["plain_location"] == "https://localhost/staff/login/"
    assert got["secure_status"] == 200
    assert got["hsts"].startswith("max-age=31536000")
    assert "includeSubDomains" in got["hsts"]
    assert got["csrf_cookie_secure"] is True
    assert got["session_cookie_secure"] is True
    assert got["debug"] is False


def test_without_https_mode_nothing_redirects(tmp_path):
    """Local use (the demo on 127.0.0.1) keeps working over plain HTTP."""
    got = _answers(run_python(REQUESTS, tmp_path / "data"))
    assert got["plain_status"] == 200
    assert got["hsts"] == ""


def test_check_deploy_passes_with_the_production_settings(tmp_path):
    result = run_custodian(["check", "--deploy"], tmp_path / "data", CUSTODIAN_HTTPS="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_on_warnings_without_https(tmp_path):
    """The check is not a rubber stamp: without HTTPS it names what is missing and fails."""
    result = run_custodian(["check", "--deploy"], tmp_path / "data")
    assert result.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr
