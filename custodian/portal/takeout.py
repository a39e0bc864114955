"""Take my data, as the patron carries it away: JSON, a readable PDF, a printable page.

Everything is built in memory from one `door.take_my_data` read and sent; nothing is
written to disk. The words (category names, column headings, notes) are translatable; the
JSON keys and the statuses are fixed, documented in docs/portal-data.md and checked
against docs/take-my-data.schema.json.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from fpdf import FPDF

from custodian.door import Takeout
from custodian.door.takeout import INCLUDED, NOT_KEPT, WITHHELD
from custodian.portal.services_concerns import TOPICS
from custodian.words import day, when, word_for

FORMAT = "custodian.take-my-data"
VERSION = 1

TEXT, MOMENT, DAY, MONEY, YESNO, FIELDS = "text", "moment", "day", "money", "yesno", "fields"
TOPIC = "topic"  # a concern's topic code, shown in the words the patron chose it by


@dataclass(frozen=True)
class Section:
    label: str
    about: str
    columns: tuple[tuple[str, str, str], ...]  # (key, heading, kind)
    single: bool = False  # one set of details, not rows


def _c(key, heading, kind=TEXT):
    return (key, heading, kind)


SECTIONS: dict[str, Section] = {
    "registration": Section(
        _lazy("Registration"),
        _lazy("Who you are to the library: the details on your account."),
        (
            _c("name", _lazy("Name")),
            _c("card_number", _lazy("Card number")),
            _c("address", _lazy("Address")),
            _c("phone", _lazy("Telephone")),
            _c("email", _lazy("Email")),
            _c("birth_date", _lazy("Date of birth"), DAY),
            _c("status", _lazy("Card status")),
            _c("status_since", _lazy("Status since"), DAY),
            _c("home_branch", _lazy("Home library")),
            _c("registered_on", _lazy("Registered on"), DAY),
            _c("expires_on", _lazy("Card expires on"), DAY),
            _c("has_pin", _lazy("PIN set (the PIN itself is never kept)"), YESNO),
        ),
        single=True,
    ),
    "loans": Section(
        _lazy("Items checked out now"),
        _lazy("What you have borrowed and not yet returned."),
        (
            _c("title", _lazy("Title")),
            _c("author", _lazy("Author")),
            _c("checked_out_at", _lazy("Checked out"), MOMENT),
            _c("due_on", _lazy("Due"), DAY),
            _c("renewals", _lazy("Renewals")),
            _c("branch", _lazy("Library")),
        ),
    ),
    "overdue": Section(
        _lazy("Overdue items"),
        _lazy("Items past their due date."),
        (
            _c("title", _lazy("Title")),
            _c("due_on", _lazy("Due"), DAY),
            _c("days_overdue", _lazy("Days overdue")),
        ),
    ),
    "lost": Section(
        _lazy("Items marked lost"),
        _lazy("Items on your account that the library has marked lost."),
        (_c("title", _lazy("Title")), _c("barcode", _lazy("Item barcode"))),
    ),
    "charges": Section(
        _lazy("Charges"),
        _lazy("Fines and fees on your account, and what is still owed on each."),
        (
            _c("what", _lazy("What for")),
            _c("title", _lazy("Item")),
            _c("amount", _lazy("Amount"), MONEY),
            _c("outstanding", _lazy("Still owed"), MONEY),
            _c("assessed_at", _lazy("Charged"), MOMENT),
        ),
    ),
    "payments": Section(
        _lazy("Payments"),
        _lazy("Payments made and charges waived."),
        (
            _c("amount", _lazy("Amount"), MONEY),
            _c("method", _lazy("How")),
            _c("for_charge", _lazy("For")),
            _c("paid_at", _lazy("When"), MOMENT),
        ),
    ),
    "holds": Section(
        _lazy("Holds"),
        _lazy("Items you are waiting for."),
        (
            _c("title", _lazy("Title")),
            _c("status", _lazy("Status")),
            _c("placed_at", _lazy("Placed"), MOMENT),
            _c("pickup_branch", _lazy("Pick up at")),
            _c("ready_until", _lazy("Waiting for you until"), DAY),
        ),
    ),
    "reading_history": Section(
        _lazy("Reading history"),
        _lazy("Items you borrowed and returned, kept only because you asked for it."),
        (
            _c("title", _lazy("Title")),
            _c("author", _lazy("Author")),
            _c("checked_out_at", _lazy("Checked out"), MOMENT),
            _c("returned_at", _lazy("Returned"), MOMENT),
        ),
    ),
    "reading_history_choice": Section(
        _lazy("Your reading-history choice"),
        _lazy("Whether the library keeps a list of what you have returned, and since when."),
        (
            _c("keeps", _lazy("Keep my reading history"), YESNO),
            _c("changed_at", _lazy("Last changed"), MOMENT),
        ),
        single=True,
    ),
    "programs": Section(
        _lazy("Programs and events"),
        _lazy("Classes and events you registered for."),
        (
            _c("title", _lazy("Program")),
            _c("starts_at", _lazy("When"), MOMENT),
            _c("branch", _lazy("Library")),
            _c("registered_at", _lazy("Registered"), MOMENT),
            _c("attended", _lazy("Attended"), YESNO),
        ),
    ),
    "computer_sessions": Section(
        _lazy("Computer sessions"),
        _lazy("Times you signed on to a library computer."),
        (
            _c("branch", _lazy("Library")),
            _c("workstation", _lazy("Computer")),
            _c("started_at", _lazy("Started"), MOMENT),
            _c("ended_at", _lazy("Ended"), MOMENT),
        ),
    ),
    "room_bookings": Section(
        _lazy("Room bookings"),
        _lazy("Meeting rooms you booked."),
        (
            _c("room", _lazy("Room")),
            _c("branch", _lazy("Library")),
            _c("starts_at", _lazy("From"), MOMENT),
            _c("ends_at", _lazy("Until"), MOMENT),
            _c("attendees", _lazy("People")),
        ),
    ),
    "reference": Section(
        _lazy("Questions to librarians"),
        _lazy("Reference questions the library noted with your card."),
        (
            _c("asked_at", _lazy("Asked"), MOMENT),
            _c("channel", _lazy("How")),
            _c("question", _lazy("Question")),
            _c("branch", _lazy("Library")),
        ),
    ),
    "interlibrary_loans": Section(
        _lazy("Interlibrary loans"),
        _lazy("Items requested for you from other libraries."),
        (
            _c("title", _lazy("Title")),
            _c("author", _lazy("Author")),
            _c("lending_library", _lazy("Lent by")),
            _c("requested_at", _lazy("Requested"), MOMENT),
            _c("status", _lazy("Status")),
        ),
    ),
    "searches": Section(
        _lazy("Searches"),
        _lazy("Catalogue and database searches kept with your card."),
        (
            _c("searched_at", _lazy("When"), MOMENT),
            _c("database", _lazy("Where")),
            _c("query", _lazy("Searched for")),
        ),
    ),
    "camera_footage": Section(
        _lazy("Security camera recordings"),
        _lazy("Recordings in which the library has identified you (not the video itself)."),
        (
            _c("camera", _lazy("Camera")),
            _c("branch", _lazy("Library")),
            _c("starts_at", _lazy("From"), MOMENT),
            _c("ends_at", _lazy("Until"), MOMENT),
            _c("kept_until", _lazy("Kept until"), DAY),
        ),
    ),
    "responsible_parties": Section(
        _lazy("Parents, guardians and responsible adults"),
        _lazy("People the library has on record as responsible for your account."),
        (
            _c("name", _lazy("Name")),
            _c("relationship", _lazy("Relationship")),
            _c("financially_responsible", _lazy("Pays charges"), YESNO),
            _c("signed_on", _lazy("Signed on"), DAY),
            _c("phone", _lazy("Telephone")),
            _c("linked_to_their_own_card", _lazy("Linked to their own card"), YESNO),
        ),
    ),
    "guardian_of": Section(
        _lazy("Cards you are responsible for"),
        _lazy("Other cards on which you are named as the responsible adult."),
        (
            _c("relationship", _lazy("Relationship")),
            _c("financially_responsible", _lazy("Pays charges"), YESNO),
            _c("signed_on", _lazy("Signed on"), DAY),
        ),
    ),
    "authorizations": Section(
        _lazy("People you allowed to ask about you"),
        _lazy("Your written permissions for someone else to be told parts of your record."),
        (
            _c("person", _lazy("Person")),
            _c("fields", _lazy("May be told"), FIELDS),
            _c("signed_on", _lazy("Given on"), DAY),
            _c("expires_on", _lazy("Until"), DAY),
            _c("revoked_at", _lazy("Withdrawn"), MOMENT),
            _c("made_in_portal", _lazy("Given online"), YESNO),
        ),
    ),
    "notice_choices": Section(
        _lazy("How the library contacts you"),
        _lazy("Your choices for notices about due dates and holds."),
        (
            _c("channel", _lazy("Notices by")),
            _c("titles_in_notices", _lazy("Titles named in notices"), YESNO),
            _c("preferred_language", _lazy("Language")),
        ),
        single=True,
    ),
    "concerns": Section(
        _lazy("Messages to the Director"),
        _lazy("Complaints and questions you sent about how your records are handled."),
        (
            _c("sent_at", _lazy("Sent"), MOMENT),
            _c("topic", _lazy("About"), TOPIC),
            _c("message", _lazy("Your message")),
            _c("status", _lazy("Status")),
            _c("answer_due_on", _lazy("Answer due"), DAY),
            _c("answer", _lazy("Answer")),
            _c("answered_at", _lazy("Answered"), MOMENT),
        ),
    ),
}


def status_note(key: str, status: str) -> str:
    if status == WITHHELD:
        return _(
            "The library's policy does not release this part of your record online. "
            "Ask at the desk, with photo identification."
        )
    if status == NOT_KEPT:
        if key == "reading_history":
            return _(
                "You have not asked the library to keep your reading history, so none is kept."
            )
        return _("The library does not keep this.")
    return ""


def shown(value, kind: str, zone=None) -> str:
    """A value as a person reads it, for the PDF and the printable page."""
    if value is None or value == "":
        return "—" if kind != YESNO else ""
    if kind == MOMENT:
        # Put in the library's zone here, once looked up, not by `when` for each of
        # thousands of values (it looks the zone up every time).
        moment = dt.datetime.fromisoformat(value).astimezone(
            zone or timezone.get_current_timezone()
        )
        return when(moment.replace(tzinfo=None))
    if kind == DAY:
        return day(value)
    if kind == MONEY:
        return f"${value}"
    if kind == YESNO:
        return _("Yes") if value else _("No")
    if kind == FIELDS:
        return ", ".join(word_for(f, "field") for f in value)
    if kind == TOPIC:
        return str(TOPICS.get(value, TOPICS["other"]))
    return str(value)


# ---- JSON -------------------------------------------------------------------------------


def as_json(takeout: Takeout) -> dict:
    categories = {}
    for c in takeout.categories:
        section = SECTIONS[c.key]
        entry = {
            "label": str(section.label),
            "status": c.status,
            "note": status_note(c.key, c.status),
        }
        entry["details" if section.single else "records"] = c.data
        categories[c.key] = entry
    return {
        "format": FORMAT,
        "version": VERSION,
        "library": takeout.library,
        "generated_at": takeout.generated_at.isoformat(),
        "patron_ref": takeout.patron_ref,
        "policy": {"outcome": takeout.outcome, "clauses": list(takeout.clauses)},
        "categories": categories,
    }


def json_bytes(takeout: Takeout) -> bytes:
    # Compact: with `indent` the json module falls back to its pure-Python encoder, several
    # times slower on ten years of history; any JSON viewer indents it for a reader.
    return json.dumps(as_json(takeout), ensure_ascii=False, separators=(",", ":")).encode()


# ---- the printable page -----------------------------------------------------------------


def page_sections(takeout: Takeout) -> list[dict]:
    """What the printable page and the PDF show, category by category, in words."""
    out = []
    zone = timezone.get_current_timezone()
    for c in takeout.categories:
        section = SECTIONS[c.key]
        # Headings translated once a section, not once a cell.
        columns = [(k, str(h), kind) for k, h, kind in section.columns]
        item = {
            "key": c.key,
            "label": section.label,
            "about": section.about,
            "status": c.status,
            "note": status_note(c.key, c.status),
            "headings": [h for _k, h, _kind in columns],
            "pairs": [],
            "rows": [],
        }
        if c.status == INCLUDED and section.single:
            item["pairs"] = [(h, shown(c.data.get(k), kind, zone)) for k, h, kind in columns]
        elif c.status == INCLUDED:
            # Each cell with its heading: the phone-width table shows it beside the value.
            item["rows"] = [
                [(h, shown(r.get(k), kind, zone)) for k, h, kind in columns] for r in c.data
            ]
        out.append(item)
    return out


# ---- PDF --------------------------------------------------------------------------------

# A Unicode font when the system has one (titles and names in any script); otherwise the
# PDF core font, which covers English and Spanish, anything else replaced.
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def _unicode_font() -> tuple[Path, Path] | None:
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


class _Pdf(FPDF):
    def __init__(self, title: str):
        super().__init__(format="Letter")
        self.doc_title = title
        font = _unicode_font()
        if font:
            self.add_font("Body", "", str(font[0]))
            self.add_font("Body", "B", str(font[1]))
            self.body_font, self.any_script = "Body", True
        else:
            self.body_font, self.any_script = "Helvetica", False
        self.set_title(title)
        self.set_creator("Custodian")
        self.set_auto_page_break(auto=True, margin=16)
        self.add_page()

    def clean(self, value) -> str:
        value = str(value)
        if self.any_script:
            return value
        return value.replace("—", "-").encode("latin-1", "replace").decode("latin-1")

    def footer(self):
        self.set_y(-12)
        self.set_font(self.body_font, "", 8)
        self.cell(0, 6, self.clean(f"{self.doc_title} · {self.page_no()}"), align="C")

    def line_of(self, value, *, size=10, style="", gap=5):
        self.set_font(self.body_font, style, size)
        self.multi_cell(0, gap, self.clean(value), new_x="LMARGIN", new_y="NEXT")

    def record(self, pairs: list[str]) -> None:
        """One record: its "heading: value" pairs packed into as few lines as fit.

        A line that fits is a `cell`, some twenty times cheaper in fpdf2 than `multi_cell`
        (which measures and breaks the text itself): ten years of history stays seconds.
        """
        self.set_font(self.body_font, "", 9)
        gap, line, width = self.get_string_width(" · "), [], 0.0
        for pair in (self.clean(p) for p in pairs):
            size = self.get_string_width(pair)
            if line and width + gap + size > self.epw:
                self._put(" · ".join(line))
                line, width = [], 0.0
            line.append(pair)
            width += (gap if len(line) > 1 else 0) + size
        if line:
            self._put(" · ".join(line))
        self.ln(1.2)

    def _put(self, text: str) -> None:
        if self.get_string_width(text) <= self.epw:
            self.cell(0, 4.6, text, new_x="LMARGIN", new_y="NEXT")
        else:  # one pair longer than a line (a long question or message): let it wrap
            self.multi_cell(0, 4.6, text, new_x="LMARGIN", new_y="NEXT")


def pdf_bytes(takeout: Takeout) -> bytes:
    title = _("Everything %(library)s holds about you") % {"library": takeout.library}
    pdf = _Pdf(title)
    pdf.line_of(title, size=15, style="B", gap=8)
    pdf.line_of(_("Made on %(moment)s.") % {"moment": when(takeout.generated_at)})
    for s in page_sections(takeout):
        pdf.ln(3)
        pdf.line_of(s["label"], size=12, style="B", gap=7)
        pdf.line_of(s["about"], size=9)
        if s["note"]:
            pdf.line_of(s["note"])
        elif s["pairs"]:
            for heading, value in s["pairs"]:
                pdf.line_of(f"{heading}: {value}")
        elif not s["rows"]:
            pdf.line_of(_("Nothing on record."))
        else:
            for row in s["rows"]:
                # One record a paragraph, each value after its heading: readable at any width.
                pdf.record([f"{h}: {v}" for h, v in row if v and v != "—"])
    return bytes(pdf.output())
