"""What verification holds the log to: signed checkpoints in the database, the checkpoints
that must exist (one every N entries), and signed heads exported outside the database.

`Pins.fold` grows the Merkle tree from leaf 1 out of the subtree roots the walk hands it
(`ranges.subtrees`), and at every pinned size compares the recomputed entry hash and root
with what was signed. Every checkpoint's root is checked this way, not only the newest.
"""

import os
from dataclasses import dataclass

from django.conf import settings

from custodian.audit import keys, merkle
from custodian.audit.heads import ExportedHead

DEFAULT_CHECKPOINT_EVERY = 1000


def checkpoint_every() -> int:
    """Entries between automatic checkpoints (0 turns them off). Verification expects one at
    every multiple of it, so change it only to a multiple of what it was (docs/audit.md)."""
    value = getattr(settings, "CUSTODIAN_AUDIT_CHECKPOINT_EVERY", None)
    if value is None:
        value = os.environ.get("CUSTODIAN_AUDIT_CHECKPOINT_EVERY", DEFAULT_CHECKPOINT_EVERY)
    return int(value)


@dataclass(frozen=True)
class Checkpoint:
    tree_size: int
    root_hash: str
    head_hash: str
    frontier: str
    signed_at: str
    public_key: str
    signature: str


class Bad(Exception):
    """A fault: `seq` is the first entry no longer vouched for, `reason` says why."""

    def __init__(self, seq: int, reason: str):
        super().__init__(reason)
        self.seq = seq
        self.reason = reason


def problem(cp: Checkpoint, trusted: frozenset[str]) -> str | None:
    """Why this checkpoint cannot be relied on, or None if it can."""
    message = keys.checkpoint_message(
        tree_size=cp.tree_size,
        root_hash=cp.root_hash,
        head_hash=cp.head_hash,
        signed_at=cp.signed_at,
    )
    if cp.public_key not in trusted:
        return "is signed by a key this installation does not trust"
    if not keys.signature_ok(public_key=cp.public_key, signature=cp.signature, message=message):
        return "has a signature that does not verify (forged or altered)"
    try:
        frontier = merkle.frontier_from_text(cp.frontier)
    except ValueError:
        frontier = []
    if not merkle.frontier_is_well_formed(frontier, cp.tree_size) or (
        merkle.root(frontier).hex() != cp.root_hash
    ):
        return "stores a Merkle frontier that does not match its signed root"
    return None


def unreliable(good: list[Checkpoint], i: int, why: str) -> Bad:
    since = (good[i - 1].tree_size if i else 0) + 1
    return Bad(
        since,
        f"checkpoint at tree size {good[i].tree_size} {why}; entries from {since} on are "
        "not vouched for",
    )


def check_checkpoints(
    rows: list[tuple], trusted: frozenset[str]
) -> tuple[list[Checkpoint], Bad | None]:
    """The checkpoints to rely on, in order, up to the first that fails (and why it fails).

    Every one is checked: trusted key, signature, stored frontier folding to the signed
    root. One Ed25519 verification per checkpoint (per 1,000 entries by default) is a few
    per cent of verification, and it is what binds an older checkpoint's root: checking
    only the newest two let an older root be edited unnoticed (issue 7).
    """
    cps = [Checkpoint(*row) for row in rows]
    for i in range(len(cps)):
        why = problem(cps[i], trusted)
        if why:
            return cps[:i], unreliable(cps, i, why)
    return cps, None


def missing_checkpoint(sizes: set[int], end: int, every: int) -> Bad | None:
    """The first checkpoint the log must have (one every `every` entries, up to `end`) and
    lacks: someone deleted it, so the entries it vouched for are vouched for by nothing."""
    if every <= 0:
        return None
    for size in range(every, end + 1, every):
        if size not in sizes:
            since = size - every + 1
            return Bad(
                since,
                f"the checkpoint at tree size {size} is missing (one is signed every {every} "
                f"entries): it was deleted, and entries from {since} on are not vouched for",
            )
    return None


