"""Walk the intake's steps with the test client, as a clerk would.

Each step's page is read for the inputs it shows; only those are filled from `data`, and
Continue is pressed. A key of `data` that no step ever showed is an error: it would mean
the screens ask for something other than what the test thinks.
"""

import re

from django.urls import reverse

START = "disclosure:intake"


def inputs_on(html: str) -> set[str]:
    form = html.split('id="intake-form"', 1)[-1]
    return set(re.findall(r'name="([a-z_]+)"', form)) - {"csrfmiddlewaretoken", "go"}


def walk_intake(client, data: dict, *, pages: list | None = None):
    """Answer every step from `data`; return the last response (the decision's redirect,
    the sealed decision itself, or the step that refused an answer)."""
    left = dict(data)
    url = reverse(START)
    for _ in range(8):
        page = client.get(url)
        if pages is not None:
            pages.append(page)
        if page.status_code != 200:
            return page
        names = inputs_on(page.content.decode())
        answer = {k: left.pop(k) for k in list(left) if k in names}
        answer["go"] = "next"
        resp = client.post(url, answer)
        if resp.status_code != 302 or "/disclosure/intake/" not in resp["Location"]:
            assert not left, f"never asked for: {sorted(left)}"
            return resp
        url = resp["Location"]
    raise AssertionError("the intake did not end")
