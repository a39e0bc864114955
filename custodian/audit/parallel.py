"""The worker processes of a parallel verification, and how the log is shared out among
them and this process (verify.py's `_walk_parallel` does the checking with what they send).
The workers themselves run `ranges.run_worker`."""

import os
import select
from contextlib import suppress

from custodian.audit import ranges

# `workers=0` (auto) verifies in parallel only when the log is at least this long: below it,
# starting the worker interpreters (~40 ms each, overlapped with this process's own share)
# costs more than it saves.
AUTO_PARALLEL_FROM = 200_000
BLOCK_CHUNKS = 16  # ranges per block handed to a worker (~30k entries, a few tens of ms)


class Pool:
    """Worker processes for one parallel verification, and the snapshot they share.

    This process hashes a share too: `workers=N` starts N - 1 workers. On SQLite there is no
    way to hand a snapshot to another connection, so the pool makes sure there is nothing to
    hand: it takes the write lock (BEGIN IMMEDIATE on a connection of its own) before this
    process's snapshot starts, and gives it back as soon as every worker has started
    reading. Appends wait for that (the workers' start-up, ~50 ms), not for the whole run.
    On PostgreSQL the workers import this transaction's exported snapshot.
    """

    def __init__(self, vendor: str, params: dict, workers: list):
        self.vendor = vendor
        self.params = params
        self.workers = workers  # (process, outbox, inbox)
        self.lock = None

    @classmethod
    def start(cls, connection, workers: int) -> "Pool | None":
        if workers == 0:
            workers = _auto_workers(connection)
        if workers <= 1 or connection.in_atomic_block:
            return None
        params = ranges.connection_params(connection.vendor, connection.settings_dict)
        if params is None:
            return None
        pool = cls(connection.vendor, params, [])
        try:
            # Not waiting for them: they start up while this process hashes its first share.
            for _ in range(workers - 1):
                pool.workers.append(ranges.spawn_worker())
            if pool.vendor == "sqlite":
                pool.lock = ranges.connect("sqlite", params)
                pool.lock.execute("BEGIN IMMEDIATE")
        except Exception:
            pool.stop()
            return None
        return pool

    def release(self) -> None:
        if self.lock is not None:
            with suppress(Exception):
                self.lock.execute("ROLLBACK")
            self.lock.close()
            self.lock = None

    def stop(self) -> None:
        self.release()
        for _, outbox, inbox in self.workers:
            with suppress(Exception):
                ranges.send(outbox, None)
            outbox.close()
            inbox.close()
        for proc, _, _ in self.workers:
            try:
                proc.wait(5)
            except Exception:
                proc.kill()
                proc.wait()


def _auto_workers(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(seq) FROM audit_auditentry")
        (high,) = cursor.fetchone()
    if (high or 0) < AUTO_PARALLEL_FROM:
        return 1
    return min(os.cpu_count() or 1, 4)


def _receive(inbox, timeout: float | None = None):
    """The next message, or ("error", ...) if the worker died or said nothing in time."""
    try:
        if timeout is not None and not inbox.poll(timeout):
            return ("error", "timed out")
        return ranges.receive(inbox)
    except (EOFError, OSError, ValueError, TypeError) as exc:
        return ("error", repr(exc))


class Fault(Exception):
    """A worker found a fault or failed: the sequential walk names it."""


class Dispatch:
    """Shares the log out: this process walks up from the bottom one range at a time while
    the workers take blocks from the top, each block a share of what is left (smaller
    towards the end), so the processes finish together however the cores are shared."""

    def __init__(self, pool, high: int, chunk_size: int, progress):
        self.pool = pool
        self.front, self.back = 0, high  # seqs (front, back] are nobody's yet
        self.high = high
        self.chunk = chunk_size
        self.progress = progress
        self.results: dict[int, tuple] = {}
        self.owed = [0] * len(pool.workers)  # blocks sent, not yet answered
        self.ready = 0
        self.done = 0  # entries checked, by anyone
        # One poll object for all pipes: Connection.poll builds a selector per call.
        self.poller = select.poll()
        self.index = {}
        for k, (_, _, inbox) in enumerate(pool.workers):
            self.poller.register(inbox.fileno(), select.POLLIN)
            self.index[inbox.fileno()] = k
        for k in range(len(self.owed)):  # two each, so a worker never waits for the next
            self._send(k)
            self._send(k)

    def _send(self, k: int) -> None:
        left = -(-(self.back - self.front) // self.chunk)  # ranges not handed out
        if left <= 0:
            return
        n = max(1, min(BLOCK_CHUNKS, left // (2 * (len(self.owed) + 1))))
        lo = max(self.front, (-(-self.back // self.chunk) - n) * self.chunk)
        ranges.send(self.pool.workers[k][1], (lo, self.back))
        self.back = lo
        self.owed[k] += 1

    def take(self) -> tuple[int, int] | None:
        """The next range for this process, or None when the rest is the workers'."""
        if self.front >= self.back:
            return None
        start, self.front = self.front, min(self.front + self.chunk, self.back)
        return start, self.front

    def mine(self, entries: int) -> None:
        self.done += entries
        if self.progress:
            self.progress(self.done, self.high)

    def serve(self, timeout: float = 0) -> int:
        """Handle what the workers have said, waiting up to `timeout` s for the first word;
        the number of messages handled."""
        handled = 0
        wait_ms = int(timeout * 1000)
        while events := self.poller.poll(wait_ms):
            wait_ms = 0
            for fd, _ in events:
                k = self.index[fd]
                message = _receive(self.pool.workers[k][2])
                handled += 1
                if message[0] == "ready":
                    self.ready += 1
                    if self.ready == len(self.owed):
                        self.pool.release()  # every worker now reads this process's state
                elif message[0] == "ok":
                    _, lo, hi, *_ = message
                    self.results[lo] = message
                    self.owed[k] -= 1
                    self._send(k)
                    self.mine(hi - lo)
                else:  # "bad" or "error"
                    raise Fault(message)
        return handled

    def finish(self) -> dict[int, tuple]:
        # A worker that was given nothing need not even have started.
        while any(self.owed):
            if not self.serve(30):
                raise Fault(("error", "timed out"))
        return self.results
