"""The SIP2 server on a real TCP socket with a stand-in conversation: what it answers
itself (97, bad checksums, malformed lines), TLS, idle timeout and shutting down."""

import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from custodian.sip2 import server
from custodian.sip2.codec import checksum
from tests.sip2.wire_fakes import (
    DATE,
    EchoConversation,
    RawClient,
    request,
    response,
    self_signed,
)

CARD = "21234000012345"
PIN = "4321"


@pytest.fixture
def running():
    EchoConversation.opened.clear()
    started = server.start_in_thread("127.0.0.1", 0, factory=EchoConversation, workers=2)
    yield started
    started.stop()


@pytest.fixture
def client(running):
    c = RawClient(running.port)
    yield c
    c.close()


def test_a_request_is_answered_with_its_sequence_number_and_a_checksum(client):
    line = client.ask(request("93", "4", CN="kiosk", CO="secret"))
    assert line.startswith(b"941AY4AZ")
    assert line[-4:].decode() == checksum(line[:-4].decode())


def test_no_sequence_in_no_sequence_out(client):
    line = client.ask(request("93", None, CN="kiosk", CO="secret"))
    assert line.startswith(b"941AZ")


def test_97_resends_the_last_response_verbatim(client):
    first = client.ask(request("99", "1"))
    again = client.ask("97AZ" + checksum("97AZ") + "\r")
    assert again == first
    assert client.ask("97\r") == first  # without a checksum too
    assert EchoConversation.opened[0].answered == ["99"]  # the conversation never saw 97


def test_97_before_anything_gets_a_96_and_the_connection_goes_on(client, caplog):
    with caplog.at_level(logging.INFO, logger="custodian.sip2"):
        assert client.ask("97\r") == b"96AZ" + checksum("96AZ").encode()
        assert response(client.ask(request("99", "2"))).code == "36"
    assert "before any response" in caplog.text


def test_a_bad_checksum_gets_a_96_and_the_conversation_never_sees_it(client):
    good = request("23", "3", AO="MAIN", AA=CARD, AD=PIN)
    damaged = good.replace(CARD, "21234000012346")
    assert client.ask(damaged) == b"96AZ" + checksum("96AZ").encode()
    assert EchoConversation.opened[0].answered == []
    # The machine resends, correctly this time, and is answered.
    assert response(client.ask(good)).get("AF") == "answered 23 #1"


def test_a_96_is_not_what_97_resends(client):
    first = client.ask(request("99", "1"))
    assert client.ask("xx garbage\r").startswith(b"96")
    assert client.ask("97\r") == first


@pytest.mark.parametrize(
    ("line", "code", "reason"),
    [
        (f"23000{DATE}AOMAIN|AA{CARD}|AD{PIN}|\x07\r", "23", "control character"),
        (f"2300{DATE[:10]}|AA{CARD}|AD{PIN}|\r", "23", "fixed part is too short"),
        (f"01N{DATE}AOMAIN|AA{CARD}|\r", "01", "unknown command code 01"),
        (f"A{CARD}{PIN}\r", "??", "unknown command code ??"),
        (f"23000{DATE}AOMAIN|AA{CARD}|AD{PIN}|AYx\r", "23", "sequence number"),
    ],
)
def test_a_malformed_message_gets_a_96_and_a_log_line_without_the_message(
    client, caplog, line, code, reason
):
    with caplog.at_level(logging.INFO, logger="custodian.sip2"):
        assert client.ask(line).startswith(b"96AZ")
        assert response(client.ask(request("99", "1"))).code == "36"  # still connected
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1
    assert f"(command {code})" in refused[0] and reason in refused[0]
    assert CARD not in caplog.text
    assert PIN not in caplog.text.replace(DATE, "")


def test_an_over_long_line_gets_one_96_and_the_rest_of_it_is_dropped(client, caplog):
    with caplog.at_level(logging.WARNING, logger="custodian.sip2"):
        client.send("93" + "k" * (server.MAX_LINE + 10))
        assert client.receive().startswith(b"96")
        client.send("k" * server.MAX_LINE * 2 + "\r")
        assert response(client.ask(request("99", "5"))).get("AF") == "answered 99 #1"
    assert caplog.text.count("longer than") == 1


def test_any_terminator_and_several_messages_in_one_packet(client):
    client.send(request("99", "1")[:-1] + "\n" + request("99", "2")[:-1] + "\r\n")
    assert response(client.receive()).get("AF") == "answered 99 #1"
    assert response(client.receive()).get("AF") == "answered 99 #2"


def test_latin1_in_latin1_out(client):
    text = request("17", None, AO="MAIN", AB="Café")[:-1]
    assert client.ask(text.encode("latin-1") + b"\r").startswith(b"36")
    assert client.ask(text.encode("utf-8") + b"\r").startswith(b"36")


def test_garbage_without_end_is_cut_off_with_a_log_line(running, caplog):
    c = RawClient(running.port)
    with caplog.at_level(logging.WARNING, logger="custodian.sip2"):
        for _ in range(server.MAX_BAD_IN_A_ROW - 1):
            assert c.ask("GET / HTTP/1.1\r").startswith(b"96")
        c.send("GET / HTTP/1.1\r")
        assert c.hung_up()
    c.close()
    assert "closed after 20 bad messages in a row" in caplog.text


