"""SIP2 check-outs per second and their latency over TCP, against door check-outs called
directly, in the same run (a benchmark, not a test).

In one process, on a scratch database (SQLite in a temporary folder, or --database-url: an
empty scratch PostgreSQL database), it builds a branch, patrons (each with a PIN) and items,
a self-check SIP account, then measures, for 1, 10 and 50 concurrent clients:

  direct  each thread calls `custodian.door.check_out` as a desk clerk would, one check-out
          per call, with its own database connection (the floor: the door's own work);
  sip2    each client is a TCP connection to `custodian sip2 serve`'s server, started in
          this process (`server.start_in_thread`), answering through the real
          `KioskConversation`: it logs in once (93), its patron gives card and PIN once
          (23; the PIN's Argon2 check, untimed, as once per patron at a kiosk), then it
          sends check-outs (11: card, PIN, item) one at a time, waiting for each answer,
          as a kiosk does. Every answer must be a successful 12.

  kiosk   the same `KioskConversation`, logged in and with the PIN checked, called
          in-process by each thread: SIP2's meaning without the wire, to tell the cost
          of the conversation (handlers.py and the kiosk door) from that of the server.

Each client (and each direct or kiosk thread) checks out for its own patron. The three are
interleaved, --repeat times per size, and pooled, so a change in the machine's load hits
all three alike.

and prints rates (check-outs per second over the wall time of the round), p50 and p99
latency (send to answer, per check-out) and the ratio of each SIP2 rate to the direct rate
at the same concurrency (target: at 10 clients, SIP2 >= 70 % of direct). The clients run in
this process too (threads on plain sockets, a few microseconds of work each), so their cost
is counted against SIP2, never against the direct path.

    .venv/bin/python benchmarks/bench_sip2.py [--per-client 40] [--clients 1,10,50]
        [--database-url postgres://...  (an empty scratch database)]
"""

import argparse
import datetime as dt
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass

from scratch import prepare as _prepare

PASSWORD = "bench-kiosk-password-0"
PIN = "4321"
DATE = "20261202    101500"


@dataclass(frozen=True)
class Round:
    label: str
    clients: int
    count: int
    wall: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.count / self.wall

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3

    def line(self) -> str:
        return (
            f"{self.label:<6} {self.clients:>3} clients: {self.per_second:8,.0f} check-outs/s  "
            f"p50 {self.quantile(0.50):7.2f} ms  p99 {self.quantile(0.99):7.2f} ms"
        )


def _library(*, patrons: int, items: int):
    from django.utils import timezone

    from custodian.accounts.models import Role, StaffUser
    from custodian.circulation.patrons import hash_pin
    from custodian.records.models import Branch, Item, Patron
    from custodian.sip2 import services as sip_accounts

    branch = Branch.objects.create(code="BENCH", name="Benchmark Branch")
    clerk = StaffUser.objects.create_user(
        username="bench-clerk", password="not-used-here-0", role=Role.DESK
    )
    clerk.branch = branch
    clerk.save(update_fields=["branch"])
    today = timezone.localdate()
    pin_hash = hash_pin(PIN)  # one Argon2 hash for all: hashing 1,000 would take a while
    Patron.objects.bulk_create(
        Patron(
            card_number=f"2100{n:010d}",
            first_name="Bench",
            last_name=f"Patron{n}",
            birth_date=dt.date(1980, 1, 1),
            home_branch=branch,
            registered_on=today - dt.timedelta(days=30),
            expires_on=today + dt.timedelta(days=365),
            pin_hash=pin_hash,
        )
        for n in range(patrons)
    )
    Item.objects.bulk_create(
        Item(barcode=f"3900{n:010d}", title=f"Benchmark Title {n}", branch=branch)
        for n in range(items)
    )
    sip_accounts.create_account(
        name="bench-kiosk", branch_code="BENCH", purpose="self-check", password=PASSWORD
    )
    refs = list(Patron.objects.order_by("pk").values_list("ref", flat=True))
    cards = [f"2100{n:010d}" for n in range(patrons)]
    barcodes = list(Item.objects.order_by("pk").values_list("barcode", flat=True))
    return clerk, refs, cards, barcodes


