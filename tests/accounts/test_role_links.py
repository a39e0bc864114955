"""No role sees a link it is refused: from each role's landing page, every link on it and on
the pages it leads to (two clicks deep) opens without a 403."""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

from custodian.accounts.models import Role
from tests.audit import helpers as h
from tests.door import library

pytestmark = pytest.mark.django_db

DEPTH = 2
# Links that leave the screens: files and the API's machine answers are not pages to walk.
SKIP_PREFIXES = ("/static/", "/api/", "/admin/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str, here: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        href = urldefrag(href).url
        if not href or urlsplit(href).scheme or href.startswith("//"):
            continue  # same page, or another site
        if href.startswith("?"):
            href = urlsplit(here).path + href
        if not href.startswith("/") or href.startswith(SKIP_PREFIXES):
            continue
        found.append(href)
    return found


def walk(client: Client) -> dict[str, int]:
    """Every page reachable in DEPTH clicks from the landing page, with its status."""
    landing = client.get("/staff/", follow=True)
    assert landing.status_code == 200
    start = landing.request["PATH_INFO"]
    seen = {start: 200}
    frontier = links(landing.content.decode(), start)
    for _ in range(DEPTH):
        following = []
        for url in frontier:
            if url in seen:
                continue
            response = client.get(url, follow=True)  # a redirect counts as where it lands
            seen[url] = response.status_code
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                following.extend(links(response.content.decode(), response.request["PATH_INFO"]))
        frontier = following
    return seen


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_no_link_a_role_sees_answers_403(role):
    library.patron()
    h.append(3)  # an access log with entries and patron refs to follow
    client = Client()
    client.force_login(library.staff(role, f"walker-{role}", at=library.branch()))
    seen = walk(client)
    refused = sorted(url for url, status in seen.items() if status == 403)
    assert not refused, f"{role} is shown links it is refused: {refused}"
    assert len(seen) > 2, seen  # the walk found the role's pages, not just its landing page


def test_each_role_s_header_offers_its_own_screens():
    expected = {
        Role.IT_ADMIN: ["/staff/people/", "/staff/statistics/", "/staff/retention/"],
        Role.AUDITOR: [
            "/audit/log/",
            "/audit/",
            "/disclosure/board/",
            "/staff/statistics/",
            "/staff/retention/",
        ],
        Role.DESK: ["/desk/", "/disclosure/"],
    }
    for role, hrefs in expected.items():
        client = Client()
        client.force_login(library.staff(role, f"nav-{role}"))
        html = client.get("/staff/", follow=True).content.decode()
        nav = html[html.index('<nav aria-label="Staff">') : html.index("</nav>")]
        assert links(nav, "/") == hrefs, (role, links(nav, "/"))
