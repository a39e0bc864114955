"""The library's privacy page, built from the running profile, never written per library.

- What is kept, and for how long: the profile's `[retention]` (the very periods the
  retention run applies, custodian/circulation/retention.periods) and what it does not keep.
- Who may be told what: each situation below is put to the policy engine with every field
  asked for, as `custodian policy show` does (custodian/policy/render.py); the page says
  what the engine answers, with the clauses it cites. What a patron reads is what the desk
  does.
- How to see, take and control your data; how to complain (the profile's concern clause).
- Legal requests the law forbids the library to reveal: the profile's `[portal]` words.

Clause texts stay in the policy's own language; where the profile gives a Spanish summary
of a section (`[portal.summary_es]`), the Spanish page shows it above the section.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from custodian.circulation.retention import periods
from custodian.policy import get_engine
from custodian.policy.render import _request as situation_request
from custodian.policy.vocabulary import CONTRACT_CLAUSE_WORDS, EVIDENCE_LABELS, FIELDS
from custodian.portal import looked_words as words


@dataclass
class Situation:
    who: str
    told: str
    more_with_proof: str = ""
    decided_by: str = ""
    # (name, anchor): the clauses the engine cited, each a link to its one full text below.
    citations: list[tuple[str, str]] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)


def anchor(clause_id: str) -> str:
    """The id of a clause's place in "The policy, section by section" (each text once)."""
    return "clause-" + re.sub(r"[^A-Za-z0-9]+", "-", clause_id).strip("-")


def clause_name(profile, clause_id: str) -> str:
    """A clause as a reader names it: a library's own id, or the contract rule in words."""
    if clause_id in CONTRACT_CLAUSE_WORDS:
        return CONTRACT_CLAUSE_WORDS[clause_id].screen
    return clause_id


def _days(n: int) -> str:
    if n <= 0:
        return _("at once (at the next nightly clean-up)")
    return ngettext("after %(n)d day", "after %(n)d days", n) % {"n": n}


def kept(profile) -> dict:
    """What is kept and for how long, in sentences, and the categories not kept at all."""
    days = periods(profile.name)
    given = profile.retention
    lines = [
        _(
            "Your account: your name, address, telephone, e-mail, date of birth and card "
            "number, while your card is in use."
        ),
        _(
            "What you have borrowed now, your holds, and charges you owe, until the item is "
            "returned, the hold ends or the charge is settled."
        ),
        _("When you return an item, the link between you and that item is removed %(when)s.")
        % {"when": _days(days["loan_link_after_return_days"])},
        _(
            "Your reading history (what you borrowed in the past) is kept only if you turn it "
            "on, and is deleted when you turn it off."
        ),
        _("Public-computer sessions lose the link to your card %(when)s after they end.")
        % {"when": _days(days["computer_sessions_days"])},
        _("Catalogue searches lose the link to you %(when)s.")
        % {"when": _days(days["searches_days"])},
        _("Meeting-room bookings lose the link to you %(when)s after the booking.")
        % {"when": _days(days["room_bookings_days"])},
    ]
    if isinstance(given.get("video_days"), int):
        lines.append(
            ngettext(
                "Security-camera video is deleted after %(n)d day, unless it is needed for an "
                "incident.",
                "Security-camera video is deleted after %(n)d days, unless it is needed for an "
                "incident.",
                given["video_days"],
            )
            % {"n": given["video_days"]}
        )
    not_kept = [words.field(f) for f in given.get("not_kept", ()) if f in FIELDS]
    return {"lines": lines, "not_kept": not_kept}


