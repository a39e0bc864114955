"""The parts of parallel verification that the end-to-end tests cannot pin down: how the log
is shared out, and the worker's side of the pipe protocol (run here in a thread)."""

import os
import threading
from multiprocessing.connection import Connection

import pytest
from django.db import connection

from custodian.audit import canonical, merkle, parallel, ranges, verify
from tests.audit import helpers as h


def test_worker_constants_agree_with_canonical():
    assert ranges.PREV_SLICE == canonical.PREV_SLICE
    assert ranges.GENESIS == canonical.GENESIS_HASH.encode()


class _Outbox:
    def __init__(self):
        self.sent = []

    def send_bytes(self, data):
        self.sent.append(data)


@pytest.mark.parametrize(("high", "chunk", "workers"), [(23, 2, 2), (1000, 7, 1), (5, 10, 3)])
def test_dispatch_hands_out_every_range_exactly_once(high, chunk, workers):
    pipes = [os.pipe() for _ in range(workers)]
    inboxes = [Connection(r, writable=False) for r, _ in pipes]
    try:
        outboxes = [_Outbox() for _ in range(workers)]
        pool = parallel.Pool("sqlite", {}, [(None, *pair) for pair in zip(outboxes, inboxes)])
        dispatch = parallel.Dispatch(pool, high, chunk, None)
        mine = []
        while (taken := dispatch.take()) is not None:
            mine.append(taken)
            dispatch._send(len(mine) % workers)  # as if a worker had answered
        theirs = [ranges.marshal.loads(data) for out in outboxes for data in out.sent]
        blocks = sorted(mine + [tuple(b) for b in theirs])
        # Contiguous from 0 to high, no overlap; every cut on a range boundary.
        assert [lo for lo, _ in blocks] == [0] + [hi for _, hi in blocks[:-1]]
        assert blocks[-1][1] == high
        assert all(lo % chunk == 0 and lo < hi for lo, hi in blocks)
        # This process walked up from the bottom; the workers got the top.
        assert not mine or mine[0][0] == 0
        if high // chunk >= 4 * (workers + 1):
            assert theirs and max(hi for _, hi in theirs) == high
    finally:
        for inbox, (_, w) in zip(inboxes, pipes):
            inbox.close()
            os.close(w)


@pytest.mark.django_db(transaction=True)
def test_worker_checks_blocks_and_reports_what_the_parent_joins(settings):
    settings.CUSTODIAN_AUDIT_CHECKPOINT_EVERY = 4
    h.append(10)
    params = ranges.connection_params(connection.vendor, connection.settings_dict)
    down_r, down_w = os.pipe()
    up_r, up_w = os.pipe()
    outbox, inbox = Connection(down_w, readable=False), Connection(up_r, writable=False)
    worker = threading.Thread(target=ranges.run_worker, args=(down_r, up_w))
    with verify._snapshot("default") as cursor:
        snapshot = None
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        worker.start()
        try:
            ranges.send(outbox, (connection.vendor, params, snapshot, 3, [4, 8], 0))
            assert ranges.receive(inbox) == ("ready",)
            ranges.send(outbox, (2, 9))
            ranges.send(outbox, (9, 12))  # past the end: a range comes back short
            ranges.send(outbox, None)
            ok = ranges.receive(inbox)
            bad = ranges.receive(inbox)
        finally:
            worker.join(10)
            for fd in (down_r, up_w):
                os.close(fd)
            outbox.close()
            inbox.close()
    hashes = {s: canonical.entry_hash(h.body(s)).encode() for s in range(1, 11)}
    leaf = {s: bytes.fromhex(hashes[s].decode()) for s in hashes}
    assert ok == (
        "ok",
        2,
        9,
        hashes[2],
        hashes[9],
        {4: hashes[4], 8: hashes[8]},
        # The aligned Merkle subtrees of leaves 3..9, range by range ((2, 5], (5, 8], (8, 9])
        # and split at the pins: 3-4 | 5 | 6, 7-8 | 9.
        [
            (1, merkle.reference_root([leaf[3], leaf[4]])),
            (0, leaf[5]),
            (0, leaf[6]),
            (1, merkle.reference_root([leaf[7], leaf[8]])),
            (0, leaf[9]),
        ],
    )
    assert bad == ("bad", 9)
    assert not worker.is_alive()
