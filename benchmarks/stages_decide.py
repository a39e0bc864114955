"""Where a decision's time goes: a per-stage breakdown of the cold engine and of `--jsonl`.

    .venv/bin/python benchmarks/stages_decide.py [--n 5000] [--lines 20000]

Each stage is timed where it runs, inside real decisions (the engine's functions wrapped
with a timer that subtracts the stages nested in them), so the stages add up to the
decision; each wrapper costs a fraction of a microsecond, counted in its stage. Cedar's
part is `ask_cedar` (parsing the entity text and the batch calls). Then the same for
`custodian decide --jsonl` run in this process over the desk day (memo on and off), and
its start-up (imports, loading and compiling the profiles). Wall time (the CPU-time
clock costs a system call per reading); run it on a quiet machine. Not a test.
"""

import argparse
import io
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_decide import FIVE_FIELDS, desk_day  # noqa: E402

clock = time.perf_counter_ns  # vDSO: a CPU-time clock costs a system call per reading


class Stages:
    """Exclusive time per stage, for wrapped functions that may nest."""

    def __init__(self):
        self.total = defaultdict(int)
        self.calls = defaultdict(int)
        self._children = [0]

    def wrap(self, label: str, fn):
        def timed(*args, **kwargs):
            self._children.append(0)
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = clock() - start
                nested = self._children.pop()
                self.total[label] += elapsed - nested
                self.calls[label] += 1
                self._children[-1] += elapsed

        return timed

    def report(self, title: str, per: int, whole_ns: int) -> None:
        print(f"{title}: {whole_ns / 1000 / per:.1f} µs each ({per:,})")
        shown = 0
        for label, ns in sorted(self.total.items(), key=lambda kv: -kv[1]):
            shown += ns
            share = ns / whole_ns
            calls = self.calls[label] / per
            print(f"  {label:<44}{ns / 1000 / per:7.1f} µs {share:6.1%}  ({calls:.2f} calls)")
        rest = whole_ns - shown
        print(
            f"  {'everything else (the code between them)':<44}{rest / 1000 / per:7.1f} µs"
            f" {rest / whole_ns:6.1%}"
        )


def patch(stages: Stages, engine_module, cli=None):
    """Wrap the engine's stages (and the command's, with cli); returns an undo function."""
    from custodian.policy import compile as compile_module
    from custodian.policy import limits

    undo = []

    def put(owner, name, label):
        original = getattr(owner, name)
        undo.append((owner, name, original))
        setattr(owner, name, stages.wrap(label, original))

    put(engine_module, "check_request", "check_request (validation.py)")
    put(engine_module, "request_attributes", "request_attributes")
    put(compile_module.Facts, "entities", "Facts.entities (entity text)")
    put(engine_module, "ask_cedar", "Cedar: ask_cedar (parse entities + batch calls)")
    put(engine_module, "_rules_of", "_rules_of (policy ids -> rules)")
    put(engine_module.Memo, "get", "memo look-up")
    put(engine_module.Memo, "put", "memo store")
    put(engine_module, "_citations", "citations")
    put(engine_module, "explanation", "explanation")
    for name in ("_proofs_relied_on", "_proof_clauses"):
        if hasattr(engine_module, name):
            put(engine_module, name, name)
    if hasattr(engine_module.Engine, "_more_proof"):
        put(engine_module.Engine, "_more_proof", "_more_proof (own code; its asks apart)")
    if cli is not None:
        put(limits, "load_json", "reading the line (limits.load_json)")
        put(cli, "_encode", "writing the decision as JSON (cli._encode)")

    def restore():
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)

    return restore


def engine_stages(n: int) -> None:
    from custodian.policy import Engine
    from custodian.policy import engine as engine_module

    for title, requests in (
        ("five-field request, cold", [FIVE_FIELDS] * n),
        ("desk day, cold", [r for r, _ in desk_day(n)]),
    ):
        cold = Engine(cache_size=0, memo_size=0)
        for request in requests[:300]:
            cold.decide(request)  # warm up
        stages = Stages()
        restore = patch(stages, engine_module)
        try:
            start = clock()
            for request in requests:
                cold.decide(request)
            whole = clock() - start
        finally:
            restore()
        stages.report(title, len(requests), whole)


def jsonl_stages(lines: int) -> None:
    from custodian.policy import Engine, cli
    from custodian.policy import engine as engine_module

    text = "".join(line + "\n" for _, line in desk_day(lines)).encode()
    for memo in (0, 16384):
        engine = Engine(cache_size=0, memo_size=memo)
        stages = Stages()
        restore = patch(stages, engine_module, cli)
        real, sys.stdout = sys.stdout, io.StringIO()
        try:
            start = clock()
            cli._decide_lines(engine, io.BytesIO(text))
            whole = clock() - start
        finally:
            sys.stdout = real
            restore()
        stages.report(f"decide --jsonl in process, desk day, memo {memo or 'off'}", lines, whole)


def startup() -> None:
    """CPU of `custodian decide --jsonl` on empty input, and of its parts, fresh each."""
    exe = str(Path(sys.executable).parent / "custodian")
    py = sys.executable

    def cpu(argv, stdin=b""):
        import resource

        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, input=stdin, check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    parts = {
        "python -c pass": [py, "-c", "pass"],
        "import custodian.cli (every command)": [py, "-c", "import custodian.cli"],
        "import the engine only": [py, "-c", "import custodian.policy.engine"],
        "engine with the four profiles": [
            py,
            "-c",
            "from custodian.policy.engine import Engine; Engine()",
        ],
        "custodian decide --jsonl < empty": [exe, "decide", "--jsonl"],
    }
    print("start-up (CPU, best of 5 fresh processes):")
    for label, argv in parts.items():
        best = min(cpu(argv) for _ in range(5))
        print(f"  {label:<44}{best * 1000:7.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000, help="decisions per engine breakdown")
    parser.add_argument("--lines", type=int, default=20000, help="desk-day lines for --jsonl")
    args = parser.parse_args()
    engine_stages(args.n)
    jsonl_stages(args.lines)
    startup()


if __name__ == "__main__":
    main()
