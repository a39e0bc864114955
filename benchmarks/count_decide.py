"""Where a decision's work goes, counted in CPU instructions rather than timed.

    .venv/bin/python benchmarks/count_decide.py [--n 1000] [--workload five|mix]

Wall-clock figures on a shared 2-core VM move by up to 40 % between runs; instruction
counts do not. This runs the engine under Valgrind's callgrind (Debian package
`valgrind`) twice, once deciding nothing and once deciding --n requests after the same
set-up, and prints the difference per decision: in all, inside cedarpy's batch call (and,
within it, Cedar's own authorizer and the parsing of entity uids), inside cedarpy's
entity parser, and the rest (our Python, the interpreter, the allocator). A benchmark, not
a test: it takes about a minute.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Inclusive counts of these symbols, as callgrind_annotate names them.
PARTS = {
    "cedarpy batch call": "cedarpy::__pyfunction_is_authorized_batch ",
    "  of which Cedar's authorizer": "<cedar_policy::api::Authorizer>::is_authorized ",
    "  of which entity uids parsed": "<cedarpy::EntityUidInput>::parse ",
    "cedarpy entity parsing": "<cedarpy::PyEntities>::__pymethod_from_json_str__ ",
}


def workload(kind: str, n: int, decide: bool) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_decide import FIVE_FIELDS, mix

    from custodian.policy import Engine

    engine = Engine(cache_size=0)
    requests = [FIVE_FIELDS] * n if kind == "five" else mix(n)
    for request in requests[:50]:  # both runs warm up alike
        engine.decide(request)
    if decide:
        for request in requests:
            engine.decide(request)


def counted(kind: str, n: int, decide: bool) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--child",
                kind,
                str(n),
                "1" if decide else "0",
            ],
            check=True,
            capture_output=True,
        )
        text = subprocess.run(
            ["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(out)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    counts = {
        "total": int(re.search(r"([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", text)[1].replace(",", ""))
    }
    for label, symbol in PARTS.items():
        counts[label] = sum(
            int(line.split()[0].replace(",", ""))
            for line in text.splitlines()
            if symbol in line and line.strip()[0].isdigit()
        )
    return counts


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        workload(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1")
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--workload", choices=["five", "mix"], default="five")
    args = parser.parse_args()
    idle = counted(args.workload, args.n, decide=False)
    busy = counted(args.workload, args.n, decide=True)
    per = {k: (busy[k] - idle[k]) / args.n for k in busy}
    cedar = per["cedarpy batch call"] + per["cedarpy entity parsing"]
    print(f"{args.workload}: {args.n:,} decisions, instructions per decision")
    print(f"{'in all':34} {per['total']:>10,.0f}")
    for label in PARTS:
        print(f"{label:34} {per[label]:>10,.0f}  ({per[label] / per['total']:.0%})")
    print(
        f"{'the rest (Python and all else)':34} {per['total'] - cedar:>10,.0f}  ({1 - cedar / per['total']:.0%})"
    )


if __name__ == "__main__":
    main()
