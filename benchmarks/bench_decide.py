"""How fast the policy engine decides: in process, and through `custodian decide --jsonl`.

    .venv/bin/python benchmarks/bench_decide.py [--n 20000] [--desk-day 100000] [--rounds 5]

Prints decisions per second and p50/p99 latency for (a) a five-field request, (b) a mix of
requests across the four shipped profiles, each uncached (every decision goes to Cedar)
and cached (the engine's LRU on the canonical request), and (c) throughput through
`custodian decide --jsonl`, for a stream of distinct requests and for a realistic stream
in which requests repeat. Not a test: numbers depend on the machine.

Then the ratios of issue 8, each measured in the same run (`ratios`):
(d) a cold decision (no LRU, no memo) against Cedar's own work for it: every cedarpy
call the engine makes for that decision (hypotheticals for `needs_proof` included),
recorded through `ask_cedar` and replayed with the same policies, entity text and
questions prepared in advance, interleaved block by block;
(e) a desk day (the demo week's situations, `desk_day`) through the memo against the
cold engine, in process and through `custodian decide --jsonl` (both memos, Cedar's
answers and whole decisions, switched off with CUSTODIAN_DECISION_MEMO_SIZE=0 for the
cold run; its output written to a file); (f) all-distinct requests, memo on/off. benchmarks/stages_decide.py says where the time goes.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from custodian.policy import Engine
from custodian.policy import engine as engine_module
from custodian.policy.engine import (
    _PROCEDURE_QUESTION,
    _RELEASE_QUESTIONS,
    _authorize,
    _internal,
    ask_cedar,
)
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


# ---- Issue 8: ratios measured in the same run ----

AGES = {"child": (4, 12), "teen": (13, 17), "adult": (18, 90)}


def _instrument(type_, signed_by, court, scope, nondisclosure=False) -> dict:
    return {
        "type": type_,
        "signed_by": signed_by,
        "court": court,
        "scope": scope,
        "nondisclosure": nondisclosure,
    }


# The demo week's situations (custodian/synth/disclosure_cases.py), as the disclosure
# services put them to the engine (custodian/disclosure/services/engine.py), each with
# how often a desk meets it (weight) and the ages of the patrons asked about.
DESK_SCENES = [
    (  # a parent asks what their teenager has out and whether anything is owed
        30,
        "teen",
        {
            "requester": {"kind": "guardian", "financially_responsible": True},
            "channel": "in_person",
            "evidence": ["library_card"],
            "purpose": None,
            "instrument": None,
            "review": None,
            "requested": ["loans.titles", "overdue.status", "charges.amount"],
        },
    ),
    (  # a caller reads out the full barcode: how many items, when due
        40,
        "adult",
        {
            "requester": {"kind": "patron"},
            "channel": "phone",
            "evidence": ["card_number"],
            "purpose": None,
            "instrument": None,
            "review": None,
            "requested": ["loans.count", "loans.due_dates"],
        },
    ),
    (  # an officer at the desk with no court order
        8,
        "adult",
        {
            "requester": {"kind": "law_enforcement"},
            "channel": "in_person",
            "evidence": ["officer_credentials"],
            "purpose": None,
            "instrument": None,
            "review": None,
            "requested": ["loans.titles", "registration.address"],
        },
    ),
    (  # a judge-signed search warrant, at the desk and after the director's review
        4,
        "adult",
        {
            "requester": {"kind": "law_enforcement"},
            "channel": "in_person",
            "evidence": ["officer_credentials"],
            "purpose": None,
            "instrument": _instrument("search_warrant", "judge", "state", ["loans.titles"]),
            "review": None,
            "requested": ["loans.titles", "registration.address", "history.titles"],
        },
    ),
    (
        3,
        "adult",
        {
            "requester": {"kind": "law_enforcement"},
            "channel": "in_person",
            "evidence": ["officer_credentials"],
            "purpose": None,
            "instrument": _instrument("search_warrant", "judge", "state", ["loans.titles"]),
            "review": {"by": "director", "instrument_valid": True, "counsel_consulted": True},
            "requested": ["loans.titles", "registration.address", "history.titles"],
        },
    ),
    (  # a civil subpoena by post, and the branch manager passing it on
        4,
        "adult",
        {
            "requester": {"kind": "attorney"},
            "channel": "written",
            "evidence": [],
            "purpose": None,
            "instrument": _instrument(
                "subpoena", "clerk", "state", ["loans.titles", "computer.records"]
            ),
            "review": None,
            "requested": ["loans.titles", "computer.records"],
        },
    ),
    (
        2,
        "adult",
        {
            "requester": {"kind": "attorney"},
            "channel": "written",
            "evidence": [],
            "purpose": None,
            "instrument": _instrument(
                "subpoena", "clerk", "state", ["loans.titles", "computer.records"]
            ),
            "review": {"by": "branch_manager"},
            "requested": ["loans.titles", "computer.records"],
        },
    ),
    (  # the police phone about an emergency; the director confirms it
        3,
        "adult",
        {
            "requester": {"kind": "law_enforcement"},
            "channel": "phone",
            "evidence": ["officer_credentials"],
            "purpose": "emergency",
            "instrument": None,
            "review": None,
            "requested": ["registration.address"],
        },
    ),
    (
        2,
        "adult",
        {
            "requester": {"kind": "law_enforcement"},
            "channel": "phone",
            "evidence": ["officer_credentials"],
            "purpose": "emergency",
            "instrument": None,
            "review": {"by": "director", "emergency_confirmed": True},
            "requested": ["registration.address"],
        },
    ),
    (  # a FISA order with a nondisclosure clause
        1,
        "adult",
        {
            "requester": {"kind": "law_enforcement"},
            "channel": "in_person",
            "evidence": ["officer_credentials"],
            "purpose": None,
            "instrument": _instrument("fisa_order", "judge", "fisa", ["loans.titles"], True),
            "review": None,
            "requested": ["loans.titles"],
        },
    ),
]
TOP_KEYS = [
    "profile",
    "requester",
    "channel",
    "evidence",
    "patron",
    "purpose",
    "instrument",
    "review",
    "requested",
]


def desk_day(n: int, seed: int = 8) -> list[tuple[dict, str]]:
    """n requests from the demo week's situations at the four libraries, each as (request,
    its JSON line); every line distinct.

    A contract request names no patron (no ref, name or card number: the door keeps
    those), so two patrons of the same age in the same situation make the same request.
    The lines stand in for the patron ref the door would know by varying, after the
    patron's age, the order of the request's keys (the engine reads them the same way);
    so neither the engine's LRU (keyed on the canonical request: switched off here on
    both sides) nor the `--jsonl` line cache answers them, and only the memo can.
    """
    rnd = random.Random(seed)
    weights = [w for w, _, _ in DESK_SCENES]
    seen: set[str] = set()
    out = []
    while len(out) < n:
        _, band, scene = rnd.choices(DESK_SCENES, weights)[0]
        request = dict(
            scene, profile=rnd.choice(PROFILES), patron={"age": rnd.randint(*AGES[band])}
        )
        for _ in range(100):
            keys = TOP_KEYS[:]
            rnd.shuffle(keys)
            line = json.dumps({k: request[k] for k in keys})
            if line not in seen:
                break
        else:  # pragma: no cover - 9! orders per request
            continue
        seen.add(line)
        out.append((request, line))
    return out


def cpu_per_call(fn, items) -> float:
    """CPU µs per item of fn(item) over the items."""
    start = time.process_time_ns()
    for item in items:
        fn(item)
    return (time.process_time_ns() - start) / 1000 / len(items)


def cedar_inputs(engine: Engine, requests: list[dict]) -> list[list[tuple]]:
    """Every call the engine makes to cedarpy for each request, prepared in advance.

    Recorded by deciding each request once with `ask_cedar` (the engine's one way to
    Cedar) wrapped: a decision that asks Cedar more than once (a hypothetical with more
    evidence, for `needs_proof`) has all its calls in its baseline, in order.
    """
    calls: list[tuple] = []

    def recording(compiled, text, representatives):
        questions = [_RELEASE_QUESTIONS[name] for name in representatives]
        parsed = _internal.Entities.from_json_str(text, None)
        calls.append((compiled, text, list(representatives), questions, parsed))
        return ask_cedar(compiled, text, representatives)

    out = []
    engine_module.ask_cedar = recording
    try:
        for request in requests:
            calls = []
            engine.decide(request)
            out.append(calls)
    finally:
        engine_module.ask_cedar = ask_cedar
    return out


def _cedar_work(item) -> None:
    """Cedar's own work for one decision: each call's entity parsing and batch calls."""
    for compiled, text, reps, _, _ in item:
        ask_cedar(compiled, text, reps)


def _batch_only(item) -> None:
    """cedarpy's calls alone, even the entities parsed in advance."""
    for compiled, _, _, questions, entities in item:
        if compiled.procedure is not None:
            _authorize([_PROCEDURE_QUESTION], compiled.procedure, entities)
        if compiled.release is not None:
            _authorize(questions, compiled.release, entities)


