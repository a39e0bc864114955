"""Reading a patron file: Koha's patron CSV, or any CSV with a mapping file (docs/import.md).

Every row becomes a `PatronRow` of checked values, or one line-numbered error per problem.
Errors name the line and the column, never the value when the value is personal (a name, a
card number, an address, a birth date, a PIN): an error message ends up in a terminal's
scrollback, a log, a ticket.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from custodian.records import sealing

# Koha's patron import columns (Tools > Import patrons; the borrowers table), in Koha's own
# order. The export writes all of them, so Koha's importer finds every column it expects.
KOHA_COLUMNS = (
    "cardnumber",
    "surname",
    "firstname",
    "middle_name",
    "title",
    "othernames",
    "initials",
    "streetnumber",
    "streettype",
    "address",
    "address2",
    "city",
    "state",
    "zipcode",
    "country",
    "email",
    "phone",
    "mobile",
    "fax",
    "emailpro",
    "phonepro",
    "dateofbirth",
    "branchcode",
    "categorycode",
    "dateenrolled",
    "dateexpiry",
    "gonenoaddress",
    "lost",
    "debarred",
    "debarredcomment",
    "borrowernotes",
    "sex",
    "password",
    "userid",
    "opacnote",
    "sort1",
    "sort2",
    "privacy",
    "lang",
)

# Custodian's fields, and the Koha column that feeds each.
KOHA_MAPPING = {
    "card_number": "cardnumber",
    "last_name": "surname",
    "first_name": "firstname",
    "birth_date": "dateofbirth",
    "branch": "branchcode",
    "email": "email",
    "phone": "phone",
    "address": "address",
    "address2": "address2",
    "city": "city",
    "state": "state",
    "zipcode": "zipcode",
    "country": "country",
    "registered_on": "dateenrolled",
    "expires_on": "dateexpiry",
    "pin": "password",
    "keeps_reading_history": "privacy",
    # Koha's `lost` (1: the card was reported lost) and `debarred` (restricted until a date).
    "card_lost": "lost",
    "blocked_until": "debarred",
}
# Koha's `privacy`: 0 keeps the patron's reading history forever (their explicit choice),
# 1 is the library's default and 2 never keeps it. Only 0 is an opt-in, only 2 an opt-out;
# the library's default says nothing of the patron's own choice, so it changes nothing.
KOHA_HISTORY_YES = ("0",)
KOHA_HISTORY_NO = ("2",)

FIELDS = tuple(KOHA_MAPPING)
REQUIRED = ("card_number", "last_name", "first_name", "branch")
# The address is kept as one text, a line per part in this order (docs/import.md).
ADDRESS_PARTS = ("address", "address2", "city", "state", "zipcode", "country")

# Words for the error messages: the field, as a librarian says it.
WORDS = {
    "card_number": "card number",
    "last_name": "surname",
    "first_name": "first name",
    "birth_date": "date of birth",
    "branch": "branch code",
    "email": "email address",
    "phone": "phone number",
    "registered_on": "enrolment date",
    "expires_on": "expiry date",
    "pin": "password (PIN)",
    "keeps_reading_history": "reading-history choice",
    "card_lost": "card-reported-lost mark",
    "blocked_until": "restriction end date",
}
# The longest value each sealed column takes (records.Patron).
LONGEST = {"card_number": 32, "first_name": 100, "last_name": 100, "phone": 40, "email": 254}
PIN_LENGTH = range(4, 65)
DEFAULT_YES = ("yes", "y", "true", "1", "x")

# A bcrypt hash as Koha stores it ($2a$), or as other systems do ($2b$, $2y$).
BCRYPT = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}")


class FileError(Exception):
    """The file (or the mapping) cannot be read at all: one line, in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Mapping:
    """Which source column feeds which Custodian field, and how the source writes values."""

    columns: dict[str, str]
    date_format: str = "%Y-%m-%d"
    history_yes: tuple[str, ...] = DEFAULT_YES
    # The words that mean "do not keep"; None: any other word that is not blank.
    history_no: tuple[str, ...] | None = None
    branches: dict[str, str] = field(default_factory=dict)


KOHA = Mapping(columns=dict(KOHA_MAPPING), history_yes=KOHA_HISTORY_YES, history_no=KOHA_HISTORY_NO)


