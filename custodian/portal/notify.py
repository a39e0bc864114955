"""Telling a patron their PIN was changed, by the channel they chose (Patron.notice_channel).

The message names no PIN, no card number and no name: only that the PIN of their library
account was changed, when, and what to do if it was not them. It goes through Django's
email backend (file backend in the demo, SMTP from the environment in production):

- email: to the patron's address;
- sms / phone: to a gateway address made from the patron's number when the library set one
  (settings CUSTODIAN_SMS_GATEWAY / CUSTODIAN_VOICE_GATEWAY, e.g. "{number}@sms.example.net");
  without one, nothing is sent and the desk is told to tell the patron itself;
- none, or no address or number on file: nothing is sent, and the desk is told so.

The notices app (custodian/notices) owns due-soon and hold notices; this is only the
security notice, which must go out at once, even before that app runs.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from custodian.audit.services import record_access
from custodian.door import library_name
from custodian.words import when as in_words

log = logging.getLogger(__name__)

# How the patron was told, for the desk's confirmation and the audit entry's outcome.
SENT_EMAIL = "sent_email"
SENT_SMS = "sent_sms"
SENT_PHONE = "sent_phone"
NOT_SENT = "not_sent"  # no channel, no address, or no gateway: the desk tells the patron

_GATEWAYS = {
    "sms": ("CUSTODIAN_SMS_GATEWAY", SENT_SMS),
    "phone": ("CUSTODIAN_VOICE_GATEWAY", SENT_PHONE),
}


def _recipient(patron) -> tuple[str | None, str]:
    channel = patron.notice_channel
    if channel == "email":
        return (patron.email or None), SENT_EMAIL
    if channel in _GATEWAYS:
        setting, told = _GATEWAYS[channel]
        gateway = getattr(settings, setting, "")
        digits = "".join(c for c in patron.phone or "" if c.isdigit())
        if gateway and digits:
            return gateway.format(number=digits), told
    return None, NOT_SENT


def pin_changed(*, patron, at, by_desk: bool) -> str:
    """Send the notice; return how the patron was told (one of the constants above)."""
    to, told = _recipient(patron)
    if to is None:
        told = NOT_SENT
    else:
        language = patron.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            when = in_words(at)
            name = library_name()
            if by_desk:
                what = _(
                    "The PIN for your library account was reset at the library desk on %(when)s."
                )
            else:
                what = _("The PIN for your library account was changed online on %(when)s.")
            body = "\n\n".join(
                [
                    what % {"when": when},
                    _(
                        "If this was not you, please contact the library at once: bring your "
                        "library card or photo ID to the desk and we will set a new PIN."
                    ),
                    name,
                ]
            )
            subject = _("%(library)s: your PIN was changed") % {"library": name}
        try:
            # Short messages for text and voice gateways carry the same words.
            send_mail(subject, body, None, [to], fail_silently=False)
        except Exception as error:  # noqa: BLE001 - the PIN is already changed; the desk tells
            log.warning("PIN-changed notice not sent: %s", type(error).__name__)
            told = NOT_SENT
    record_access(
        actor="custodian",
        role="system",
        action="portal.notice",
        purpose="library_business",
        patron_ref=str(patron.ref),
        fields=[],
        outcome=told,
        clauses=[],
    )
    return told
