"""`custodian policy show`: the profile as the plain-language page a library publishes.

The page is not written by hand: each situation below is put to the engine, with every
field asked for, and the page says what the engine answers. What a patron reads is what
the desk does.
"""

import textwrap

from custodian.policy.explain import proof_words
from custodian.policy.vocabulary import (
    CHANNEL_LABELS,
    EVIDENCE,
    FIELD_LABELS,
    FIELDS,
    OBLIGATION_LABELS,
)

WHO = {"director": "the library director", "branch_manager": "the branch manager"}


def _situations(profile) -> list[tuple[str, dict]]:
    everything = list(FIELDS)
    judge = {"type": "search_warrant", "signed_by": "judge", "court": "state", "scope": everything}
    subpoena = {"type": "subpoena", "signed_by": "clerk", "court": "state", "scope": everything}
    out = [
        ("You, at the desk with your library card", dict(kind="patron", evidence=["library_card"])),
        (
            "You, at the desk with your card and photo ID",
            dict(kind="patron", evidence=["library_card", "photo_id"]),
        ),
        (
            "You, on the phone, giving your full card number",
            dict(kind="patron", channel="phone", evidence=["card_number"]),
        ),
        (
            "You, on the phone, giving your card number and PIN",
            dict(kind="patron", channel="phone", evidence=["card_number", "pin"]),
        ),
        (
            "You, online with your card number and PIN",
            dict(kind="patron", channel="online", evidence=["card_number", "pin"]),
        ),
        (
            "A message the library leaves for you",
            dict(kind="patron", channel="voicemail", purpose="overdue_recovery"),
        ),
    ]
    for band, below in profile.age_bands:
        age = 40 if below is None else below - 1
        out.append(
            (
                f"A parent or guardian of a {age}-year-old ({band}), with the child's card",
                dict(kind="guardian", evidence=["library_card"], age=age),
            )
        )
    young = profile.age_bands[0][1] - 1 if profile.age_bands[0][1] else 10
    out += [
        (
            f"A parent who signed for the account of a {young}-year-old, with photo ID",
            dict(kind="guardian", evidence=["photo_id"], age=young, financially_responsible=True),
        ),
        (
            f"A parent of a {young}-year-old, recovering overdue items",
            dict(kind="guardian", age=young, purpose="overdue_recovery"),
        ),
        (
            "Someone you authorised in writing, for everything",
            dict(
                kind="authorized_agent",
                evidence=["written_authorization"],
                authorization_scope=everything,
            ),
        ),
        ("Library staff, for library business", dict(kind="staff", purpose="library_business")),
        (
            "A library contractor, for library business",
            dict(kind="vendor", purpose="library_business"),
        ),
        ("A member of the public, a spouse or an employer", dict(kind="public")),
        ("The media", dict(kind="media")),
        (
            "A police officer with no document",
            dict(kind="law_enforcement", evidence=["officer_credentials"]),
        ),
        (
            "A police officer with a search warrant signed by a judge",
            dict(kind="law_enforcement", instrument=judge),
        ),
        ("A police officer with a subpoena", dict(kind="law_enforcement", instrument=subpoena)),
        (
            "An immigration officer with a warrant signed by an agency officer",
            dict(
                kind="immigration",
                instrument={
                    "type": "administrative_warrant",
                    "signed_by": "agency_officer",
                    "scope": everything,
                },
            ),
        ),
        (
            "An officer with an arrest warrant or notice to appear",
            dict(
                kind="law_enforcement",
                instrument={
                    "type": "arrest_warrant",
                    "signed_by": "judge",
                    "court": "state",
                    "scope": everything,
                },
            ),
        ),
        (
            "Federal agents with a FISA (USA PATRIOT Act) order",
            dict(
                kind="government",
                instrument={
                    "type": "fisa_order",
                    "signed_by": "judge",
                    "court": "fisa",
                    "scope": everything,
                },
            ),
        ),
        (
            "An attorney in a civil case, with a subpoena",
            dict(kind="attorney", instrument=subpoena),
        ),
        (
            "An emergency (public health or safety)",
            dict(kind="law_enforcement", purpose="emergency"),
        ),
    ]
    return out