def _situations(profile) -> list[tuple[str, dict]]:
    everything = list(FIELDS)
    judge = {"type": "search_warrant", "signed_by": "judge", "court": "state", "scope": everything}
    subpoena = {"type": "subpoena", "signed_by": "clerk", "court": "state", "scope": everything}
    out = [
        (
            _("You, online, signed in with your card number and PIN"),
            dict(kind="patron", channel="online", evidence=["card_number", "pin"]),
        ),
        (
            _("You, at the desk, with your library card"),
            dict(kind="patron", evidence=["library_card"]),
        ),
        (
            _("You, on the telephone, giving your card number and PIN"),
            dict(kind="patron", channel="phone", evidence=["card_number", "pin"]),
        ),
    ]
    for _band, below in profile.age_bands:
        if below is None:
            continue  # an adult's parent is a member of the public
        age = below - 1
        out.append(
            (
                ngettext(
                    "A parent or guardian of a child aged %(age)d, with the child's card",
                    "A parent or guardian of a child aged %(age)d, with the child's card",
                    age,
                )
                % {"age": age},
                dict(kind="guardian", evidence=["library_card"], age=age),
            )
        )
    young = profile.age_bands[0][1] - 1 if profile.age_bands[0][1] else 10
    out += [
        (
            _("A parent who signed for the account of a child aged %(age)d, with photo ID")
            % {"age": young},
            dict(kind="guardian", evidence=["photo_id"], age=young, financially_responsible=True),
        ),
        (
            _("A parent of a child aged %(age)d, recovering overdue items") % {"age": young},
            dict(kind="guardian", age=young, purpose="overdue_recovery"),
        ),
        (
            _("Someone you have authorised in writing, for everything"),
            dict(
                kind="authorized_agent",
                evidence=["written_authorization"],
                authorization_scope=everything,
            ),
        ),
        (_("Library staff, for library business"), dict(kind="staff", purpose="library_business")),
        (_("A member of the public, a spouse or an employer"), dict(kind="public")),
        (_("The media"), dict(kind="media")),
        (
            _("A police officer with no document"),
            dict(kind="law_enforcement", evidence=["officer_credentials"]),
        ),
        (
            _("A police officer with a search warrant signed by a judge"),
            dict(kind="law_enforcement", instrument=judge),
        ),
        (_("A police officer with a subpoena"), dict(kind="law_enforcement", instrument=subpoena)),
        (
            _("An immigration officer with a warrant signed by an agency officer"),
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
            _("An emergency threatening public health or safety"),
            dict(kind="law_enforcement", purpose="emergency"),
        ),
    ]
    return out


def _told(fields: list[str]) -> str:
    if len(fields) == len(FIELDS):
        return _("Everything in the record")
    if len(fields) > len(FIELDS) / 2:
        rest = [words.field(f) for f in FIELDS if f not in fields]
        return _("Everything except: %(rest)s") % {"rest": "; ".join(rest)}
    return "; ".join(words.field(f) for f in fields)


def told(profile) -> list[Situation]:
    """Who may be told what, as the engine answers for this profile."""
    engine = get_engine()
    who_decides = {
        "director": _("the Library Director"),
        "branch_manager": _("the branch manager"),
    }
    out = []
    for title, spec in _situations(profile):
        d = engine.decide(situation_request(profile, spec))
        if d["release"] and spec.get("instrument") and len(d["release"]) == len(FIELDS):
            what = _("Only what the document names")
        elif d["release"]:
            what = _told(d["release"])
        else:
            what = _("Nothing")
        situation = Situation(who=title, told=what)
        if d.get("needs_proof"):
            proof = "; ".join(_(EVIDENCE_LABELS.get(e, e)) for e in d["needs_proof"])
            situation.more_with_proof = _("They may be told more once they show: %(proof)s.") % {
                "proof": proof
            }
        if d.get("refer_to"):
            situation.decided_by = _("The rest is decided by %(whom)s.") % {
                "whom": who_decides.get(d["refer_to"], who_decides["director"])
            }
        situation.citations = [
            (clause_name(profile, c["clause"]), anchor(c["clause"])) for c in d.get("citations", [])
        ]
        situation.cited = [c["clause"] for c in d.get("citations", [])]
        out.append(situation)
    return out


def spanish(profile, section: str) -> str:
    """The profile's Spanish summary of a section, on the Spanish page only."""
    if (get_language() or "").split("-")[0] != "es":
        return ""
    return profile.portal.summary_es.get(section, "")


def _effective(profile) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(profile.effective))
    except ValueError:  # "undated": the policy carries no date
        return None


def _sections(profile, cited: set[str]) -> list[dict]:
    """The policy's own clauses, then the rules every library shares that the page cites:
    the one place on the page where each clause's text is shown."""
    return [
        {"id": clause_name(profile, c.id), "anchor": anchor(c.id), "text": c.text}
        for c in profile.clauses.values()
        if c.source != "_contract" or c.id in cited
    ]


def page(profile) -> dict:
    portal = profile.portal
    sealed_clause = portal.sealed_entries_clause
    concern_clause = getattr(portal, "concern_clause", None)
    situations = told(profile)
    cited = {c for s in situations for c in s.cited} | {
        c for c in (sealed_clause, concern_clause) if c
    }
    return {
        "profile": profile,
        "effective": _effective(profile),
        "kept": kept(profile),
        "told": situations,
        "sealed_text": portal.sealed_entries,
        "sealed_clause": (
            (clause_name(profile, sealed_clause), anchor(sealed_clause)) if sealed_clause else None
        ),
        "concern_clause": (
            (clause_name(profile, concern_clause), anchor(concern_clause))
            if concern_clause
            else None
        ),
        "answer_days": portal.concern_answer_days,
        "summaries": {
            key: spanish(profile, key) for key in ("kept", "told", "yours", "complain", "sealed")
        },
        "clauses": _sections(profile, cited),
    }