def _together(work, clients: int) -> float:
    """Run work(i) in `clients` threads released at once; the wall time of the whole round."""
    from django.db import connections

    barrier = threading.Barrier(clients + 1)
    failures = []

    def run(i):
        try:
            barrier.wait()
            work(i)
        except Exception as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    if failures:
        raise failures[0]
    return wall


def _direct(reader, refs, shares) -> Round:
    from custodian import door

    latencies: list[list[float]] = [[] for _ in shares]

    def work(i):
        for barcode in shares[i]:
            began = time.perf_counter()
            door.check_out(reader=reader, patron_ref=refs[i], item_barcode=barcode)
            latencies[i].append(time.perf_counter() - began)

    wall = _together(work, len(shares))
    return Round("direct", len(shares), sum(map(len, shares)), wall, sum(latencies, []))


class _Kiosk:
    """A bare SIP2 client: one socket, one message at a time."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.sequence = 0

    def ask(self, message) -> bytes:
        from custodian.sip2.codec import encode

        self.sequence = (self.sequence + 1) % 10
        self.sock.sendall(encode(message, sequence=str(self.sequence)).encode() + b"\r")
        while b"\r" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server hung up")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\r")
        return line


def _signed_in_kiosks(port: int, cards, count: int) -> list[_Kiosk]:
    """Connected kiosks, logged in, each with its patron's card and PIN given once (the
    Argon2 checks happen here, untimed, as once per machine and once per patron)."""
    from custodian.sip2.messages import Message

    kiosks = [_Kiosk(port) for _ in range(count)]
    for i, kiosk in enumerate(kiosks):
        login = Message(code="93", fixed={"uid_algorithm": "0", "pwd_algorithm": "0"})
        login.add("CN", "bench-kiosk").add("CO", PASSWORD).add("CP", "BENCH")
        assert kiosk.ask(login).startswith(b"941"), "the benchmark kiosk could not log in"
        status = Message(code="23", fixed={"language": "000", "transaction_date": DATE})
        status.add("AO", "BENCH").add("AA", cards[i]).add("AC", "").add("AD", PIN)
        assert b"|CQY|" in kiosk.ask(status), "the benchmark patron's PIN was not accepted"
    return kiosks


def _sip2(kiosks, cards, shares) -> Round:
    latencies: list[list[float]] = [[] for _ in shares]

    def work(i):
        for barcode in shares[i]:
            checkout = _checkout_message(cards[i], barcode)
            began = time.perf_counter()
            answer = kiosks[i].ask(checkout)
            latencies[i].append(time.perf_counter() - began)
            if not answer.startswith(b"121"):
                raise AssertionError(f"check-out refused: {answer[:6]!r}")

    wall = _together(work, len(shares))
    return Round("sip2", len(shares), sum(map(len, shares)), wall, sum(latencies, []))


def _checkout_message(card: str, barcode: str):
    from custodian.sip2.messages import Message

    checkout = Message(
        code="11",
        fixed={
            "sc_renewal_policy": "N",
            "no_block": "N",
            "transaction_date": DATE,
            "nb_due_date": " " * 18,
        },
    )
    checkout.add("AO", "BENCH").add("AA", card).add("AB", barcode).add("AC", "").add("AD", PIN)
    return checkout


def _signed_in_conversations(cards, count: int) -> list:
    """The server's conversation, logged in and with the PIN checked, one per thread."""
    from custodian.sip2.handlers import KioskConversation
    from custodian.sip2.messages import Message

    conversations = []
    for i in range(count):
        conversation = KioskConversation(peer=f"127.0.0.1:{40000 + i}")
        login = Message(code="93", fixed={"uid_algorithm": "0", "pwd_algorithm": "0"})
        login.add("CN", "bench-kiosk").add("CO", PASSWORD)
        assert conversation.answer(login).fixed["ok"] == "1"
        status = Message(code="23", fixed={"language": "000", "transaction_date": DATE})
        status.add("AO", "BENCH").add("AA", cards[i]).add("AD", PIN)
        assert conversation.answer(status).get("CQ") == "Y"
        conversations.append(conversation)
    return conversations


