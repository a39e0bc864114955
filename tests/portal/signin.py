"""Signing a test client in as a patron without going through the sign-in form.

Tests of the sign-in form itself (tests/portal/test_sign_in.py) use the form; every other
portal test starts from here, so it does not pay Argon2 for each request.
"""

import time

from custodian.portal import session


def signed_in(client, patron, *, evidence=("card_number", "pin")):
    """Put `patron` in the client's session, as the sign-in view would."""
    s = client.session
    s.flush()
    s[session.PATRON_KEY] = str(patron.ref)
    s[session.EVIDENCE_KEY] = list(evidence)
    s[session.SEEN_KEY] = time.time()
    s.save()
    client.cookies["sessionid"] = s.session_key
    return client
