"""How a notice travels: a small `Channel` interface, one object per patron choice.

Everything goes through Django's email backend (the file backend into DATA_DIR/outbox by
default, SMTP from the environment in production):

- email: to the address on the patron's record;
- sms and phone: to an email-to-gateway address made from the patron's number
  (settings CUSTODIAN_SMS_GATEWAY / CUSTODIAN_VOICE_GATEWAY, e.g. "{number}@sms.example.net"),
  with a subject that says what it is ("Text message: ...", "Phone message: ...").
  Without a gateway the channel is unavailable and nothing is sent.

A library with another way to send texts or calls registers its own object in CHANNELS.
"""

from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage, mailers

from custodian.door.notices import Contact
from custodian.notices.compose import Message


class Channel(Protocol):
    name: str

    def available(self) -> bool:
        """Whether the library has set this channel up at all."""

    def recipient(self, contact: Contact) -> str | None:
        """The address to send to, or None when the patron has none on file."""

    def send(self, *, message: Message, to: str) -> None:
        """Deliver the message; raise on failure."""


def _deliver(message: Message, to: str) -> None:
    # A fresh connection per message (the file backend names files by time and connection).
    mailers.default.send_messages(
        [EmailMessage(subject=message.subject, body=message.body, to=[to])]
    )


class EmailChannel:
    name = "email"

    def available(self) -> bool:
        return True

    def recipient(self, contact: Contact) -> str | None:
        return contact.email or None

    def send(self, *, message: Message, to: str) -> None:
        _deliver(message, to)


class GatewayChannel:
    """A text or phone message sent as an email to the library's gateway."""

    def __init__(self, name: str, setting: str):
        self.name = name
        self.setting = setting

    def gateway(self) -> str:
        return getattr(settings, self.setting, "") or ""

    def available(self) -> bool:
        return "{number}" in self.gateway()

    def recipient(self, contact: Contact) -> str | None:
        digits = "".join(c for c in contact.phone or "" if c.isdigit())
        if not (digits and self.available()):
            return None
        return self.gateway().format(number=digits)

    def send(self, *, message: Message, to: str) -> None:
        _deliver(message, to)


CHANNELS: dict[str, Channel] = {
    "email": EmailChannel(),
    "sms": GatewayChannel("sms", "CUSTODIAN_SMS_GATEWAY"),
    "phone": GatewayChannel("phone", "CUSTODIAN_VOICE_GATEWAY"),
}
