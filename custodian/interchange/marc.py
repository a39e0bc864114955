"""MARC 21 for the catalogue, read and written with pymarc (docs/import-catalogue.md).

Reading turns each bibliographic record into a `Title` with its `Copy`s (Koha's 952 item
fields, or MARC 852 holdings when a record has no 952) and a list of what is wrong with it,
in words fit to show. Nothing here touches the database: `catalogue_import` checks branch
codes and barcodes against it and writes.
"""

from __future__ import annotations

import re
import xml.sax
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

import pymarc
from pymarc import Field, Leader, MARCReader, Record, Subfield

FORMATS = ("marc", "marcxml")

# The widths of the catalogue's columns (custodian.records.models.Item): a longer value is
# refused with the record's number rather than cut short without a word.
LIMITS = {
    "title": 500,
    "author": 300,
    "call number": 100,
    "collection": 60,
    "item type": 40,
    "barcode": 32,
    "control number": 40,
    "ISBN": 20,
}
PRICE_LIMIT = Decimal("999999.99")  # max_digits=8, decimal_places=2

# Koha's item field (MARC 21 framework): $a home branch, $b holding branch, $8 collection
# code, $y item type, $o full call number, $p barcode, $v replacement price, $g purchase
# price, $0 withdrawn, $1 lost. Loan fields ($q on loan, $l/$m/$n counts, $s last borrowed)
# are never read or written.
KOHA_ITEM = "952"
HOLDINGS = "852"  # MARC holdings: $b location (the branch), $h and $i call number, $p barcode


class MarcFileError(Exception):
    """The file as a whole cannot be read (not MARC, not well-formed XML). One line."""


@dataclass(frozen=True, slots=True)
class Copy:
    """One item on the shelf, as the source system describes it."""

    barcode: str
    branch: str
    call_number: str = ""
    collection: str = ""
    item_type: str = ""
    price: Decimal | None = None
    status: str = "available"  # or "lost", "withdrawn": the only statuses a file sets


