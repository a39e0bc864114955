"""For the SIP2 wire tests: a stand-in conversation (no database), a raw client and a
self-signed TLS certificate."""

import datetime as dt
import socket
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from custodian.sip2.codec import encode, parse
from custodian.sip2.messages import RESPONSES, Message

DATE = "20261202    101500"


class EchoConversation:
    """Answers 93 and 99; anything else gets a 36 whose AF field names the request's code."""

    opened: list["EchoConversation"] = []
    lock = threading.Lock()

    def __init__(self, *, peer: str):
        self.peer = peer
        self.answered: list[str] = []
        self.closed = False
        with self.lock:
            self.opened.append(self)

    def answer(self, request: Message) -> Message:
        self.answered.append(request.code)
        if request.code == "93":
            return Message(code="94", fixed={"ok": "1"})
        if request.code == "17" and request.get("AB") == "explode":
            raise RuntimeError("the conversation broke on " + request.get("AA"))
        reply = Message(code="36", fixed={"end_session": "Y", "transaction_date": DATE})
        return reply.add("AF", f"answered {request.code} #{len(self.answered)}")

    def close(self) -> None:
        self.closed = True


class RawClient:
    """Sends lines exactly as given and reads one CR-terminated response at a time."""

    def __init__(self, port: int, *, wrap=None, timeout: float = 10):
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock = wrap(sock) if wrap else sock
        self.buffer = b""

    def send(self, data: str | bytes) -> None:
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def receive(self) -> bytes:
        while b"\r" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server hung up")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\r")
        return line

    def ask(self, data: str | bytes) -> bytes:
        self.send(data)
        return self.receive()

    def hung_up(self) -> bool:
        """True once the server has closed the connection (waits up to the socket timeout)."""
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.sock.close()


def response(line: bytes) -> Message:
    return parse(line.decode(), layouts=RESPONSES)[0]


def request(code: str, sequence: str | None = None, **fields: str) -> str:
    message = Message(code=code)
    from custodian.sip2.messages import REQUESTS

    for name, length in REQUESTS[code]:
        message.fixed[name] = DATE if length == 18 else "0" * length
    for field_id, value in fields.items():
        message.add(field_id, value)
    return encode(message, sequence=sequence) + "\r"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for "localhost" and its key, as PEM files in `folder`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return folder / "cert.pem", folder / "key.pem"
