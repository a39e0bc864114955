"""Replaying audited reads under a draft: through the memo against the cold engine.

    .venv/bin/python benchmarks/bench_replay.py [--entries 1000000] [--sample 20000] [--rounds 3]

`custodian policy replay` decides each audited read twice (under the policy in force and
under the draft) with `custodian.policy.replay.replay`, the door's need-to-know narrowing
included. This runs that same function over `--entries` audited reads synthesised in
memory as the engine requests they imply (what `custodian.audit.decisions.read_item`
rebuilds from an entry: the reader's role, the purpose, the fields of the action; no age,
which the log does not keep), with a desk day's repetition: the door's actions and reads
at the desk in the proportions a branch sees them, across the four shipped profiles.

Both sides use the same entries, with the engine's LRU off (cache_size=0), so only the
memo differs: `Engine(memo_size=16384)` (fresh, so its first sight of each situation is
cold) against `Engine(memo_size=0)`. The cold engine's rate is measured on `--sample`
entries drawn evenly from the same stream and extrapolated (at 1,000,000 entries the cold
run alone would take minutes); the memo's on all of them, and also on the sample, so the
ratio is reported both ways. Target (issue 8): memo >= 10 times the cold rate.
Not a test: numbers depend on the machine. CPU time, interleaved rounds, medians.
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from custodian.policy import Engine
from custodian.policy.engine import default_profile_dirs
from custodian.policy.replay import Item, replay, ruled

PROFILES = ["sonoma-county", "jackson-county", "jensen-memorial", "westchester"]
# The door's actions and the fields each asks about (custodian/door/services.py), and the
# reads a desk makes (lookups, the account screen), weighted as a day at a branch.
ACTIONS = [
    (34, ("loans.titles", "loans.due_dates")),  # check-out
    (30, ("loans.titles",)),  # check-in
    (8, ("loans.titles", "loans.due_dates")),  # renew
    (5, ("holds.titles",)),  # place a hold
    (1, ("holds.titles",)),  # cancel a hold
    (3, ("charges.amount", "payments.records")),  # take a payment
    (10, ("registration.status",)),  # look up a card
    (4, ("registration.name", "registration.status", "loans.count", "overdue.status")),
    (2, ("registration.address", "registration.phone", "registration.email")),
    (1, ("history.titles",)),  # beyond the desk's need to know
    (1, ("programs.records", "rooms.records")),
]
ROLES = [(85, "desk"), (10, "branch_manager"), (3, "director"), (1, "designee"), (1, "it_admin")]
PATRON_SHARE = 0.03  # patrons reading their own record online
# What the door's patron reader proved at sign-in by default (custodian/door/readers.py
# `Reader.patron`; the door package needs Django, this benchmark does not).
PATRON_EVIDENCE = ("card_number", "pin")


def staff_request(profile: str, fields) -> dict:
    # As custodian/door/ruling.py `engine_request` builds it for a staff reader.
    return {
        "profile": profile,
        "requester": {"kind": "staff"},
        "channel": "in_person",
        "evidence": [],
        "purpose": "library_business",
        "requested": list(fields),
    }


def patron_request(profile: str, fields) -> dict:
    return {
        "profile": profile,
        "requester": {"kind": "patron"},
        "channel": "online",
        "evidence": list(PATRON_EVIDENCE),
        "purpose": None,
        "requested": list(fields),
    }


def audited_reads(n: int, seed: int = 8) -> list[Item]:
    rnd = random.Random(seed)
    action_weights = [w for w, _ in ACTIONS]
    role_weights = [w for w, _ in ROLES]
    items = []
    for seq in range(1, n + 1):
        profile = rnd.choice(PROFILES)
        _, fields = rnd.choices(ACTIONS, action_weights)[0]
        if rnd.random() < PATRON_SHARE:
            request, role = patron_request(profile, fields), None
        else:
            role = rnd.choices(ROLES, role_weights)[0][1]
            request = staff_request(profile, fields)
        # The situation key `custodian.audit.decisions.read_item` gives the same entry.
        key = (profile, role or "patron", request["purpose"], fields, False)
        items.append(
            Item(ref=f"audit entry {seq}", kind="read", request=request, need_role=role, key=key)
        )
    return items


def draft_dirs(tmp: Path) -> list[Path]:
    """The shipped profiles, each with one rule changed (the desk loses due dates)."""
    out = []
    for folder in default_profile_dirs():
        copy = tmp / folder.name
        copy.mkdir()
        for f in folder.iterdir():
            if f.is_file():
                text = f.read_text()
                if f.name == "profile.toml":
                    text = text.replace(
                        'desk = ["registration.*", "loans.*",',
                        'desk = ["registration.*", "loans.count", "loans.titles",',
                        1,
                    )
                (copy / f.name).write_text(text)
        out.append(copy)
    return out


# (LRU size, memo size, situations) of each way of replaying: the cold engine (every
# decision goes to Cedar); the memo alone (Cedar's answers remembered, the decision still
# assembled each time); the engine's LRU on the canonical request in front of the memo;
# and as `custodian policy replay` runs: those engines (`draft_engine`, `get_engine`), and
# each situation of the log decided once per run (`replay`, keyed on `Item.key`).
WAYS = {
    "cold": (0, 0, False),
    "memo": (0, 16384, False),
    "lru": (4096, 16384, False),
    "shipped": (4096, 16384, True),
}


def run(items, way: str, drafts: list[Path]) -> tuple[float, dict]:
    """(entries per CPU second, the report's counts) replaying `items` on fresh engines."""
    cache_size, memo_size, situations = WAYS[way]
    if not situations:
        items = [replace(i, key=None) for i in items]
    live = Engine(cache_size=cache_size, memo_size=memo_size)
    draft = Engine(profile_dirs=drafts, cache_size=cache_size, memo_size=memo_size)
    start = time.process_time()
    report = replay(items, old=lambda i: ruled(live, i), new=lambda i: ruled(draft, i))
    seconds = time.process_time() - start
    return len(items) / seconds, report.counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds on the sample")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    items = audited_reads(args.entries)
    step = max(1, len(items) // args.sample)
    sample = items[::step][: args.sample]
    distinct = len({i.key for i in items})
    rates: dict[str, list[float]] = {way: [] for way in WAYS}
    whole: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        drafts = draft_dirs(Path(tmp))
        for _ in range(args.rounds):
            for way in WAYS:
                rate, counts = run(sample, way, drafts)
                rates[way].append(rate)
                if way == "cold":
                    expected = counts
                assert counts == expected, "remembering must not change a single decision"
        # All the entries, each way but cold (extrapolated from the sample).
        for way in ("shipped", "lru", "memo"):
            whole[way], counts = run(items, way, drafts)
    c = statistics.median(rates["cold"])
    print(
        f"replay of {len(items):,} audited reads ({distinct:,} distinct situations), each"
        f" decided under the policy in force and under a draft (one rule changed):"
    )
    print(
        f"  cold engine (Engine(cache_size=0, memo_size=0)): {c:,.0f} entries/s, measured on"
        f" {len(sample):,} entries drawn evenly from the stream; extrapolated,"
        f" {len(items) / c:,.0f} s for all of them"
    )
    labels = {
        "memo": "the memo alone (cache_size=0)",
        "lru": "the engine's LRU in front of the memo",
        "shipped": "as `policy replay` runs (+ each situation once)",
    }
    for way, label in labels.items():
        m = statistics.median(rates[way])
        goal = " (target >= 10)" if way == "shipped" else ""
        print(
            f"  {label}: {whole[way]:,.0f} entries/s over all {len(items):,}:"
            f" {whole[way] / c:.1f} times cold{goal}; on the sample {m:,.0f}/s ({m / c:.1f}"
            f" times; per round"
            f" {', '.join(f'{x / y:.1f}' for x, y in zip(rates[way], rates['cold'], strict=True))})"
        )
    print(f"  [CPU time; medians of {args.rounds} interleaved rounds on the sample]")
    print(f"  counts over all entries: {counts}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
