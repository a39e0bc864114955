"""An example of each notice, for the patron's Settings page: composed by the same code
that sends the real ones, from made-up loans and holds, with the engine's ruling for the
patron's channel and choice of titles. Reads no patron data."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.door import library_name
from custodian.door.lines import HoldLine, LoanLine
from custodian.door.notices import notice_ruling
from custodian.notices.compose import FIELDS, KINDS, PURPOSES, Message, compose


class _Sample:
    """Made-up values of the released fields only, read like a PatronView."""

    def __init__(self, released: tuple[str, ...], today: date):
        title = _("An example title")
        values = {
            "loans.due_dates": (today + timedelta(days=2),),
            "loans.titles": (title,),
            "overdue.status": True,
            "overdue.count": 1,
            "overdue.titles": (title,),
            "holds.count": 1,
            "holds.titles": (
                HoldLine(title=title, status="ready", ready=True, ready_until=today + timedelta(7)),
            ),
        }
        self.values = {f: v for f, v in values.items() if f in released}

    def get(self, field, default=None):
        return self.values.get(field, default)

    @property
    def loans(self):
        dues, titles = self.get("loans.due_dates"), self.get("loans.titles")
        if dues is None and titles is None:
            return None
        return (
            LoanLine(
                due_on=dues[0] if dues else None,
                title=titles[0] if titles else None,
                overdue=False,
            ),
        )


@dataclass(frozen=True, slots=True)
class Example:
    kind: str
    message: Message


def examples(*, channel: str, titles_opt_in: bool) -> list[Example]:
    """One example message per kind of notice, as `channel` would carry it (none for "none")."""
    if channel not in ("email", "sms", "phone"):
        return []
    today = timezone.localdate()
    out = []
    for kind in KINDS:
        ruling = notice_ruling(
            channel=channel,
            fields=FIELDS[kind],
            titles_opt_in=titles_opt_in,
            purpose=PURPOSES[kind],
        )
        message = compose(
            kind=kind,
            channel=channel,
            view=_Sample(ruling.released, today),
            today=today,
            library=library_name(),
            portal_url=settings.CUSTODIAN_PORTAL_URL,
            due_soon_days=settings.CUSTODIAN_NOTICE_DUE_SOON_DAYS,
            titles_opt_in=titles_opt_in,
        )
        out.append(Example(kind=kind, message=message))
    return out
