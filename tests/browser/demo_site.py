"""The demo library as a new user gets it: `custodian demo --no-serve`, then `custodian serve`,
each in a child process on its own SQLite database in a temporary folder.

The screen-by-screen browser tests (test_every_screen.py) open this site rather than a
live_server in the test process, so they see exactly what `./run demo` shows, and the
demo is built once per module instead of being flushed after every test. DATABASE_URL is
dropped on purpose: a PostgreSQL run must never fill its database with a demo library.

Run as `python -m tests.browser.demo_site` (with the demo's environment) it prints, as
JSON, the refs of the records the tests open: the showcase adult's account, items on loan
to check in, and the richest non-sealed disclosure request, case, package and invoice.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CUSTODIAN = Path(sys.executable).with_name("custodian")
SECRET = "test-only-demo-secret-key-not-for-production-0123456789abcdef"
# Settings of the test process's own run that must not leak into the demo's.
DROPPED = (
    "DATABASE_URL",
    "CUSTODIAN_HTTPS",
    "CUSTODIAN_TRUST_X_FORWARDED_PROTO",
    "CUSTODIAN_ALLOWED_HOSTS",
)


@dataclass(frozen=True)
class DemoSite:
    url: str
    profile: str
    logins: dict[str, tuple[str, str]]  # role -> (username, password)
    refs: dict


def _env(data_dir: Path, profile: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        CUSTODIAN_DATA_DIR=str(data_dir),
        CUSTODIAN_PROFILE=profile,
        CUSTODIAN_SECRET_KEY=SECRET,
        PYTHONPATH=str(ROOT),
    )
    return env


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
        raise RuntimeError(f"{what} failed (exit {done.returncode}):\n" + "\n".join(tail))
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"custodian serve stopped:\n{log.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"custodian serve did not listen within 180 s:\n{log.read_text()[-2000:]}")


class ServedDemo:
    """Build the demo library in `data_dir` and serve it, in a background thread, so the
    demos of several profiles are prepared at once; `site()` waits for this one."""

    def __init__(
        self, data_dir: Path, *, profile: str = "sonoma-county", patrons: int = 120, seed: int = 5
    ):
        self.data_dir, self.profile, self.patrons, self.seed = data_dir, profile, patrons, seed
        self.proc: subprocess.Popen | None = None
        self._site: DemoSite | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._prepare, daemon=True)
        self._thread.start()

    def _prepare(self) -> None:
        try:
            self._site = self._build_and_serve()
        except BaseException as e:  # re-raised in the test's thread by site()
            self._error = e

    def _build_and_serve(self) -> DemoSite:
        env = _env(self.data_dir, self.profile)
        _run(
            [
                str(CUSTODIAN),
                "demo",
                "--no-serve",
                "--patrons",
                str(self.patrons),
                "--seed",
                str(self.seed),
            ],
            env,
            f"custodian demo --no-serve ({self.profile})",
        )
        logins = {
            d["role"]: (d["username"], d["password"])
            for d in json.loads((self.data_dir / "demo-logins.json").read_text())
        }
        refs = json.loads(
            _run([sys.executable, "-m", "tests.browser.demo_site"], env, "the demo's refs")
        )
        port = _free_port()
        log = self.data_dir / "serve.log"
        with log.open("w") as out:
            self.proc = subprocess.Popen(
                [str(CUSTODIAN), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_for(port, self.proc, log)
        return DemoSite(f"http://127.0.0.1:{port}", self.profile, logins, refs)

    def site(self) -> DemoSite:
        self._thread.join()
        if self._error is not None:
            raise RuntimeError(f"the {self.profile} demo did not start") from self._error
        assert self._site is not None
        return self._site

    def stop(self) -> None:
        self._thread.join()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextmanager
def served_demo(data_dir: Path, **kw) -> Iterator[DemoSite]:
    """The demo library built in `data_dir` and served until the block ends."""
    demo = ServedDemo(data_dir, **kw)
    try:
        yield demo.site()
    finally:
        demo.stop()


def _refs() -> dict:
    """What the tests open, chosen from the demo's records (run inside the demo's settings)."""
    from custodian import djangoenv

    djangoenv.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from custodian.disclosure.models import Case, DisclosureRequest, Release
    from custodian.records.models import Loan, Patron
    from custodian.records.sealing import card_index
    from custodian.records.selectors import card_indexes

    showcase = json.loads((settings.DATA_DIR / "demo-patrons.json").read_text())["showcase"]
    cards = {s["label"]: s["card_number"] for s in showcase}
    adult = (
        Patron.objects.filter(card_index=card_index(cards["adult"]))
        .values_list("ref", flat=True)
        .get()
    )
    # Items out to anyone but the showcase patrons, whose pages the tests look at.
    loans = (
        Loan.objects.exclude(patron__card_index__in=card_indexes(cards.values()))
        .order_by("pk")
        .values_list("item__barcode", flat=True)
    )
    open_cases = Case.objects.filter(sealed=False).select_related("request").order_by("pk")
    released = next((c for c in open_cases if c.releases.exists()), None)
    officer = next(
        (c for c in open_cases if c.request.is_officer and not c.request.instrument_type),
        None,
    ) or next((c for c in open_cases if c.request.is_officer), None)
    costs = next((c for c in open_cases if c.cost_recovery), None)
    decision = officer.request if officer else DisclosureRequest.objects.order_by("pk").first()
    release = Release.objects.filter(case=released).order_by("pk").first() if released else None
    return {
        "patron": str(adult),
        "card": cards["adult"],  # synthetic; typed into the intake, never put in a URL
        "loaned_barcodes": list(loans[:12]),
        "decision_request": str(decision.ref) if decision else None,
        "case": str((released or officer or open_cases.first()).ref),
        "officer_case": str(officer.ref) if officer else None,
        "package": [str(released.ref), str(release.ref)] if release else None,
        "invoice_case": str(costs.ref) if costs else None,
        # The portal's demo patrons (card, PIN), typed into the sign-in form, never a URL.
        "portal": {s["label"]: [s["card_number"], s["pin"]] for s in showcase},
        "teen": str(
            Patron.objects.filter(card_index=card_index(cards["teen"]))
            .values_list("ref", flat=True)
            .get()
        ),
        # The IT administrator's page for one staff account: the demo's desk clerk.
        "staff_person": get_user_model().objects.get(username="desk").pk,
    }


if __name__ == "__main__":
    print(json.dumps(_refs()))
