"""The SIP2 server: asyncio TCP (optionally TLS), one `Conversation` per connection.

The event loop only reads lines and writes answers; every `Conversation.answer` runs in a
small, bounded pool of worker threads, because Django's database access is synchronous. A
machine's messages are answered one at a time and in order, as the standard expects.

What the server answers itself, without asking the conversation (docs/sip2-server.md):
  97 (please resend)  the last response sent on this connection, byte for byte;
  a bad checksum      96 (please resend yours);
  a malformed line    96 and one log line with the command code and the reason, never the
                      line itself: it carries card numbers and PINs.
A connection idle longer than `idle_timeout`, or sending `MAX_BAD_IN_A_ROW` bad lines in a
row, is closed with a log line; nothing is closed silently.
"""

import asyncio
import concurrent.futures
import logging
import queue
import signal
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass

from custodian.sip2.codec import MAX_MESSAGE, BadChecksum, MalformedMessage, encode, parse
from custodian.sip2.messages import Conversation, Message

log = logging.getLogger("custodian.sip2")

DEFAULT_PORT = 6001
IDLE_TIMEOUT = 600.0  # seconds; kiosks send an SC status (99) every few minutes when idle
WORKERS = 16  # threads answering messages, so at most this many database connections
SQLITE_WORKERS = 4
MAX_LINE = MAX_MESSAGE * 4  # bytes: 4096 characters of UTF-8 at most
MAX_BAD_IN_A_ROW = 20  # then the machine is misconfigured or not a SIP2 client at all
READ_SIZE = 64 * 1024
RESEND = Message(code="96")

ConversationFactory = Callable[..., Conversation]


def default_workers() -> int:
    """How many threads answer messages: WORKERS, or SQLITE_WORKERS on SQLite.

    SQLite lets one transaction write at a time and makes the others sleep and retry
    (backing off up to 100 ms a try): sixteen threads fighting for the lock answer fewer
    check-outs a second than a few taking turns, and some wait seconds.
    """
    from django.db import connection

    return SQLITE_WORKERS if connection.vendor == "sqlite" else WORKERS


def kiosk_conversation(*, peer: str) -> Conversation:
    """The real conversation (handlers.py), imported only once Django is set up."""
    from custodian.sip2.handlers import KioskConversation

    return KioskConversation(peer=peer)