def _request(profile, spec: dict) -> dict:
    spec = dict(spec)
    requester = {"kind": spec.pop("kind")}
    for key in ("financially_responsible", "authorization_scope"):
        if key in spec:
            requester[key] = spec.pop(key)
    age = spec.pop("age", None)
    return {
        "profile": profile.name,
        "requester": requester,
        "channel": spec.pop("channel", "in_person"),
        "evidence": spec.pop("evidence", []),
        "patron": {} if age is None else {"age": age},
        "purpose": spec.pop("purpose", None),
        "instrument": spec.pop("instrument", None),
        "review": None,
        "requested": list(FIELDS),
    }


def _told(fields: list[str]) -> str:
    if len(fields) == len(FIELDS):
        return "everything in the record"
    if len(fields) > len(FIELDS) / 2:
        rest = [f for f in FIELDS if f not in fields]
        return "everything except " + "; ".join(FIELD_LABELS[f] for f in rest)
    return "; ".join(FIELD_LABELS[f] for f in fields)


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=88, initial_indent=indent, subsequent_indent=indent)


def _proofs(profile) -> list[str]:
    """How staff know who is asking: each proof, per channel, with its basis."""
    if not profile.proofs:
        return []
    lines = ["HOW STAFF KNOW WHO IS ASKING", ""]
    for proof in profile.proofs.values():
        lines.append(f"* {proof.label[0].upper()}{proof.label[1:]}")
        for channel, options in proof.channels.items():
            ways = " or ".join(proof_words(sorted(o, key=EVIDENCE.index)) for o in options)
            lines.append(_wrap(f"{CHANNEL_LABELS[channel].capitalize()}: {ways}."))
        basis = (
            f"Clause: ({proof.clause})" if proof.clause else f"The policy is silent. {proof.silent}"
        )
        lines.append(_wrap(basis))
        lines.append("")
    return lines


def render_policy(*, engine, profile) -> str:
    lines = [
        f"{profile.display_name}",
        f"{profile.title}",
        f"Policy version {profile.policy_version}; effective {profile.effective}.",
        "",
        "WHO MAY BE TOLD WHAT",
        "",
    ]
    for title, spec in _situations(profile):
        d = engine.decide(_request(profile, spec))
        lines.append(f"* {title}")
        if d["release"] and spec.get("instrument") and len(d["release"]) == len(FIELDS):
            # The situation's document names every field; what is told is its face.
            lines.append(_wrap("May be told: what the document names on its face."))
        elif d["release"]:
            lines.append(_wrap(f"May be told: {_told(d['release'])}."))
        else:
            lines.append(_wrap("Is told nothing now."))
        if d.get("needs_proof"):
            lines.append(_wrap(f"With {proof_words(d['needs_proof'])}, could be told more."))
        if d["refer_to"]:
            rest = "The rest" if d["release"] else "The request"
            lines.append(_wrap(f"{rest} is decided by {WHO[d['refer_to']]}."))
        for duty in d["obligations"]:
            lines.append(_wrap(f"- Staff: {OBLIGATION_LABELS[duty]}.", "      "))
        cited = ", ".join(f"({c['clause']})" for c in d["citations"])
        if cited:
            lines.append(_wrap(f"Clauses: {cited}"))
        lines.append("")
    lines += _proofs(profile)
    lines += ["THE POLICY, CLAUSE BY CLAUSE", ""]
    for clause in profile.clauses.values():
        if clause.source == "_contract":
            continue
        lines.append(f"({clause.id})")
        lines.append(_wrap(clause.text))
        lines.append("")
    lines += [
        "Anything this page does not mention is withheld and referred to the library director.",
        "",
    ]
    return "\n".join(lines)