def _conversation(conversations, cards, shares) -> Round:
    """The same conversation the server uses, called in-process: SIP2 without the wire."""
    latencies: list[list[float]] = [[] for _ in shares]

    def work(i):
        for barcode in shares[i]:
            began = time.perf_counter()
            answer = conversations[i].answer(_checkout_message(cards[i], barcode))
            latencies[i].append(time.perf_counter() - began)
            if answer.fixed["ok"] != "1":
                raise AssertionError(f"check-out refused: {answer.get('AF')}")

    wall = _together(work, len(shares))
    return Round("kiosk", len(shares), sum(map(len, shares)), wall, sum(latencies, []))


def _pool(rounds: list[Round]) -> Round:
    first = rounds[0]
    return Round(
        first.label,
        first.clients,
        sum(r.count for r in rounds),
        sum(r.wall for r in rounds),
        sum((r.latencies for r in rounds), []),
    )


def _split(barcodes, clients: int, per_client: int):
    return [barcodes[i * per_client : (i + 1) * per_client] for i in range(clients)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-client", type=int, default=12, help="check-outs per client")
    parser.add_argument("--clients", default="1,10,50", help="concurrent clients per round")
    parser.add_argument("--repeat", type=int, default=3, help="direct/SIP2 pairs per size")
    parser.add_argument("--patrons", type=int, default=100)
    parser.add_argument("--workers", type=int, default=None, help="server worker threads")
    parser.add_argument("--database-url", default=None, help="an empty scratch database")
    args = parser.parse_args()
    sizes = [int(n) for n in args.clients.split(",")]

    with tempfile.TemporaryDirectory(prefix="custodian-bench-") as data_dir:
        _prepare(data_dir, args.database_url)
        from django.db import connection

        from custodian import door
        from custodian.sip2 import server

        warmup = 20
        needed = 3 * warmup + 3 * args.repeat * sum(sizes) * args.per_client
        clerk, refs, cards, barcodes = _library(patrons=max(args.patrons, *sizes), items=needed)
        reader = door.Reader.staff(clerk)
        workers = args.workers or server.default_workers()
        running = server.start_in_thread("127.0.0.1", 0, workers=workers)
        try:
            # Warm up both paths: the engine parses the profile once, Django fills caches.
            _direct(reader, refs, [barcodes[:warmup]])
            _conversation(
                _signed_in_conversations(cards, 1), cards, [barcodes[warmup : 2 * warmup]]
            )
            warm = _signed_in_kiosks(running.port, cards, 1)
            _sip2(warm, cards, [barcodes[2 * warmup : 3 * warmup]])
            warm[0].sock.close()
            offset = 3 * warmup
            print(
                f"custodian SIP2 benchmark on {connection.vendor}: {args.per_client} check-outs "
                f"per client, {args.repeat} interleaved direct/SIP2 rounds pooled per size, "
                f"{workers} server worker threads"
            )
            print(f"  load average at start: {os.getloadavg()[0]:.1f}")
            for clients in sizes:
                size = clients * args.per_client
                directs, kiosks, sips = [], [], []
                conversations = _signed_in_conversations(cards, clients)
                connected = _signed_in_kiosks(running.port, cards, clients)
                for _ in range(args.repeat):
                    batch = barcodes[offset : offset + 3 * size]
                    offset += 3 * size
                    thirds = [
                        _split(batch[k * size : (k + 1) * size], clients, args.per_client)
                        for k in range(3)
                    ]
                    directs.append(_direct(reader, refs, thirds[0]))
                    kiosks.append(_conversation(conversations, cards, thirds[1]))
                    sips.append(_sip2(connected, cards, thirds[2]))
                for kiosk in connected:
                    kiosk.sock.close()
                direct, kiosk, sip = _pool(directs), _pool(kiosks), _pool(sips)
                ratio = sip.per_second / direct.per_second
                each = [s.per_second / d.per_second for s, d in zip(sips, directs, strict=True)]
                print(f"  {direct.line()}")
                print(f"  {kiosk.line()}  {kiosk.per_second / direct.per_second:.0%} of direct")
                print(
                    f"  {sip.line()}  {ratio:.0%} of direct "
                    f"(rounds {min(each):.0%}-{max(each):.0%})",
                    end="",
                )
                target = ratio >= 0.70
                print(
                    f"  {'meets' if target else 'below'} the 70 % target" if clients == 10 else ""
                )
            print(f"  load average at end: {os.getloadavg()[0]:.1f}")
        finally:
            running.stop()


if __name__ == "__main__":
    main()
