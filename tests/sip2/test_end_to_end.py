"""End to end over TCP: a SIP2 client written by others (Sip2 1.1 from PyPI, a kiosk-side
client) against the real server and the real `KioskConversation`, on a committed database.

Login, SC status, patron information, check-out, check-in and end of session, each with the
client's own checksums and sequence numbers, plain and over TLS.
"""

import logging

import pytest
from Sip2.sip2 import Sip2

from custodian.records.models import Item, Loan
from custodian.sip2 import server
from custodian.sip2.server import tls_context
from tests.sip2 import kiosk_library
from tests.sip2.wire_fakes import self_signed

pytestmark = pytest.mark.django_db(transaction=True)

ON_THE_SHELF = "3900000000004"  # tests/door/conftest.py: Rosalind's library


@pytest.fixture
def kiosk_account(machines):
    return machines["self_check"]


@pytest.fixture
def running(kiosk_account):
    started = server.start_in_thread("127.0.0.1", 0)
    yield started
    started.stop()


def client_for(port: int, *, host: str = "127.0.0.1", tls: bool = False) -> Sip2:
    client = Sip2()
    client.hostName = host
    client.hostPort = port
    client.tlsEnable = tls
    client.tlsAcceptSelfsigned = True
    client.socketTimeout = 20
    client.log = logging.getLogger("tests.sip2.client")  # not its default: a file in cwd
    client.institutionId = "MAIN"
    client.scLocation = "MAIN"
    client.connect()
    return client


def ask(client: Sip2, request: str, parse):
    raw = client.get_response(request)
    return raw, parse(raw)


def a_session(client: Sip2, rosalind):
    raw, login = ask(
        client,
        client.sip_login_request(kiosk_library.NAMES["self_check"], kiosk_library.PASSWORD),
        client.sip_login_response,
    )
    assert login["fixed"]["Ok"] == "1", raw
    assert "AY0AZ" in raw  # the client's sequence number came back

    raw, status = ask(client, client.sip_sc_status_request(), client.sip_sc_status_response)
    assert status["fixed"]["OnlineStatus"] == "Y"
    assert status["fixed"]["CheckoutOk"] == "Y"
    assert status["variable"]["AO"] == ["MAIN"]

    client.patron = kiosk_library.CARD
    client.patronpwd = kiosk_library.PIN
    raw, info = ask(
        client,
        client.sip_patron_information_request("charged"),
        client.sip_patron_information_response,
    )
    assert raw.startswith("64")
    assert info["fixed"]["ChargedItemsCount"] == "0002"
    assert info["fixed"]["OverdueItemsCount"] == "0001"
    assert sorted(info["variable"]["AU"]) == ["3900000000001", "3900000000002"]
    assert info["variable"]["BL"] == ["Y"] and info["variable"]["CQ"] == ["Y"]
    for private in (kiosk_library.ADDRESS, "707-555-0101", "rq@example.org"):
        assert private not in raw

    raw, out = ask(client, client.sip_checkout_request(ON_THE_SHELF), client.sip_checkout_response)
    assert out["fixed"]["Ok"] == "1", raw
    assert out["variable"]["AB"] == [ON_THE_SHELF]
    assert out["variable"]["AJ"] == ["On The Shelf"]
    loan = Loan.objects.get(item__barcode=ON_THE_SHELF)
    assert loan.patron_id == rosalind.pk

    raw, back = ask(client, client.sip_checkin_request(ON_THE_SHELF), client.sip_checkin_response)
    assert back["fixed"]["Ok"] == "1", raw
    assert not Loan.objects.filter(item__barcode=ON_THE_SHELF).exists()
    assert Item.objects.get(barcode=ON_THE_SHELF).status == Item.Status.AVAILABLE

    raw = client.get_response(client.sip_end_patron_session_request())
    assert raw.startswith("36Y")


def test_a_kiosk_session_with_a_published_client(running, rosalind, reader_with_pin):
    client = client_for(running.port)
    try:
        a_session(client, rosalind)
    finally:
        client.disconnect()


@pytest.mark.filterwarnings("ignore:ssl.PROTOCOL_TLS is deprecated:DeprecationWarning")
def test_the_same_session_over_tls(kiosk_account, rosalind, reader_with_pin, tmp_path):
    cert, key = self_signed(tmp_path)
    started = server.start_in_thread("127.0.0.1", 0, tls_context(str(cert), str(key)))
    try:
        # The client trusts a self-signed certificate after checking its name (localhost).
        client = client_for(started.port, host="localhost", tls=True)
        try:
            assert client._socket.version() in ("TLSv1.2", "TLSv1.3")
            a_session(client, rosalind)
        finally:
            client.disconnect()
    finally:
        started.stop()


def test_a_wrong_login_is_refused_and_nothing_else_is_answered(running, rosalind, reader_with_pin):
    client = client_for(running.port)
    try:
        raw, login = ask(
            client,
            client.sip_login_request(kiosk_library.NAMES["self_check"], "not the password"),
            client.sip_login_response,
        )
        assert login["fixed"]["Ok"] == "0"
        client.patron = kiosk_library.CARD
        client.patronpwd = kiosk_library.PIN
        raw, out = ask(
            client, client.sip_checkout_request(ON_THE_SHELF), client.sip_checkout_response
        )
        assert out["fixed"]["Ok"] == "0"
        assert not Loan.objects.filter(item__barcode=ON_THE_SHELF).exists()
    finally:
        client.disconnect()
