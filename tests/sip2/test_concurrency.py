"""Fifty kiosks connected at once over TCP, each checking an item out at the same moment:
no loan lost, none doubled, one audit entry per loan. Forty kiosks take different items;
ten race in pairs for five items, and exactly one of each pair wins.

transactional_db: the server's worker threads commit for real, each on its own database
connection, so the database decides who wins. Runs on SQLite and, with DATABASE_URL, on
PostgreSQL.
"""

import socket
import threading

import pytest
from argon2 import PasswordHasher

from custodian.audit.models import AuditEntry
from custodian.circulation import patrons as patron_service
from custodian.circulation.patrons import hash_pin
from custodian.records.models import Item, Loan, Patron
from custodian.sip2 import server, services
from custodian.sip2.codec import encode, parse
from custodian.sip2.messages import RESPONSES, Message
from tests.records.factories import make_branch, make_item, make_patron

pytestmark = pytest.mark.django_db(transaction=True)

KIOSKS = 50
RACING = 10  # the last ten kiosks race in pairs
PIN = "5150"
PASSWORD = "fifty kiosks, one library"
DATE = "20261202    120000"


def message(code: str, fixed: dict, **fields: str) -> Message:
    out = Message(code=code, fixed=fixed)
    for field_id, value in fields.items():
        out.add(field_id, value)
    return out


class Kiosk:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.buffer = b""

    def ask(self, request: Message, sequence: str) -> Message:
        self.sock.sendall(encode(request, sequence=sequence).encode() + b"\r")
        while b"\r" not in self.buffer:
            chunk = self.sock.recv(65536)
            assert chunk, "the server hung up"
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\r")
        answer, echoed = parse(line.decode(), layouts=RESPONSES)
        assert echoed == sequence
        return answer


@pytest.fixture
def cheap_argon2(monkeypatch):
    """Argon2 at its lowest cost for account passwords and PINs. What is tested is the loans;
    fifty account hashes, fifty logins and fifty PIN checks at full cost take a minute on
    a shared two-core machine. (The hashes are still Argon2, checked the same way.)"""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(services, "_hasher", cheap)
    monkeypatch.setattr(patron_service, "_pins", cheap)


@pytest.fixture
def library(cheap_argon2):
    branch = make_branch(code="MAIN")
    names = []
    for n in range(KIOSKS):
        names.append(f"kiosk-{n:02d}")
        services.create_account(
            name=names[-1], branch_code="MAIN", purpose="self-check", password=PASSWORD
        )
    patrons = [make_patron(home_branch=branch) for _ in range(KIOSKS)]
    Patron.objects.update(pin_hash=hash_pin(PIN))  # one Argon2 hash for fifty patrons
    own = [make_item(branch=branch) for _ in range(KIOSKS - RACING)]
    contested = [make_item(branch=branch) for _ in range(RACING // 2)]
    wants = [item.barcode for item in own] + [contested[i // 2].barcode for i in range(RACING)]
    return names, patrons, wants, contested


@pytest.fixture
def running():
    started = server.start_in_thread("127.0.0.1", 0)
    yield started
    started.stop()


def test_fifty_kiosks_at_once_lose_and_double_nothing(library, running):
    names, patrons, wants, contested = library
    ready = threading.Barrier(KIOSKS, timeout=120)
    answers: list[Message | Exception | None] = [None] * KIOSKS

    def kiosk(n: int) -> None:
        try:
            k = Kiosk(running.port)
            login = message(
                "93", {"uid_algorithm": "0", "pwd_algorithm": "0"}, CN=names[n], CO=PASSWORD
            )
            assert k.ask(login, "1").fixed["ok"] == "1"
            ready.wait()  # fifty signed-in kiosks, then every check-out at once
            checkout = message(
                "11",
                {
                    "sc_renewal_policy": "N",
                    "no_block": "N",
                    "transaction_date": DATE,
                    "nb_due_date": " " * 18,
                },
                AO="MAIN",
                AA=patrons[n].card_number,
                AB=wants[n],
                AC="",
                AD=PIN,
            )
            answers[n] = k.ask(checkout, "2")
            k.sock.close()
        except Exception as exc:
            answers[n] = exc

    threads = [threading.Thread(target=kiosk, args=(n,)) for n in range(KIOSKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
        assert not t.is_alive(), "a kiosk hung"

    assert not [a for a in answers if not isinstance(a, Message)], answers
    assert all(a.code == "12" for a in answers)
    ok = [n for n, a in enumerate(answers) if a.fixed["ok"] == "1"]
    refused = [n for n, a in enumerate(answers) if a.fixed["ok"] == "0"]

    # Every kiosk with an item of its own got it; exactly one of each racing pair won.
    assert set(range(KIOSKS - RACING)) <= set(ok)
    for pair in range(RACING // 2):
        a, b = KIOSKS - RACING + 2 * pair, KIOSKS - RACING + 2 * pair + 1
        assert (a in ok) != (b in ok), (answers[a], answers[b])
    assert len(ok) == KIOSKS - RACING // 2 and len(refused) == RACING // 2
    assert all(answers[n].get("AF") for n in refused)  # the loser is told why

    # The database agrees: one loan per item, each for the patron whose kiosk said OK.
    loans = {loan.item.barcode: loan.patron_id for loan in Loan.objects.select_related("item")}
    assert len(loans) == len(ok) == Loan.objects.count()
    for n in ok:
        assert loans[wants[n]] == patrons[n].pk
    assert Item.objects.filter(status=Item.Status.ON_LOAN).count() == len(ok)
    for item in contested:
        assert Loan.objects.filter(item=item).count() == 1

    # One audit entry per loan made, none for a refused one (rolled back with it), each
    # naming the patron by ref and the machine as the actor.
    entries = list(AuditEntry.objects.filter(action="check_out"))
    assert len(entries) == len(ok)
    assert {e.patron_ref for e in entries} == {str(patrons[n].ref) for n in ok}
    assert {e.actor for e in entries} == {f"sip:{names[n]}" for n in ok}
