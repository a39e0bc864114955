"""One plain sentence for the person at the desk, in words rather than field codes."""

from custodian.policy.vocabulary import CHANNEL_LABELS, EVIDENCE_LABELS, FIELD_LABELS, KIND_LABELS

WHO_DECIDES = {"director": "the library director", "branch_manager": "the branch manager"}


def _join(fields: list[str]) -> str:
    return and_list([FIELD_LABELS[f] for f in fields])


def _who(request: dict) -> str:
    kind = request["requester"]["kind"]
    who = KIND_LABELS[kind]
    age = (request.get("patron") or {}).get("age")
    if kind == "guardian" and age is not None:
        who = f"a parent or guardian of a {age}-year-old"
    if request["channel"] == "voicemail":
        return "a message left for the patron"
    return f"{who} asking {CHANNEL_LABELS[request['channel']]}"


def and_list(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def proof_words(needs_proof: list[str]) -> str:
    """`["card_number", "pin"]` -> "the full card number and the PIN"."""
    return and_list([EVIDENCE_LABELS[e] for e in needs_proof])


def ask_for_proof(needs_proof) -> str:
    """The question staff say when more proof is needed, or "" when none is."""
    if not needs_proof:
        return ""
    return f"Before I can tell you that, I need {proof_words(list(needs_proof))}."


# (kind, a guardian's patron's age, channel, outcome, fields...) -> the sentence: all it
# reads, and facts only. The labels are constants, so the sentence is made once a situation.
_SAID: dict = {}


def explanation(
    *,
    request: dict,
    outcome: str,
    release: list[str],
    withhold: list[str],
    refer_to,
    needs_proof: list[str] = (),
    would_release: list[str] = (),
) -> str:
    kind = request["requester"]["kind"]
    age = (request.get("patron") or {}).get("age") if kind == "guardian" else None
    key = (
        kind,
        age,
        request["channel"],
        outcome,
        tuple(release),
        tuple(withhold),
        refer_to,
        tuple(needs_proof),
        tuple(would_release),
    )
    found = _SAID.get(key)
    if found is None:
        found = _explain(request, outcome, release, withhold, refer_to, needs_proof, would_release)
        if len(_SAID) >= 8192:  # the bound only guards memory
            _SAID.clear()
        _SAID[key] = found
    return found


def _explain(request, outcome, release, withhold, refer_to, needs_proof, would_release) -> str:
    if needs_proof and outcome == "deny":
        who = _who(request)
        sentence = (
            f"Nothing may be told yet: {who} has not given enough proof of who they are "
            f"to learn {_join(withhold)}."
        )
    else:
        sentence = _sentence(request, outcome, release, withhold, refer_to)
    if needs_proof:
        sentence += f" With {proof_words(needs_proof)}, they could be told {_join(would_release)}."
    return sentence


def _sentence(request, outcome, release, withhold, refer_to) -> str:
    who = _who(request)
    subject = who[0].upper() + who[1:]
    decider = WHO_DECIDES.get(refer_to, "")
    if outcome == "release":
        verb = "may say" if request["channel"] == "voicemail" else "may be told"
        return f"{subject} {verb} {_join(release)}."
    if outcome == "partial_release":
        verb = "may say" if request["channel"] == "voicemail" else "may be told"
        tail = f"; {decider} decides the rest" if decider else ""
        return f"{subject} {verb} {_join(release)} now, but not {_join(withhold)}{tail}."
    if outcome == "refer":
        return f"Nothing may be told now: {who} wants {_join(withhold)}, and {decider} decides."
    return f"Nothing may be told: the policy gives {who} no basis to learn {_join(withhold)}."
