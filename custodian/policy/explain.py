"""One plain sentence for the person at the desk, in words rather than field codes."""

from custodian.policy.vocabulary import CHANNEL_LABELS, FIELD_LABELS, KIND_LABELS

WHO_DECIDES = {"director": "the library director", "branch_manager": "the branch manager"}


def _join(fields: list[str]) -> str:
    words = [FIELD_LABELS[f] for f in fields]
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _who(request: dict) -> str:
    kind = request["requester"]["kind"]
    who = KIND_LABELS[kind]
    age = (request.get("patron") or {}).get("age")
    if kind == "guardian" and age is not None:
        who = f"a parent or guardian of a {age}-year-old"
    if request["channel"] == "voicemail":
        return "a message left for the patron"
    return f"{who} asking {CHANNEL_LABELS[request['channel']]}"


def explanation(
    *, request: dict, outcome: str, release: list[str], withhold: list[str], refer_to
) -> str:
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