def _decode(line: bytes) -> tuple[str, str]:
    """The text of one line and the encoding it was in (see codec.py on why these three)."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return line.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return line.decode("latin-1"), "latin-1"


def _fresh_database_connections() -> None:
    """Close this thread's database connections that broke, as Django does per request.

    Workers keep their connections between messages (a kiosk's check-out should not pay
    for a new database connection); one that raised an error and no longer answers is
    closed, so the next message opens a new one (e.g. after the database restarted).
    """
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and conn.errors_occurred:
            if conn.is_usable():
                conn.errors_occurred = False
            else:
                conn.close()


def _close_database_connections() -> None:
    from django.db import connections

    connections.close_all()


class Workers(concurrent.futures.Executor):
    """A fixed pool of threads that close their own database connections when they stop.

    (ThreadPoolExecutor's threads cannot be asked to run a last task each; this pool's can,
    so stopping the server leaves no database connection open behind it.)
    """

    def __init__(self, count: int):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"sip2-worker-{n}", daemon=True)
            for n in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                future, fn, args, kwargs = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as exc:  # handed to the awaiting coroutine
                    future.set_exception(exc)
                finally:
                    _fresh_database_connections()
        finally:
            _close_database_connections()

    def submit(self, fn, /, *args, **kwargs):
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._jobs.put((future, fn, args, kwargs))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for _ in self._threads:
            self._jobs.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


class _Connection:
    """One machine's TCP connection: its conversation, last response and line buffer."""

    def __init__(self, server: "Sip2Server", reader, writer):
        self.server = server
        self.reader = reader
        self.writer = writer
        peer = writer.get_extra_info("peername")
        self.peer = _peer_name(peer)
        self.encoding = "utf-8"
        self.last_response: bytes | None = None
        self.bad_in_a_row = 0
        self.conversation: Conversation | None = None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            self.conversation = await loop.run_in_executor(
                self.server.workers, lambda: self.server.factory(peer=self.peer)
            )
            await self._read_lines()
        except (ConnectionError, ssl.SSLError) as exc:
            log.info("SIP2 connection from %s ended: %s", self.peer, type(exc).__name__)
        finally:
            if self.conversation is not None:
                try:
                    await loop.run_in_executor(self.server.workers, self.conversation.close)
                except Exception as exc:
                    log.error("closing the SIP2 conversation failed (%s)", type(exc).__name__)
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except (ConnectionError, ssl.SSLError, OSError):
                pass

    async def _read_lines(self) -> None:
        buffer = bytearray()
        skipping = False  # inside an over-long line: drop bytes up to its end
        while True:
            end = _line_end(buffer)
            if end < 0:
                if len(buffer) > MAX_LINE:
                    if not skipping and not await self._bad(
                        "??", f"the message is longer than {MAX_LINE} bytes"
                    ):
                        return
                    skipping = True
                    buffer.clear()
                try:
                    chunk = await asyncio.wait_for(
                        self.reader.read(READ_SIZE), self.server.idle_timeout
                    )
                except TimeoutError:
                    log.info(
                        "SIP2 connection from %s idle for %s s: closing it",
                        self.peer,
                        f"{self.server.idle_timeout:g}",
                    )
                    return
                if not chunk:
                    return  # the machine hung up
                buffer += chunk
                continue
            line = bytes(buffer[:end])
            del buffer[: end + 1]
            if skipping:
                skipping = False
                continue
            if line and not await self._answer_line(line):
                return

    async def _bad(self, code: str, reason: str) -> bool:
        """Log a bad line (code and reason only), ask for a resend; False: hang up."""
        log.warning("SIP2 message from %s refused: %s (command %s)", self.peer, reason, code)
        self.bad_in_a_row += 1
        if self.bad_in_a_row >= MAX_BAD_IN_A_ROW:
            log.warning(
                "SIP2 connection from %s closed after %d bad messages in a row",
                self.peer,
                self.bad_in_a_row,
            )
            return False
        await self._send(encode(RESEND, sequence=None, encoding=self.encoding), keep=False)
        return True

    async def _answer_line(self, line: bytes) -> bool:
        if len(line) > MAX_LINE:
            return await self._bad("??", f"the message is longer than {MAX_LINE} bytes")
        text, self.encoding = _decode(line)
        try:
            request, sequence = parse(text)
        except BadChecksum as exc:
            return await self._bad(exc.code or "??", "the checksum (AZ) does not match")
        except MalformedMessage as exc:
            return await self._bad(exc.code or _code_of(text), exc.reason)
        self.bad_in_a_row = 0
        if request.code == "97":
            if self.last_response is None:
                # Nothing to resend: ask for the machine's message again rather than leave
                # it waiting for an answer that will never come.
                log.info("SIP2 resend (97) from %s before any response: answered 96", self.peer)
                await self._send(encode(RESEND, sequence=None, encoding=self.encoding), keep=False)
                return True
            await self._send_bytes(self.last_response)
            return True
        loop = asyncio.get_running_loop()
        try:
            response = await loop.run_in_executor(
                self.server.workers, self.conversation.answer, request
            )
            wire = encode(response, sequence=sequence, encoding=self.encoding)
        except Exception as exc:
            # The conversation promises never to raise; if it does, the type is safe to
            # log but the text may quote the request. Hang up: the machine reconnects.
            log.error(
                "SIP2 answer to command %s from %s failed (%s): closing the connection",
                request.code,
                self.peer,
                type(exc).__name__,
            )
            return False
        await self._send(wire, keep=True)
        return True

    async def _send(self, text: str, *, keep: bool) -> None:
        data = text.encode(self.encoding) + b"\r"
        if keep:
            self.last_response = data
        await self._send_bytes(data)

    async def _send_bytes(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()


def _peer_name(peer) -> str:
    """The peer as address:port; an IPv6 address goes in brackets: [2001:db8::5]:40001."""
    if not isinstance(peer, tuple):
        return str(peer)
    host, port = peer[0], peer[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _line_end(buffer: bytearray) -> int:
    """Where the first line in `buffer` ends (CR, LF or CRLF all end a line), or -1."""
    ends = [i for i in (buffer.find(b"\r"), buffer.find(b"\n")) if i >= 0]
    return min(ends) if ends else -1


def _code_of(text: str) -> str:
    return text[:2] if text[:2].isdigit() and len(text) >= 2 else "??"


class Sip2Server:
    """The listening socket, the worker pool and the open connections."""

    def __init__(
        self,
        *,
        factory: ConversationFactory = kiosk_conversation,
        idle_timeout: float = IDLE_TIMEOUT,
        workers: int | None = None,
    ):
        self.factory = factory
        self.idle_timeout = idle_timeout
        self.workers = Workers(workers or default_workers())
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task] = set()

    async def start(self, host: str, port: int, ssl_context: ssl.SSLContext | None = None):
        self._server = await asyncio.start_server(
            self._accept,
            host,
            port,
            ssl=ssl_context,
            ssl_handshake_timeout=30 if ssl_context else None,
        )
        return self._server.sockets[0].getsockname()[1]

    async def _accept(self, reader, writer) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            await _Connection(self, reader, writer).run()
        finally:
            self._tasks.discard(task)

    async def serve_forever(self) -> None:
        # Not asyncio's Server.serve_forever: cancelled, it waits for every connection to
        # end before `close` could end them, and a kiosk never hangs up by itself.
        await asyncio.Event().wait()

    async def close(self) -> None:
        """Stop listening, end every connection (each conversation is closed), stop the pool."""
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(None, self.workers.shutdown)


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    """A server TLS context from a PEM certificate (chain) and its key; TLS 1.2 at least."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


@dataclass
class Running:
    """A server started by `start_in_thread`: where it listens and how to stop it."""

    host: str
    port: int
    _loop: asyncio.AbstractEventLoop
    _thread: threading.Thread
    _stopped: asyncio.Event

    def stop(self, timeout: float = 30) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(timeout)


def start_in_thread(
    host: str,
    port: int,
    ssl_context: ssl.SSLContext | None = None,
    *,
    factory: ConversationFactory = kiosk_conversation,
    idle_timeout: float = IDLE_TIMEOUT,
    workers: int | None = None,
) -> Running:
    """Serve SIP2 from a background thread (the demo, tests, benchmarks); port 0 picks one.

    Returns once the server listens; raises the listening error (e.g. port in use) here.
    """
    ready: queue.SimpleQueue = queue.SimpleQueue()

    async def main() -> None:
        server = Sip2Server(factory=factory, idle_timeout=idle_timeout, workers=workers)
        stopped = asyncio.Event()
        try:
            bound = await server.start(host, port, ssl_context)
        except BaseException as exc:
            await server.close()
            ready.put(exc)
            return
        ready.put((bound, asyncio.get_running_loop(), stopped))
        try:
            await stopped.wait()
        finally:
            await server.close()

    thread = threading.Thread(target=asyncio.run, args=(main(),), name="sip2-server", daemon=True)
    thread.start()
    outcome = ready.get()
    if isinstance(outcome, BaseException):
        thread.join()
        raise outcome
    bound, loop, stopped = outcome
    return Running(host=host, port=bound, _loop=loop, _thread=thread, _stopped=stopped)


def serve(
    host: str,
    port: int,
    ssl_context: ssl.SSLContext | None = None,
    *,
    idle_timeout: float = IDLE_TIMEOUT,
    workers: int | None = None,
    on_listening: Callable[[int], None] | None = None,
) -> None:
    """Serve SIP2 in this thread until Ctrl+C or SIGTERM (systemd's stop), then end every
    connection cleanly and return."""

    async def main() -> None:
        # SIGTERM takes the same way out as Ctrl+C: the task is cancelled, `finally` runs.
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
        server = Sip2Server(idle_timeout=idle_timeout, workers=workers)
        try:
            bound = await server.start(host, port, ssl_context)
            if on_listening is not None:
                on_listening(bound)
            await server.serve_forever()
        finally:
            await server.close()

    try:
        asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