@dataclass(slots=True)
class Title:
    """One bibliographic record and its copies. `number` counts from 1 in the file."""

    number: int
    control_number: str = ""
    title: str = ""
    author: str = ""
    isbn: str = ""
    copies: list[Copy] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How an error names the record: its place in the file and its control number."""
        if self.control_number:
            return f"record {self.number} (control number {self.control_number})"
        return f"record {self.number}"


def detect_format(path: Path) -> str:
    """'marcxml' if the file starts like XML, 'marc' if it starts like a MARC leader."""
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "marcxml"
    if len(head) >= 5 and head[:5].isdigit():
        return "marc"
    if not head:
        raise MarcFileError(f"{path.name} is empty")
    raise MarcFileError(
        f"{path.name} is neither binary MARC (it would start with five digits) nor MARCXML"
    )


def read_titles(
    path: Path, *, fmt: str, progress: Callable[[int, int], None] | None = None
) -> Iterator[Title]:
    """Every record in the file, in order, with its problems listed on it.

    A record that cannot be decoded at all comes back as a Title with only a problem.
    `progress(done, total)` is called in bytes of the file read so far.
    """
    if fmt == "marcxml":
        yield from _read_xml(path, progress=progress)
    else:
        yield from _read_binary(path, progress=progress)


def _read_binary(path: Path, *, progress) -> Iterator[Title]:
    size = path.stat().st_size
    with path.open("rb") as handle:
        # permissive: a broken record comes back as None with the reason, and reading goes
        # on, so one run lists every bad record rather than the first.
        reader = MARCReader(handle, to_unicode=True, permissive=True, utf8_handling="strict")
        for number, record in enumerate(reader, start=1):
            if record is None:
                yield Title(number=number, problems=[_unreadable(reader.current_exception)])
            else:
                yield title_of(record, number=number)
            if progress is not None and number % 500 == 0:
                progress(handle.tell(), size)
        if progress is not None:
            progress(size, size)


def _unreadable(error: Exception | None) -> str:
    exceptions = pymarc.exceptions
    if isinstance(error, exceptions.TruncatedRecord):
        return "cannot be read: the file ends in the middle of it (truncated)"
    if isinstance(error, exceptions.RecordLengthInvalid):
        return (
            "cannot be read: its leader does not start with the record's length (five "
            "digits); reading stops here"
        )
    if isinstance(error, exceptions.EndOfRecordNotFound):
        return "cannot be read: it does not end where its leader says; reading stops here"
    if isinstance(error, UnicodeDecodeError):
        return "cannot be read: its text is not valid UTF-8 although its leader says it is"
    reason = str(error).strip().rstrip(".") if error else "unknown reason"
    return f"cannot be read: {reason}"


def _read_xml(path: Path, *, progress) -> Iterator[Title]:
    size = path.stat().st_size
    try:
        with path.open("rb") as handle:
            records = pymarc.parse_xml_to_array(handle, strict=False)
    except xml.sax.SAXParseException as error:
        raise MarcFileError(
            f"{path.name} is not well-formed MARCXML: line {error.getLineNumber()}, "
            f"column {error.getColumnNumber()}: {error.getMessage()}"
        ) from error
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # pymarc's XML handler raises these on records it cannot build (a bad leader).
        raise MarcFileError(f"{path.name} is not MARCXML pymarc can read: {error}") from error
    if progress is not None:
        progress(size, size)
    for number, record in enumerate(records, start=1):
        yield title_of(record, number=number)


# ISBD punctuation that ends a 245 subfield before the next one: " /", " :", " ;", " =",
# and the full stop that ends the field.
_ISBD_TAIL = re.compile(r"[\s/:;=,.]+$")


def _trim(value: str | None) -> str:
    return _ISBD_TAIL.sub("", " ".join((value or "").split()))


def _first(record: Record, tag: str, code: str) -> str:
    for f in record.get_fields(tag):
        value = f.get(code)
        if value and value.strip():
            return value.strip()
    return ""


def title_of(record: Record, *, number: int) -> Title:
    """The Title one MARC record describes, with each problem found in words."""
    t = Title(number=number)
    # Koha's own record number (999 $c) is unique in Koha; 001 often holds a vendor's number
    # that two records can share, so it comes second.
    t.control_number = _first(record, "999", "c")
    if not t.control_number:
        control = record.get("001")
        t.control_number = (control.data or "").strip() if control is not None else ""
    statement = record.get("245")
    main = _trim(statement.get("a")) if statement is not None else ""
    rest = _trim(statement.get("b")) if statement is not None else ""
    t.title = f"{main}: {rest}" if main and rest else main or rest
    for tag in ("100", "110", "111"):
        t.author = _trim(_first(record, tag, "a"))
        if t.author:
            break
    if not t.author and statement is not None:
        t.author = re.sub(r"^(by|edited by)\s+", "", _trim(statement.get("c")), flags=re.I)
    isbn = _first(record, "020", "a")
    t.isbn = isbn.split()[0] if isbn else ""
    if not t.title:
        t.problems.append("no title (245 $a)")
    for name, value in (
        ("title", t.title),
        ("author", t.author),
        ("control number", t.control_number),
        ("ISBN", t.isbn),
    ):
        _check_width(t, name, value, where="")
    items = record.get_fields(KOHA_ITEM)
    if items:
        for position, f in enumerate(items, start=1):
            _add_copy(t, _koha_copy(f), where=f"{KOHA_ITEM} number {position}", f=f)
    else:
        for position, f in enumerate(record.get_fields(HOLDINGS), start=1):
            _add_copy(t, _holdings_copy(f), where=f"{HOLDINGS} number {position}", f=f)
    return t


def _check_width(t: Title, name: str, value: str, *, where: str) -> None:
    if len(value) > LIMITS[name]:
        place = f" in {where}" if where else ""
        t.problems.append(
            f"{name}{place} is {len(value)} characters; the most Custodian keeps is {LIMITS[name]}"
        )


def _koha_copy(f: Field) -> dict:
    price = (f.get("v") or f.get("g") or "").strip()
    status = "available"
    if (f.get("0") or "0").strip() not in ("", "0"):
        status = "withdrawn"
    elif (f.get("1") or "0").strip() not in ("", "0"):
        status = "lost"
    return {
        "barcode": (f.get("p") or "").strip(),
        "branch": (f.get("a") or f.get("b") or "").strip(),
        "branch_code": "$a",
        "call_number": " ".join((f.get("o") or "").split()),
        "collection": (f.get("8") or "").strip(),
        "item_type": (f.get("y") or "").strip(),
        "price": price,
        "status": status,
    }


def _holdings_copy(f: Field) -> dict:
    call = " ".join(" ".join(v for v in (f.get("h"), f.get("i")) if v).split())
    return {
        "barcode": (f.get("p") or "").strip(),
        "branch": (f.get("b") or "").strip(),
        "branch_code": "$b",
        "call_number": call,
        "price": "",
    }


def _add_copy(t: Title, raw: dict, *, where: str, f: Field) -> None:
    before = len(t.problems)
    if not raw["barcode"]:
        t.problems.append(f"item barcode missing in {where} ($p)")
    if not raw["branch"]:
        t.problems.append(f"branch code missing in {where} ({raw['branch_code']})")
    for name, key in (
        ("barcode", "barcode"),
        ("call number", "call_number"),
        ("collection", "collection"),
        ("item type", "item_type"),
    ):
        _check_width(t, name, raw.get(key, ""), where=where)
    price = None
    if raw["price"]:
        try:
            price = Decimal(raw["price"].lstrip("$£€ ").replace(",", ""))
        except InvalidOperation:
            price = None
        if price is None or not price.is_finite() or price < 0 or price > PRICE_LIMIT:
            t.problems.append(f"price {raw['price']!r} in {where} is not an amount of money")
            price = None
        else:
            price = price.quantize(Decimal("0.01"))
    if len(t.problems) == before:
        t.copies.append(
            Copy(
                barcode=raw["barcode"],
                branch=raw["branch"],
                call_number=raw["call_number"],
                collection=raw.get("collection", ""),
                item_type=raw.get("item_type", ""),
                price=price,
                status=raw.get("status", "available"),
            )
        )


# --- writing ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutCopy:
    """What an export writes of one item: catalogue fields only, never a loan or a patron."""

    barcode: str
    branch: str
    call_number: str
    collection: str
    item_type: str
    price: Decimal
    status: str


def build_record(
    *, control_number: str, title: str, author: str, isbn: str, copies: Iterable[OutCopy]
) -> Record:
    """One MARC 21 bibliographic record (UTF-8) with a Koha 952 per copy."""
    record = Record(force_utf8=True, leader=Leader("00000nam a2200000 a 4500"))
    if control_number:
        record.add_field(Field(tag="001", data=control_number))
    if isbn:
        record.add_field(Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", isbn)]))
    if author:
        record.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", author)]))
    record.add_field(
        Field(tag="245", indicators=["1" if author else "0", "0"], subfields=[Subfield("a", title)])
    )
    for c in copies:
        subfields = [Subfield("a", c.branch), Subfield("b", c.branch)]
        for code, value in (("o", c.call_number), ("8", c.collection), ("y", c.item_type)):
            if value:
                subfields.append(Subfield(code, value))
        subfields += [Subfield("p", c.barcode), Subfield("v", f"{c.price:.2f}")]
        if c.status == "withdrawn":
            subfields.append(Subfield("0", "1"))
        elif c.status == "lost":
            subfields.append(Subfield("1", "1"))
        record.add_field(Field(tag=KOHA_ITEM, indicators=[" ", " "], subfields=subfields))
    return record


class MarcWriter:
    """Writes records to an open binary file as binary MARC or as a MARCXML collection."""

    def __init__(self, handle: BinaryIO, *, fmt: str) -> None:
        self.handle = handle
        self.fmt = fmt
        self.xml = pymarc.XMLWriter(handle) if fmt == "marcxml" else None

    def write(self, record: Record) -> None:
        if self.xml is not None:
            self.xml.write(record)
        else:
            self.handle.write(record.as_marc())

    def close(self) -> None:
        if self.xml is not None:
            self.xml.close(close_fh=False)
