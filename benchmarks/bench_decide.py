"""How fast the policy engine decides: in process, and through `custodian decide --jsonl`.

    .venv/bin/python benchmarks/bench_decide.py [--n 20000]

Prints decisions per second and p50/p99 latency for (a) a five-field request, (b) a mix of
requests across the four shipped profiles, each uncached (every decision goes to Cedar)
and cached (the engine's LRU on the canonical request), and (c) throughput through
`custodian decide --jsonl`, for a stream of distinct requests and for a realistic stream
in which requests repeat. Not a test: numbers depend on the machine.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from custodian.policy import Engine
from custodian.policy.vocabulary import CHANNELS, EVIDENCE, FIELDS, INSTRUMENT_TYPES, KINDS

PROFILES = ["sonoma-county", "jackson-county", "jensen-memorial", "westchester"]
FIVE_FIELDS = {
    "profile": "sonoma-county",
    "requester": {"kind": "law_enforcement"},
    "channel": "in_person",
    "evidence": ["officer_credentials"],
    "patron": {},
    "purpose": None,
    "instrument": {
        "type": "search_warrant",
        "signed_by": "judge",
        "court": "state",
        "scope": ["loans.titles", "registration.address"],
        "nondisclosure": False,
    },
    "review": None,
    "requested": [
        "loans.titles",
        "registration.address",
        "overdue.status",
        "charges.amount",
        "holds.count",
    ],
}


def mix(n: int, seed: int = 11) -> list[dict]:
    """Requests like those a desk sees, spread over the four profiles (1 to 8 fields)."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        instrument = None
        if rnd.random() < 0.3:
            instrument = {
                "type": rnd.choice(INSTRUMENT_TYPES),
                "signed_by": rnd.choice(["judge", "clerk", "agency_officer"]),
                "court": rnd.choice([None, "state", "federal"]),
                "scope": rnd.sample(FIELDS, rnd.randint(0, 5)),
                "nondisclosure": rnd.random() < 0.1,
            }
        out.append(
            {
                "profile": rnd.choice(PROFILES),
                "requester": {"kind": rnd.choice(KINDS)},
                "channel": rnd.choice(CHANNELS),
                "evidence": rnd.sample(EVIDENCE, rnd.randint(0, 2)),
                "patron": {"age": rnd.randint(4, 70)},
                "purpose": rnd.choice([None, "library_business", "overdue_recovery"]),
                "instrument": instrument,
                "review": None,
                "requested": rnd.sample(FIELDS, rnd.randint(1, 8)),
            }
        )
    return out


def timed(engine: Engine, requests: list[dict]) -> tuple[list[float], float]:
    """Wall-clock µs per decision, and CPU µs per decision over the whole run.

    On a shared machine the wall clock includes time spent waiting for a core; the CPU
    time is what one dedicated core would spend.
    """
    times = []
    clock = time.perf_counter_ns
    cpu_start = time.process_time_ns()
    for request in requests:
        start = clock()
        engine.decide(request)
        times.append((clock() - start) / 1000)
    return times, (time.process_time_ns() - cpu_start) / 1000 / len(requests)


def report(label: str, measured: tuple[list[float], float]) -> dict:
    micros, cpu = measured
    micros = sorted(micros)
    p50 = statistics.median(micros)
    p99 = micros[int(len(micros) * 0.99) - 1]
    rate = len(micros) / (sum(micros) / 1e6)
    print(
        f"{label:<40} p50 {p50:7.1f} µs  p99 {p99:8.1f} µs  {rate:8,.0f}/s wall"
        f"  | CPU {cpu:6.1f} µs = {1e6 / cpu:8,.0f}/s per core"
    )
    return {
        "p50_us": round(p50, 1),
        "p99_us": round(p99, 1),
        "per_s_wall": round(rate),
        "cpu_us": round(cpu, 1),
        "per_s_per_core": round(1e6 / cpu),
    }


def through_cli(requests: list[dict], label: str) -> dict:
    exe = Path(sys.executable).parent / "custodian"
    text = "".join(json.dumps(r) + "\n" for r in requests)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(exe), "decide", "--jsonl"], input=text, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(requests)
    rate = len(requests) / seconds
    print(
        f"{label:<40} {len(requests):,} in {seconds:5.2f} s wall = {rate:8,.0f}/s"
        f"  | CPU {cpu:5.2f} s = {len(requests) / cpu:8,.0f}/s per core (start-up included)"
    )
    return {
        "requests": len(requests),
        "seconds": round(seconds, 2),
        "per_s_wall": round(rate),
        "cpu_s": round(cpu, 2),
        "per_s_per_core": round(len(requests) / cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = {}
    uncached, cached = Engine(cache_size=0), Engine(cache_size=4096)
    five = [FIVE_FIELDS] * 3000
    timed(uncached, five[:200])  # warm up
    results["five uncached"] = report("five-field request, uncached", timed(uncached, five))
    # The same request asked of the rules as written (every rule, every question, every
    # attribute): what compiling them per requester kind buys under the same machine load.
    whole = Engine(cache_size=0, prune=False)
    timed(whole, five[:200])  # warm up
    results["five unpruned"] = report("five-field, uncached, rules as written", timed(whole, five))
    results["five cached"] = report("five-field request, cached", timed(cached, five))
    distinct = mix(min(args.n, 5000))
    results["mix uncached"] = report(
        "mix of distinct requests, uncached", timed(uncached, distinct)
    )
    # A desk's day repeats itself: 500 distinct situations asked about again and again.
    rnd = random.Random(3)
    common = mix(500, seed=5)
    repeated = [rnd.choice(common) for _ in range(args.n)]
    timed(cached, common)
    results["mix cached"] = report("mix from 500 situations, cached", timed(cached, repeated))
    results["cli distinct"] = through_cli(
        mix(args.n, seed=21), "custodian decide --jsonl, distinct"
    )
    results["cli repeated"] = through_cli(repeated, "custodian decide --jsonl, 500 situations")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