@dataclass(frozen=True, slots=True)
class PatronRow:
    """One checked row. `pin` is clear text or a bcrypt hash; "" when the file has none."""

    line: int
    card_number: str
    first_name: str
    last_name: str
    branch: str
    address: str = ""
    phone: str = ""
    email: str = ""
    birth_date: dt.date | None = None
    registered_on: dt.date | None = None
    expires_on: dt.date | None = None
    pin: str = field(default="", repr=False)
    # None when the file says nothing about it (an update then keeps what the patron chose).
    keeps_reading_history: bool | None = None
    # "card_lost" or "blocked" when the file says so; None: the file says nothing of it.
    status: str | None = None

    @property
    def pin_is_hash(self) -> bool:
        return bool(BCRYPT.fullmatch(self.pin))


@dataclass
class ReadResult:
    rows: list[PatronRow]
    errors: list[str]
    # Source columns with values that no Custodian field takes: named in the summary.
    left_behind: list[str]
    # The Custodian fields the file has a column for: an update changes only these.
    present: frozenset[str] = frozenset()


def load_mapping(path: Path) -> Mapping:
    """A mapping file (TOML): `[columns]` field = "Source column", and optionally
    `date_format`, `reading_history_yes` and `[branches]` (docs/import.md)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError:
        raise FileError(f"cannot read the mapping file {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FileError(f"the mapping file {path} is not valid TOML ({error})") from None
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise FileError('the mapping file needs a [columns] table: field = "Source column"')
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise FileError(
            f"the mapping names fields Custodian does not have: {', '.join(unknown)} "
            f"(known: {', '.join(FIELDS)})"
        )
    if not all(isinstance(v, str) and v for v in columns.values()):
        raise FileError("in [columns], each field names one source column, in quotes")
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise FileError(f"the mapping must say which column holds: {', '.join(missing)}")
    date_format = data.get("date_format", "%Y-%m-%d")
    yes = data.get("reading_history_yes", list(DEFAULT_YES))
    branches = data.get("branches", {})
    if not isinstance(date_format, str) or "%" not in date_format:
        raise FileError('date_format is a strftime pattern such as "%m/%d/%Y"')
    if not isinstance(yes, list) or not all(isinstance(v, str) for v in yes):
        raise FileError('reading_history_yes is a list of words, such as ["Y", "yes"]')
    if not isinstance(branches, dict) or not all(isinstance(v, str) for v in branches.values()):
        raise FileError('[branches] maps a source branch to a branch code: "Main" = "CEN"')
    return Mapping(
        columns=dict(columns),
        date_format=date_format,
        history_yes=tuple(v.strip().lower() for v in yes),
        branches=dict(branches),
    )


def open_csv(path: Path) -> io.TextIOBase:
    try:
        # utf-8-sig: a spreadsheet's byte-order mark is not part of the first column's name.
        return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (the caller closes)
    except OSError:
        raise FileError(f"cannot read the file {path}") from None


def read_rows(lines: Iterable[str], *, mapping: Mapping, branch_codes: Iterable[str]) -> ReadResult:
    """Check every row. Errors are listed for every bad row, so one run shows them all."""
    reader = csv.DictReader(lines)
    try:
        header = reader.fieldnames or []
    except (csv.Error, UnicodeDecodeError) as error:
        raise FileError(f"line 1: the header is not CSV ({error})") from None
    header = [h.strip() for h in header]
    reader.fieldnames = header
    if not header:
        raise FileError("the file is empty: line 1 should name the columns")
    absent = [mapping.columns[f] for f in REQUIRED if mapping.columns[f] not in header]
    if absent:
        raise FileError(f"line 1: the file has no column {', '.join(absent)}")
    used = set(mapping.columns.values())
    unused = [h for h in header if h and h not in used]
    filled: set[str] = set()
    present = {f for f, c in mapping.columns.items() if c in header}
    if present & set(ADDRESS_PARTS):
        present = (present - set(ADDRESS_PARTS)) | {"address"}
    codes = set(branch_codes)
    rows: list[PatronRow] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    line = 1
    try:
        for raw in _records(reader):
            line = raw.pop(None)
            filled.update(c for c in unused if c not in filled and (raw.get(c) or "").strip())
            row, problems = _check(raw, line=line, mapping=mapping, codes=codes)
            if row is not None:
                key = _card_key(row.card_number)
                if key in first_line:
                    problems.append(f"line {line}: the same card number as line {first_line[key]}")
                else:
                    first_line[key] = line
            errors.extend(problems)
            if row is not None and not problems:
                rows.append(row)
    except (csv.Error, UnicodeDecodeError) as error:
        raise FileError(f"line {line + 1}: not readable as CSV ({type(error).__name__})") from None
    left_behind = [c for c in unused if c in filled]
    return ReadResult(rows=rows, errors=errors, left_behind=left_behind, present=frozenset(present))


def _records(reader: csv.DictReader) -> Iterator[dict]:
    """Each row with its line number (the first physical line of the row) under key None."""
    start = reader.line_num + 1
    for raw in reader:
        if any((v or "").strip() for k, v in raw.items() if k is not None):
            clean = {k: v for k, v in raw.items() if k is not None}
            clean[None] = start
            yield clean
        start = reader.line_num + 1


def _card_key(card: str) -> str:
    # As the blind index compares them (spaces ignored).
    return sealing.normalise_card(card)


def _value(raw: dict, mapping: Mapping, name: str) -> str:
    column = mapping.columns.get(name)
    if column is None:
        return ""
    return (raw.get(column) or "").strip()


def _check(raw: dict, *, line: int, mapping: Mapping, codes: set) -> tuple:
    problems: list[str] = []

    def column(name: str) -> str:
        return mapping.columns.get(name, name)

    def say(name: str, what: str) -> None:
        problems.append(f"line {line}: the {WORDS[name]} ({column(name)}) {what}")

    values = {name: _value(raw, mapping, name) for name in FIELDS}
    for name in ("card_number", "last_name", "first_name", "branch"):
        if not values[name]:
            say(name, "is empty")
    for name, longest in LONGEST.items():
        if len(values[name]) > longest:
            say(name, f"is longer than {longest} characters")
    branch = mapping.branches.get(values["branch"], values["branch"])
    if branch and branch not in codes:
        # A branch code is the library's, not the patron's: it may be named.
        say("branch", f"{branch} is not one of this library's branches")
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            say("email", "is not an email address")
    dates = {}
    for name in ("birth_date", "registered_on", "expires_on"):
        text = values[name]
        if not text:
            dates[name] = None
            continue
        try:
            dates[name] = dt.datetime.strptime(text, mapping.date_format).date()
        except ValueError:
            dates[name] = None
            example = dt.date(1987, 2, 13).strftime(mapping.date_format)
            # A birth date is personal; the card's own dates are not.
            shown = "" if name == "birth_date" else f" {text}"
            say(name, f"{shown} is not a date like {example}".lstrip())
    if dates["birth_date"] and dates["birth_date"] > dt.date.today():
        say("birth_date", "is in the future")
    if (
        dates["registered_on"]
        and dates["expires_on"]
        and dates["expires_on"] < dates["registered_on"]
    ):
        say("expires_on", "is before the enrolment date")
    pin = values["pin"]
    if pin and not BCRYPT.fullmatch(pin) and len(pin) not in PIN_LENGTH:
        say("pin", f"must be {PIN_LENGTH.start} to {PIN_LENGTH.stop - 1} characters")
    history = None
    if "keeps_reading_history" in mapping.columns and column("keeps_reading_history") in raw:
        said = values["keeps_reading_history"].lower()
        if said in mapping.history_yes:
            history = True
        elif said and (mapping.history_no is None or said in mapping.history_no):
            history = False
    status = None
    if values["card_lost"] not in ("", "0"):
        status = "card_lost"
    if text := values["blocked_until"]:
        try:
            until = dt.datetime.strptime(text, mapping.date_format).date()
        except ValueError:
            say("blocked_until", f"{text} is not a date")
        else:
            if status is None and until > dt.date.today():
                status = "blocked"
    if problems:
        return None if not values["card_number"] else _partial(values, line), problems
    address = "\n".join(values[p] for p in ADDRESS_PARTS).rstrip("\n")
    return (
        PatronRow(
            line=line,
            card_number=values["card_number"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            branch=branch,
            address=address,
            phone=values["phone"],
            email=values["email"],
            birth_date=dates["birth_date"],
            registered_on=dates["registered_on"],
            expires_on=dates["expires_on"],
            pin=pin,
            keeps_reading_history=history,
            status=status,
        ),
        problems,
    )


def _partial(values: dict, line: int) -> PatronRow:
    # A refused row still takes part in the duplicate-card check.
    return PatronRow(
        line=line, card_number=values["card_number"], first_name="", last_name="", branch=""
    )


def split_address(address: str) -> dict[str, str]:
    """The export's inverse of the import's address lines."""
    parts = (address or "").split("\n")
    if len(parts) > len(ADDRESS_PARTS):
        # An address typed at the desk with more lines: the rest stays on the second line.
        parts = [parts[0], ", ".join(parts[1 : len(parts) - 4]), *parts[-4:]]
    parts += [""] * (len(ADDRESS_PARTS) - len(parts))
    return dict(zip(ADDRESS_PARTS, parts, strict=True))
