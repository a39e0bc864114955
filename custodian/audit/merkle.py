"""RFC 6962 Merkle tree hashes over the audit log, kept as a compact *frontier*.

Leaves are entry hashes (already SHA-256(0x00 || body)); interior nodes are
SHA-256(0x01 || left || right). The frontier of a tree of n leaves is the list of roots of
its perfect subtrees, largest first (one per set bit of n). Appending a leaf costs one
hash on average, and the root is a right fold of the frontier, so the head row can carry
the frontier and a checkpoint can be signed at any moment without rereading the log.
"""

import hashlib

EMPTY_ROOT = hashlib.sha256(b"").digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def append(frontier: list[bytes], size: int, leaf: bytes) -> None:
    """Add one leaf to the frontier of a tree that has `size` leaves (in place)."""
    node = leaf
    while size & 1:
        node = node_hash(frontier.pop(), node)
        size >>= 1
    frontier.append(node)


def extend(frontier: list[bytes], size: int, leaves: bytes) -> int:
    """Append concatenated 32-byte leaves; returns the new size."""
    for offset in range(0, len(leaves), 32):
        append(frontier, size, leaves[offset : offset + 32])
        size += 1
    return size


def add_subtree(frontier: list[bytes], size: int, height: int, node: bytes) -> int:
    """Add a perfect subtree of 2**height leaves (its root `node`) to the frontier of a tree
    of `size` leaves, `size` a multiple of 2**height (in place); returns the new size."""
    units = size >> height
    while units & 1:
        node = node_hash(frontier.pop(), node)
        units >>= 1
    frontier.append(node)
    return size + (1 << height)


def root(frontier: list[bytes]) -> bytes:
    if not frontier:
        return EMPTY_ROOT
    node = frontier[-1]
    for left in reversed(frontier[:-1]):
        node = node_hash(left, node)
    return node


def frontier_to_text(frontier: list[bytes]) -> str:
    return "".join(h.hex() for h in frontier)


def frontier_from_text(text: str) -> list[bytes]:
    raw = bytes.fromhex(text)
    return [raw[i : i + 32] for i in range(0, len(raw), 32)]


def frontier_is_well_formed(frontier: list[bytes], size: int) -> bool:
    return len(frontier) == size.bit_count() and all(len(h) == 32 for h in frontier)


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 6962 section 2.1 (recursive; for tests and small trees)."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = 1 << ((n - 1).bit_length() - 1)  # largest power of two smaller than n
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))
