"""A small Sonoma library with recorded decisions, for `policy replay` and
`audit check-decisions`: reads and check-outs through the real door (audited), and
disclosure requests through the real intake (a phone caller with only the card number, an
officer without a warrant, a sealed FISA order)."""

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from custodian import door
from custodian.accounts.models import Role
from custodian.audit.models import AuditEntry
from custodian.audit.policy_versions import forget_noted
from custodian.disclosure import services
from custodian.disclosure.services import Intake
from custodian.policy import get_engine, load_profile
from custodian.policy.engine import SHIPPED_PROFILES
from tests.door import library
from tests.records.factories import make_item, make_patron

PROFILE = "sonoma-county"


@dataclass
class Recorded:
    check_outs: list[int] = field(default_factory=list)  # audit seqs of the desk's check-outs
    address_read: int = 0  # audit seq of the desk reading an address (no draft changes it)
    phone_caller: str = ""  # the request's opaque name in a replay ("request 3")
    officer: str = ""
    sealed: str = ""


def _name(screen) -> str:
    case = screen.case
    return f"case {case.pk}" if case is not None else f"request {screen.request.pk}"


def _newest_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]


def record_a_week() -> Recorded:
    """Decisions of the kinds the demo week makes, under Sonoma as shipped."""
    forget_noted()
    branch = library.branch()
    clerk = library.staff(Role.DESK, "desk", at=branch)
    patron = make_patron(home_branch=branch)
    reader = door.Reader.staff(clerk)
    out = Recorded()
    for _ in range(2):
        door.check_out(
            reader=reader, patron_ref=patron.ref, item_barcode=make_item(branch=branch).barcode
        )
        out.check_outs.append(_newest_seq())
    door.read_patron(
        reader=reader,
        patron_ref=patron.ref,
        purpose="library_business",
        fields=["registration.address"],
    )
    out.address_read = _newest_seq()
    card = patron.card_number
    out.phone_caller = _name(
        services.intake(
            user=clerk,
            data=Intake(
                requester_kind="patron",
                channel="phone",
                evidence=["card_number"],
                card_number=card,
                requested=["loans.count", "loans.due_dates"],
            ),
        )
    )
    officer = dict(
        requester_kind="law_enforcement",
        channel="in_person",
        evidence=["officer_credentials"],
        officer_name="Det. Ruiz",
        officer_badge="311",
        card_number=card,
        requested=["loans.titles"],
    )
    out.officer = _name(services.intake(user=clerk, data=Intake(**officer)))
    fisa = dict(
        instrument_type="fisa_order",
        instrument_signed_by="judge",
        instrument_court="fisa",
        instrument_scope=["loans.titles"],
        nondisclosure=True,
    )
    out.sealed = _name(services.intake(user=clerk, data=Intake(**officer, **fisa)))
    return out


def copy_profile_path(name: str = PROFILE) -> Path:
    """The shipped profile's own folder (read, never written)."""
    return SHIPPED_PROFILES / name


def copy_profile(tmp_path: Path, name: str = PROFILE) -> Path:
    folder = tmp_path / f"draft-{name}"
    shutil.copytree(SHIPPED_PROFILES / name, folder)
    return folder


def edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text()
    assert old in text, f"{file} no longer holds {old!r}: update the test's edit"
    path.write_text(text.replace(old, new, 1))


# Loosen: a caller with the card number may hear how many items they have out (III.B.1.b).
LOOSEN = (
    "release.cedar",
    'when { principal.proofs.contains("patron_identified") };',
    'when { principal.proofs.contains("patron_identified") ||\n'
    '  (principal.evidence.contains("card_number") && resource.name == "loans.count") };',
)
# Tighten: the desk's need to know loses due dates (staff_roles, profile.toml).
TIGHTEN = (
    "profile.toml",
    'desk = ["registration.*", "loans.*",',
    'desk = ["registration.*", "loans.count", "loans.titles",',
)
# The judge's-order rule for anyone (III.B.1.d) never applies: the sealed FISA case is
# still released under III.B.3 and III.C.2.d.i, but cites one clause fewer.
DROP_JUDGE_RULE = (
    "release.cedar",
    '@id("III.B.1.d")\npermit (principal, action == Action::"release", resource)\nwhen {\n',
    '@id("III.B.1.d")\npermit (principal, action == Action::"release", resource)\nwhen {\n'
    "  false &&\n",
)


def draft(tmp_path: Path, *edits) -> Path:
    folder = copy_profile(tmp_path)
    for e in edits:
        edit(folder, *e)
    load_profile(folder)  # the edits leave a valid profile
    return folder


class LiveProfile:
    """Put a folder's profile in force in this process (as a reload would), and back."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def use(self, folder: Path) -> None:
        engine = get_engine()
        profile = load_profile(folder)
        self.monkeypatch.setitem(engine.profiles, profile.name, profile)
        self.clear()

    @staticmethod
    def clear() -> None:
        engine = get_engine()
        with engine._lock:
            engine._cache.clear()
        engine.memo.clear()