class Pins:
    """The sizes at which the log is pinned, and the Merkle tree grown to check them: `fold`
    takes each stretch's subtree roots and pinned entry hashes, in order.

    The tree is grown from the second newest checkpoint's frontier (`tree` leaves), or from
    leaf 1 with `all_roots` or exported heads to check. Below `tree` a checkpoint's root is
    vouched for by its signature (all are checked, `check_checkpoints`) and its entry hash
    by the chain: rebuilding every root from the leaves costs about as much hashing again
    as the entries themselves (docs/audit.md), for what only a holder of the key could
    forge, and against whom the exported heads are the defence."""

    def __init__(self, good: list[Checkpoint], trusted, exported=(), all_roots=False):
        self.good = good
        self.trusted = trusted
        self.index = {cp.tree_size: i for i, cp in enumerate(good)}
        self.exported: dict[int, list[ExportedHead]] = {}
        for head in exported:
            self.exported.setdefault(head.tree_size, []).append(head)
        self.sizes = sorted(set(self.index) | set(self.exported))
        base = good[-2] if len(good) > 1 and not (all_roots or self.exported) else None
        self.frontier = merkle.frontier_from_text(base.frontier) if base else []
        self.size = self.tree = base.tree_size if base else 0
        self.witnessed: int | None = None  # the largest exported size that held

    def known(self) -> dict[int, str]:
        """Entry hashes the signed heads vouch for, by seq (to name a changed entry)."""
        known = {size: heads[0].head_hash for size, heads in self.exported.items()}
        known.update({cp.tree_size: cp.head_hash for cp in self.good})
        return known

    def fold(self, nodes: list[tuple[int, bytes]], found: dict[int, bytes]) -> None:
        """Add one stretch's subtrees; at each pinned size reached, check it (raise Bad).
        Pins at or below `tree` have no subtrees: their entry hashes are checked first."""
        for size in sorted(s for s in found if s <= self.tree):
            self._check(size, found[size].decode(), with_root=False)
        frontier, size = self.frontier, self.size
        for height, node in nodes:
            size = merkle.add_subtree(frontier, size, height, node)
            if size in found:
                self.size = size
                self._check(size, found[size].decode())
        self.size = size

    def _check(self, size: int, computed: str, with_root: bool = True) -> None:
        root = None
        if (i := self.index.get(size)) is not None:
            cp = self.good[i]
            root = merkle.root(self.frontier).hex() if with_root else cp.root_hash
            if computed != cp.head_hash or root != cp.root_hash:
                if why := problem(cp, self.trusted):
                    raise unreliable(self.good, i, why)
                since = self.good[i - 1].tree_size + 1 if i else 1
                what = "entries" if computed != cp.head_hash else "Merkle tree of entries"
                raise Bad(
                    since,
                    f"the {what} {since}..{size} do not match the checkpoint signed at "
                    f"{cp.signed_at} (the log was rewritten and rehashed)",
                )
        for head in self.exported.get(size, ()):
            root = root or merkle.root(self.frontier).hex()
            if computed != head.head_hash or root != head.root_hash:
                since = (self.witnessed or 0) + 1
                raise Bad(
                    since,
                    f"entries {since}..{size} do not match the head exported at "
                    f"{head.signed_at} (heads file line {head.line}): the log was rewritten "
                    "after that head was exported",
                )
            self.witnessed = size

    def check_end(self, count: int) -> None:
        """A log shorter than a head exported from it was truncated."""
        beyond = [size for size in self.exported if size > count]
        if beyond:
            head = self.exported[min(beyond)][0]
            raise Bad(
                count + 1,
                f"the log ends at {count} but the head exported at {head.signed_at} (heads "
                f"file line {head.line}) covers {head.tree_size} entries (truncated)",
            )
