"""Template filters that turn codes and timestamps into the library's words, available in
every template (settings.TEMPLATES "builtins"): no screen should have to `{% load %}` them.

    {{ req.requester_kind|label:"kind" }}      -> "Immigration officer"
    {{ req.requested|labels:"field" }}         -> "Postal address, Titles of items checked out now"
    {{ case.created_at|when }}                 -> "2 December 2026, 3:15 pm" (library's time zone)
    {{ case.due_on|day }}                      -> "2 December 2026"

The labels themselves live in one table per kind in custodian.policy.vocabulary (`WORDS`);
PDFs and the CLI call `word_for`, `when` and `day` here, so every place says the same.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation

from custodian.disclosure import vocab
from custodian.policy import vocabulary

register = template.Library()

# Each kind of code and its screen labels (views of vocabulary.WORDS, plus the timeline's
# events and the staff roles).
VOCABULARIES = {
    "field": vocab.FIELDS,
    "kind": vocab.REQUESTER_KINDS,
    # Every channel, with the contract's "voicemail" (the intake offers only vocab.CHANNELS).
    "channel": vocabulary.screen_labels(vocabulary.CHANNEL_WORDS),
    "evidence": vocab.EVIDENCE,
    "purpose": vocab.PURPOSES,
    "instrument": vocab.INSTRUMENT_TYPES,
    "signer": vocab.SIGNERS,
    "court": vocab.COURTS,
    "outcome": vocab.OUTCOMES,
    "reviewer": vocab.REVIEWERS,
    "obligation": vocab.OBLIGATIONS,
    "clause": vocab.CLAUSES,
    "event": vocab.EVENTS,
}


def _roles() -> dict[str, str]:
    # Imported when first asked for: the accounts model needs Django set up.
    from custodian.accounts.models import Role

    return dict(Role.choices)


def word_for(code, kind: str) -> str:
    """The label of one code; an unknown code is shown as words, never raw (no underscores).

    A clause id not in the contract's table is a library's own ("III.C.2.h", "Regulation 4"),
    already what its policy calls it, so it is shown as it is.
    """
    if code is None:
        return ""
    table = _roles() if kind == "role" else VOCABULARIES[kind]
    if code in table:
        return table[code]
    if kind == "clause":
        return str(code)
    return str(code).replace("_", " ").replace(".", ": ")


@register.filter
def label(code, kind: str) -> str:
    return word_for(code, kind)


@register.filter
def labels(codes, kind: str) -> str:
    return ", ".join(word_for(c, kind) for c in (codes or []))


def _moment(value):
    """A date or datetime from a value that may be a stored ISO string (JSON packages)."""
    if isinstance(value, str):
        try:
            return (
                dt.date.fromisoformat(value)
                if len(value) == 10
                else dt.datetime.fromisoformat(value)
            )
        except ValueError:
            return None
    return value


# Spanish dates for the portal's Spanish pages (staff screens are always English): built
# here rather than from the C library's locale, which a server may not have installed.
_MESES = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
).split()


def _spanish() -> bool:
    return (translation.get_language() or "en").startswith("es")


def _hour(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    if _spanish():
        return f"{hour}:{moment.minute:02d} {'a. m.' if moment.hour < 12 else 'p. m.'}"
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d} {suffix}"


@register.filter
def day(value) -> str:
    """A date as a person reads it: "2 December 2026" (a datetime in the library's zone)."""
    if not value:
        return ""
    moment = _moment(value)
    if moment is None:
        return str(value)
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    if _spanish():  # "2 de diciembre de 2026"
        return f"{moment.day} de {_MESES[moment.month - 1]} de {moment.year}"
    return f"{moment.day} {moment:%B %Y}"


@register.filter
def when(value) -> str:
    """A moment as a person reads it, in the library's time zone: "2 December 2026, 3:15 pm"."""
    if not value:
        return ""
    moment = _moment(value)
    if moment is None:
        return str(value)
    if not isinstance(moment, dt.datetime):
        return day(moment)
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{day(local)}, {_hour(local)}"


@register.filter
def dollars(cents) -> str:
    """An amount kept in cents, as money: 1250 -> "$12.50"."""
    if cents in (None, ""):
        return ""
    return f"${int(cents) / 100:,.2f}"
