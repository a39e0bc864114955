"""The words of a notice, from what the door released and nothing else.

`compose` sees a view holding only the fields the engine allowed for the patron's channel
(titles only if the patron opted in), says what it can with them, and reports which fields
it used. With none of them it still tells the patron there is news and where to look,
without saying what. Every string is translatable; the caller picks the language.
"""

import textwrap
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from custodian.words import day

KINDS = ("due_soon", "overdue", "hold_ready")
# What each kind of notice asks the door for (titles are dropped unless opted in).
FIELDS: dict[str, tuple[str, ...]] = {
    "due_soon": ("loans.due_dates", "loans.titles"),
    "overdue": ("overdue.status", "overdue.count", "overdue.titles"),
    "hold_ready": ("holds.count", "holds.titles"),
}
# The purpose the engine is asked with (a patron told of their own record names none).
PURPOSES: dict[str, str | None] = {
    "due_soon": None,
    "overdue": "overdue_recovery",
    "hold_ready": None,
}


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str
    carried: tuple[str, ...]


def _due_soon(view, today: date, days: int) -> tuple[list[str], tuple[str, ...], str]:
    loans = [
        line
        for line in (view.loans or ())
        if line.due_on is not None and today <= line.due_on <= today + timedelta(days=days)
    ]
    if not loans:
        return [], (), ""
    carried = ("loans.due_dates",)
    lines = [
        ngettext(
            "You have %(count)d item due back soon.",
            "You have %(count)d items due back soon.",
            len(loans),
        )
        % {"count": len(loans)}
    ]
    titled = any(line.title for line in loans)
    for line in loans:
        when = day(line.due_on)
        if line.title:
            lines.append(_("- %(title)s, due %(day)s") % {"title": line.title, "day": when})
        else:
            lines.append(_("- one item due %(day)s") % {"day": when})
    if titled:
        carried += ("loans.titles",)
    return lines, carried, _("Items due back soon")


def _overdue(view) -> tuple[list[str], tuple[str, ...], str]:
    titles = view.get("overdue.titles") or ()
    count = view.get("overdue.count")
    status = view.get("overdue.status")
    subject = _("Items overdue")
    if titles:
        lines = [
            ngettext(
                "This item you borrowed is overdue:",
                "These items you borrowed are overdue:",
                len(titles),
            )
        ]
        lines += [_("- %(title)s") % {"title": t} for t in titles]
        return lines, ("overdue.titles",), subject
    if count:
        line = ngettext(
            "%(count)d item you borrowed is overdue.",
            "%(count)d items you borrowed are overdue.",
            count,
        ) % {"count": count}
        return [line], ("overdue.count",), subject
    if status:
        return [_("Something you borrowed is overdue.")], ("overdue.status",), subject
    return [], (), ""


def _hold_ready(view) -> tuple[list[str], tuple[str, ...], str]:
    ready = [h for h in (view.get("holds.titles") or ()) if h.ready]
    subject = _("Something you reserved is ready")
    if ready:
        lines = [_("Ready for you to collect:")]
        for h in ready:
            if h.ready_until:
                lines.append(
                    _("- %(title)s (kept for you until %(day)s)")
                    % {"title": h.title, "day": day(h.ready_until)}
                )
            else:
                lines.append(_("- %(title)s") % {"title": h.title})
        return lines, ("holds.titles",), subject
    if view.get("holds.count"):
        return [_("Something you reserved is ready for you to collect.")], ("holds.count",), subject
    return [], (), ""


def compose(
    *,
    kind: str,
    channel: str,
    view,
    today: date,
    library: str,
    portal_url: str,
    due_soon_days: int = 3,
    titles_opt_in: bool = False,
) -> Message:
    """The notice of `kind` for `channel` ("email", "sms", "phone"), from `view` (anything
    with the PatronView reading interface: `.get(field)`, `.loans`)."""
    if kind == "due_soon":
        lines, carried, topic = _due_soon(view, today, due_soon_days)
    elif kind == "overdue":
        lines, carried, topic = _overdue(view)
    elif kind == "hold_ready":
        lines, carried, topic = _hold_ready(view)
    else:
        raise ValueError(f"a notice is one of {', '.join(KINDS)}")
    if not lines:
        # Nothing of it may be said on this channel: only that there is news, and where.
        topic = _("News about your library account")
        lines = [_("There is news about your library account.")]
    look = _("Sign in at %(url)s to see your account, or ask at the library.") % {"url": portal_url}
    if channel == "phone":
        # Read out by the phone system, perhaps into a voicemail box: short, nothing more.
        greeting = _("This is a message from %(library)s.") % {"library": library}
        body = " ".join([greeting, *lines, look])
        return Message(
            subject=_("Phone message: %(topic)s") % {"topic": topic}, body=body, carried=carried
        )
    if channel == "sms":
        body = " ".join([f"{library}:", *lines, look])
        return Message(
            subject=_("Text message: %(topic)s") % {"topic": topic}, body=body, carried=carried
        )
    paragraphs = ["\n".join(lines), look]
    if not titles_opt_in:
        paragraphs.append(
            _(
                "This message names no titles, to keep what you read private. You can choose "
                "to see titles in notices under Settings when you sign in."
            )
        )
    paragraphs.append(
        _("To change how the library contacts you, sign in and open Settings.") + "\n" + library
    )
    subject = _("%(library)s: %(topic)s") % {"library": library, "topic": topic}
    # Short lines: plain text any mail program (and the demo's outbox files) shows as is.
    body = "\n\n".join(
        "\n".join(textwrap.fill(line, 72, break_long_words=False) for line in p.split("\n"))
        for p in paragraphs
    )
    return Message(subject=subject, body=body, carried=carried)