BLOCK = 100  # requests per interleaved block in ratio_to_cedar


def cedar_in_situ(cold: Engine, requests: list[dict], inputs: list[list[tuple]]) -> float:
    """Cedar's own work timed where it runs, inside cold decisions, against the same calls
    replayed back to back, each call timed the same way (CPU clock around each call): how
    much dearer Cedar is when our Python runs between its calls (caches, allocator). With
    Python free, a cold decision would still cost this ratio of the replayed baseline."""
    spent = [0]
    clock = time.process_time_ns

    def timed(compiled, text, representatives):
        start = clock()
        out = ask_cedar(compiled, text, representatives)
        spent[0] += clock() - start
        return out

    engine_module.ask_cedar = timed
    try:
        for request in requests:
            cold.decide(request)
    finally:
        engine_module.ask_cedar = ask_cedar
    inside, spent[0] = spent[0], 0
    for item in inputs:
        for compiled, text, reps, _, _ in item:
            timed(compiled, text, reps)
    return inside / spent[0]


def ratio_to_cedar(cold: Engine, requests: list[dict], rounds: int, label: str) -> dict:
    """Cold decisions against Cedar's own work for them, interleaved round by round and,
    within a round, block by block (BLOCK requests the engine decides, then Cedar's work
    for the same requests): a burst of load on the shared machine then falls on both
    sides of one block's ratio. The figure is the median of the blocks' ratios."""
    inputs = cedar_inputs(cold, requests)
    engine_us, cedar_us, batch_us, blocks, situ = [], [], [], [], []
    for _ in range(rounds):
        e_round = c_round = b_round = 0.0
        for at in range(0, len(requests), BLOCK):
            e = cpu_per_call(cold.decide, requests[at : at + BLOCK])
            c = cpu_per_call(_cedar_work, inputs[at : at + BLOCK])
            e_round, c_round = e_round + e, c_round + c
            b_round += cpu_per_call(_batch_only, inputs[at : at + BLOCK])
            blocks.append(e / c)
            situ.append(cedar_in_situ(cold, requests[at : at + BLOCK], inputs[at : at + BLOCK]))
        count = -(-len(requests) // BLOCK)
        engine_us.append(e_round / count)
        cedar_us.append(c_round / count)
        batch_us.append(b_round / count)
    e, c, b = (statistics.median(x) for x in (engine_us, cedar_us, batch_us))
    ratio = statistics.median(blocks)
    low, high = statistics.quantiles(blocks, n=4)[0], statistics.quantiles(blocks, n=4)[2]
    calls = sum(map(len, inputs)) / len(inputs)
    print(
        f"{label:<40} cold {e:6.1f} µs, Cedar (parse + batch, {calls:.2f} calls of"
        f" ask_cedar a decision) {c:6.1f} µs: ratio {ratio:.2f} (median of {len(blocks)}"
        f" blocks, quartiles {low:.2f}-{high:.2f}; target <= 1.3); batch calls alone"
        f" {b:6.1f} µs: ratio {e / b:.2f}  [CPU medians of {rounds} rounds; ratios per round"
        f" {', '.join(f'{x / y:.2f}' for x, y in zip(engine_us, cedar_us, strict=True))}]"
        f"; Cedar inside decisions / replayed {statistics.median(situ):.2f}"
    )
    return {
        "cold_us": round(e, 1),
        "cedar_us": round(c, 1),
        "batch_us": round(b, 1),
        "ratio": round(ratio, 2),
        "ratio_quartiles": [round(low, 2), round(high, 2)],
        "ratio_of_medians": round(e / c, 2),
        "ratio_batch_only": round(e / b, 2),
        "cedar_in_situ_over_replayed": round(statistics.median(situ), 2),
        "cedar_calls_per_decision": round(calls, 2),
        "rounds": rounds,
    }


def memo_against_cold(requests: list[dict], rounds: int, label: str, target=None) -> dict:
    """Decisions/s through a fresh memo against the cold engine on the same stream (LRU off
    on both: the memo alone answers), interleaved round by round; CPU time."""
    warm_rates, cold_rates = [], []
    for _ in range(rounds):
        cold = Engine(cache_size=0, memo_size=0)
        warm = Engine(cache_size=0, memo_size=16384)  # fresh: its first sight of each is cold
        cold_rates.append(1e6 / cpu_per_call(cold.decide, requests))
        warm_rates.append(1e6 / cpu_per_call(warm.decide, requests))
    w, c = statistics.median(warm_rates), statistics.median(cold_rates)
    entries = len(warm.memo)
    goal = f" (target >= {target})" if target else ""
    print(
        f"{label:<40} memo {w:8,.0f}/s, cold {c:8,.0f}/s: {w / c:.2f} times{goal};"
        f" {entries:,} memo entries for {len(requests):,} requests"
        f"  [CPU medians of {rounds} rounds; per round"
        f" {', '.join(f'{x / y:.2f}' for x, y in zip(warm_rates, cold_rates, strict=True))}]"
    )
    return {
        "memo_per_s": round(w),
        "cold_per_s": round(c),
        "times": round(w / c, 2),
        "memo_entries": entries,
        "rounds": rounds,
    }


def cli_memo_against_cold(lines: list[str], rounds: int) -> dict:
    """`custodian decide --jsonl` over the same lines, memo on (the default) and off."""
    exe = Path(sys.executable).parent / "custodian"
    text = "".join(line + "\n" for line in lines)
    results: dict[str, list[float]] = {"memo": [], "cold": []}
    cpu: dict[str, list[float]] = {"memo": [], "cold": []}  # lines per CPU second, for reference
    for _ in range(rounds):
        for name, size in (("cold", "0"), ("memo", "")):
            env = dict(os.environ, CUSTODIAN_DECISION_MEMO_SIZE=size)
            # The decisions (about 100 MB for 100,000 lines) go to a file, not back through
            # a pipe into this process: the figure is the command's, not this reader's.
            with tempfile.TemporaryFile() as out:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                done = subprocess.run(
                    [str(exe), "decide", "--jsonl"],
                    input=text.encode(),
                    stdout=out,
                    stderr=subprocess.PIPE,
                    env=env,
                )
                seconds = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                used = sum(getattr(after, f) - getattr(before, f) for f in ("ru_utime", "ru_stime"))
                assert done.returncode == 0, done.stderr
                out.seek(0)
                assert sum(
                    chunk.count(b"\n") for chunk in iter(lambda: out.read(1 << 20), b"")
                ) == len(lines)
            results[name].append(len(lines) / seconds)
            cpu[name].append(len(lines) / used)
    w, c = statistics.median(results["memo"]), statistics.median(results["cold"])
    by_cpu = [x / y for x, y in zip(cpu["memo"], cpu["cold"], strict=True)]
    print(
        f"{'decide --jsonl, desk day':<40} memo {w:8,.0f}/s, cold {c:8,.0f}/s: {w / c:.2f} times"
        f" (target >= 5); {len(lines):,} lines, start-up included  [wall medians of {rounds}"
        f" runs; per run {', '.join(f'{x / y:.2f}' for x, y in zip(results['memo'], results['cold'], strict=True))}]"
    )
    print(
        f"{'  the same in CPU time of the command':<40} {statistics.median(by_cpu):.2f} times"
        f"  [per run {', '.join(f'{x:.2f}' for x in by_cpu)}]"
    )
    return {
        "memo_per_s": round(w),
        "cold_per_s": round(c),
        "times": round(w / c, 2),
        "times_cpu": round(statistics.median(by_cpu), 2),
    }


def ratios(args) -> dict:
    print(f"load average at start of ratios: {os.getloadavg()[0]:.1f}")
    results = {}
    cold = Engine(cache_size=0, memo_size=0)
    cold.decide(FIVE_FIELDS)  # warm up
    results["five vs cedar"] = ratio_to_cedar(
        cold, [FIVE_FIELDS] * 2000, args.rounds, "five-field, cold vs Cedar"
    )
    day = desk_day(args.desk_day)
    day_requests = [r for r, _ in day]
    results["desk day vs cedar"] = ratio_to_cedar(
        cold, day_requests[:5000], args.rounds, "desk day, cold vs Cedar"
    )
    results["mix vs cedar"] = ratio_to_cedar(
        cold, mix(5000, seed=31), args.rounds, "distinct mix, cold vs Cedar"
    )
    results["desk day memo"] = memo_against_cold(
        day_requests, args.rounds, "desk day in process", target=5
    )
    results["distinct memo"] = memo_against_cold(
        mix(min(args.n, 20000), seed=41), args.rounds, "all-distinct mix in process"
    )
    results["desk day cli"] = cli_memo_against_cold([line for _, line in day], args.rounds)
    print(f"load average at end of ratios: {os.getloadavg()[0]:.1f}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--desk-day", type=int, default=100000, help="lines in the desk day")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per ratio")
    parser.add_argument("--ratios-only", action="store_true", help="only issue 8's ratios")
    args = parser.parse_args()
    if args.ratios_only:
        print(json.dumps(ratios(args)))
        return
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = {}
    uncached, cached = Engine(cache_size=0, memo_size=0), Engine(cache_size=4096, memo_size=0)
    five = [FIVE_FIELDS] * 3000
    timed(uncached, five[:200])  # warm up
    results["five uncached"] = report("five-field request, uncached", timed(uncached, five))
    # The same request asked of the rules as written (every rule, every question, every
    # attribute): what compiling them per requester kind buys under the same machine load.
    whole = Engine(cache_size=0, prune=False, memo_size=0)
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
    results.update(ratios(args))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
