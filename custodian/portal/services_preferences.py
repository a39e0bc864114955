"""The patron's notice settings: channel, titles in notices, language.

Read and written by the patron for their own record, each audited with actor "patron"
and the names of the settings (never their values, never a name or card number).
"""

from dataclasses import dataclass

from django.db import transaction

from custodian.audit.services import record_access
from custodian.records.models import Patron

CHANNELS = tuple(Patron.NoticeChannel.values)
LANGUAGES = ("", "en", "es")  # "" = no choice: the browser's language
SETTINGS = ("notice_channel", "titles_in_notices", "preferred_language")


@dataclass(frozen=True, slots=True)
class NoticePreferences:
    channel: str
    titles: bool
    language: str


def _audit(patron_ref, fields, *, action: str, outcome: str) -> None:
    record_access(
        actor="patron",
        role="patron",
        purpose="own_record",
        patron_ref=str(patron_ref),
        fields=list(fields),
        outcome=outcome,
        clauses=[],
        action=action,
    )


def notice_preferences(*, patron_ref) -> NoticePreferences:
    """The patron's own settings (audited as their read of their own record)."""
    with transaction.atomic():
        row = Patron.objects.filter(ref=patron_ref).values_list(*SETTINGS).first()
        if row is None:
            raise ValueError("no such patron")
        _audit(patron_ref, SETTINGS, action="read", outcome="release")
    channel, titles, language = row
    return NoticePreferences(channel=channel, titles=titles, language=language)


def set_notice_preferences(
    *, patron_ref, channel: str, titles: bool, language: str
) -> tuple[str, ...]:
    """Store the patron's choices; returns the names of the settings that changed."""
    if channel not in CHANNELS:
        raise ValueError(f"notice channel must be one of {', '.join(CHANNELS)}")
    if language not in LANGUAGES:
        raise ValueError("language must be English, Spanish or none")
    wanted = {
        "notice_channel": channel,
        "titles_in_notices": bool(titles),
        "preferred_language": language,
    }
    with transaction.atomic():
        patron = Patron.objects.select_for_update().filter(ref=patron_ref).first()
        if patron is None:
            raise ValueError("no such patron")
        changed = tuple(f for f in SETTINGS if getattr(patron, f) != wanted[f])
        if changed:
            for f in changed:
                setattr(patron, f, wanted[f])
            patron.save(update_fields=list(changed))
            _audit(patron_ref, changed, action="portal_preference", outcome="applied")
    return changed
