"""Walk every URL the project serves with bad query parameters: nothing may answer 500.

Each URL pattern (screens, API, admin) is filled with valid-shaped path parameters and asked,
signed in as each staff role and anonymous, with each query parameter the views read set to
an out-of-range, empty or wrong-type value. A 500 is a bug at its source; a bad parameter
should be a 400 that says what is wrong.
"""

import random
import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from custodian.accounts.models import Role
from tests.door import library

# The query parameters the code reads (grep request.GET in custodian/), plus the ones the
# admin and django-ninja read, plus one nobody reads.
PARAMS = ("year", "status", "format", "next", "q", "p", "o", "page", "limit", "offset", "zz")
# The auditor's access-log filters (custodian/audit/views.py).
PARAMS += ("staff", "patron", "from", "to", "outcome")
# The Director's list of patrons' concerns (custodian/portal/concern_staff_views.py).
PARAMS += ("show",)
# Already URL-encoded, so that the bytes reach Django as written.
BAD_VALUES = (
    "",  # empty
    "99999",  # out of range for a year
    "-1",
    "0",
    "1" * 40,  # larger than any integer column
    "abc",  # wrong type
    "1.5",
    "2026%00",  # a NUL byte, which PostgreSQL refuses in text
    "%ff",  # not UTF-8 once decoded
    "..%2F..%2Fetc%2Fpasswd",
)
# A POST with the same query string and an empty body: fewer values, the forms reject the rest.
POST_VALUES = ("", "abc", "99999")


_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")


def _sample(converter: str) -> str:
    if converter == "uuid":
        return str(uuid.uuid4())
    if converter == "int":
        return str(random.randint(1, 10**6))
    return str(uuid.uuid4())  # a str parameter here is a ref: give it a valid-shaped one


def _fill_route(route: str) -> str:
    return _PARAM.sub(lambda m: _sample(m["conv"] or "str"), route)


def _fill_regex(regex: str) -> str:
    def group(m: re.Match) -> str:
        body = m["body"]
        if re.fullmatch(r"[\w|]+", body):  # a list of literal alternatives: take the first
            return body.split("|")[0]
        return "1"

    text = _GROUP.sub(group, regex)
    return text.lstrip("^").removesuffix("\\Z").removesuffix("$").replace("\\", "")


def all_urls() -> list[str]:
    """One concrete path per URL pattern in the project, every include followed."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            pat = entry.pattern
            if isinstance(pat, RoutePattern):
                part = _fill_route(str(pat._route))
            elif isinstance(pat, RegexPattern):
                part = _fill_regex(pat._regex)
            else:  # pragma: no cover - Django has only these two
                raise AssertionError(f"unknown pattern kind {type(pat)}")
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + part)
            elif isinstance(entry, URLPattern):
                found.append(prefix + part)

    walk(get_resolver().url_patterns, "/")
    return sorted(set(found))


def test_the_walk_covers_the_project_s_urls():
    """The walk must not silently skip patterns: every generated path resolves."""
    urls = all_urls()
    unresolved = []
    for url in urls:
        try:
            resolve(url)
        except Resolver404:
            unresolved.append(url)
    assert not unresolved
    for expected in ("/disclosure/board/", "/disclosure/cases/", "/desk/", "/api/docs"):
        assert any(u.startswith(expected) for u in urls), expected
    assert len(urls) > 40


IDENTITIES = (None, *[role.value for role in Role])


@pytest.mark.parametrize("who", IDENTITIES, ids=lambda r: r or "anonymous")
def test_no_url_answers_500_to_bad_parameters(db, who):
    client = Client(raise_request_exception=False)
    if who is not None:
        client.force_login(library.staff(who, f"walk-{who}"))
    failures = []
    for url in all_urls():
        for method, values in ((client.get, BAD_VALUES), (client.post, POST_VALUES)):
            for value in values:
                query = "&".join(f"{name}={value}" for name in PARAMS)
                response = method(f"{url}?{query}")
                if response.status_code >= 500:
                    failures.append(f"{method.__name__.upper()} {url}?…={value}")
    assert not failures, "\n".join(failures[:40])