def test_a_failing_conversation_hangs_up_with_a_log_line_that_quotes_nothing(client, caplog):
    with caplog.at_level(logging.ERROR, logger="custodian.sip2"):
        client.send(request("17", "1", AO="MAIN", AA=CARD, AB="explode"))
        assert client.hung_up()
    assert "command 17" in caplog.text and "RuntimeError" in caplog.text
    assert CARD not in caplog.text
    _wait_for(lambda: EchoConversation.opened[0].closed)


def test_each_connection_has_its_own_conversation_closed_at_hang_up(running):
    a, b = RawClient(running.port), RawClient(running.port)
    a.ask(request("99", "1"))
    b.ask(request("99", "1"))
    assert response(a.ask(request("99", "2"))).get("AF") == "answered 99 #2"
    assert len(EchoConversation.opened) == 2
    a.close()
    _wait_for(lambda: sum(c.closed for c in EchoConversation.opened) == 1)
    b.close()
    _wait_for(lambda: all(c.closed for c in EchoConversation.opened))


def test_stopping_the_server_closes_every_conversation():
    EchoConversation.opened.clear()
    started = server.start_in_thread("127.0.0.1", 0, factory=EchoConversation, workers=2)
    c = RawClient(started.port)
    c.ask(request("99", "1"))
    started.stop()
    assert EchoConversation.opened[0].closed
    assert c.hung_up()
    c.close()


def test_an_idle_connection_is_closed(caplog):
    EchoConversation.opened.clear()
    started = server.start_in_thread(
        "127.0.0.1", 0, factory=EchoConversation, idle_timeout=0.3, workers=1
    )
    try:
        with caplog.at_level(logging.INFO, logger="custodian.sip2"):
            c = RawClient(started.port)
            c.ask(request("99", "1"))
            began = time.monotonic()
            assert c.hung_up()
            assert time.monotonic() - began < 5
            c.close()
        assert "idle for 0.3 s" in caplog.text
        _wait_for(lambda: EchoConversation.opened[0].closed)
    finally:
        started.stop()


def test_a_port_in_use_is_an_error_at_start(running):
    with pytest.raises(OSError):
        server.start_in_thread("127.0.0.1", running.port, factory=EchoConversation, workers=1)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed(tmp_path_factory.mktemp("tls"))


def test_tls(certificate):
    cert, key = certificate
    EchoConversation.opened.clear()
    started = server.start_in_thread(
        "127.0.0.1", 0, server.tls_context(str(cert), str(key)), factory=EchoConversation
    )
    try:
        trusting = ssl.create_default_context(cafile=str(cert))
        c = RawClient(
            started.port, wrap=lambda s: trusting.wrap_socket(s, server_hostname="localhost")
        )
        assert c.sock.version() in ("TLSv1.2", "TLSv1.3")
        assert c.ask(request("93", "1", CN="kiosk", CO="secret")).startswith(b"941AY1AZ")
        c.close()
        # A plain-TCP client gets no SIP2 answer from a TLS server.
        plain = RawClient(started.port, timeout=5)
        plain.send(request("99", "1"))
        with pytest.raises((EOFError, ConnectionError, TimeoutError)):
            plain.receive()
        plain.close()
    finally:
        started.stop()


def _wait_for(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_command_serves_and_stops_cleanly(tmp_path, stop):
    """`custodian sip2 serve` in its own process: it answers, and Ctrl+C (SIGINT) or
    systemd's stop (SIGTERM) ends it with exit 0 and a closing line."""
    environment = {
        **os.environ,
        "CUSTODIAN_DATA_DIR": str(tmp_path),
        "CUSTODIAN_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("DATABASE_URL", None)  # a scratch SQLite database, never the test one
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    custodian = Path(sys.executable).parent / "custodian"
    process = subprocess.Popen(
        [str(custodian), "sip2", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        out = ""
        while "Ctrl+C" not in out:
            line = process.stdout.readline()
            assert line, f"the server did not start: {out}"
            out += line
        c = RawClient(port)
        answer = c.ask("9900302.00AY1AZFCA5\r")  # the SC status of the standard's example
        assert answer.startswith(b"98") and b"AY1AZ" in answer
        process.send_signal(stop)
        assert c.hung_up()
        c.close()
        assert process.wait(timeout=30) == 0
        assert "SIP2 server stopped." in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["--tls-cert", "cert.pem"], "give both --tls-cert and --tls-key, or neither"),
        (["--tls-cert", "missing.pem", "--tls-key", "k.pem"], "missing.pem does not exist"),
        (["--port", "70000"], "--port must be between 0 and 65535"),
        (["--idle-timeout", "0"], "--idle-timeout must be a positive number"),
    ],
)
def test_the_command_refuses_bad_options_in_one_line(tmp_path, monkeypatch, arguments, words):
    from typer.testing import CliRunner

    from custodian.cli import app

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sip2", "serve", *arguments])
    assert result.exit_code == 2
    assert words in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_peer_is_named_address_then_port_with_ipv6_in_brackets():
    # The conversation throttles wrong logins per address, without the port: with IPv6 in
    # brackets, the port is what follows the last ":" for both kinds of address.
    assert server._peer_name(("10.0.0.5", 40001)) == "10.0.0.5:40001"
    assert server._peer_name(("2001:db8::5", 40001, 0, 0)) == "[2001:db8::5]:40001"
