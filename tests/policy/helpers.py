"""Building requests in a line, so each clause's test reads like the situation at the desk."""

from pathlib import Path

from custodian.policy import get_engine

# CI runs in a fresh clone with shared/ beside the repository.
SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared").resolve()
CONTRACT = SHARED / "contract"


def ask(
    profile: str,
    kind: str,
    requested,
    *,
    channel: str = "in_person",
    evidence=(),
    age: int | None = None,
    purpose: str | None = None,
    instrument: dict | None = None,
    review: dict | None = None,
    **requester,
) -> dict:
    request = {
        "profile": profile,
        "requester": {"kind": kind, **requester},
        "channel": channel,
        "evidence": list(evidence),
        "patron": {} if age is None else {"age": age},
        "purpose": purpose,
        "instrument": instrument,
        "review": review,
        "requested": list(requested),
    }
    return get_engine().decide(request)


def doc(type_: str, scope=(), *, signed_by="judge", court="state", nondisclosure=False) -> dict:
    return {
        "type": type_,
        "signed_by": signed_by,
        "court": court,
        "scope": list(scope),
        "nondisclosure": nondisclosure,
    }


def review(by="director", **flags) -> dict:
    return {"by": by, **flags}


def clauses(decision: dict) -> list[str]:
    return [c["clause"] for c in decision["citations"]]
