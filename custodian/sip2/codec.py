"""SIP2's wire form: one line of text to a `Message` and back (docs/sip2-server.md).

A line is a two-digit command code, the fixed fields its layout in `messages.py` gives, then
variable fields (two-character id, value, "|"), then the error-detection trailer: "AY" and a
one-digit sequence number, "AZ" and a four-hex-digit checksum. Both trailer parts are
optional on the way in (a machine configured without error detection sends neither) and the
checksum is checked only when it is there. On the way out AZ is always sent, and AY when the
request carried one (the server echoes the machine's sequence number).

The checksum, as the 3M standard gives it: add up every byte from the first character up
to and including "AZ", keep the low 16 bits, take the two's complement and write it as four
hex digits. Verifying is then adding everything, checksum included, and getting zero.

Text: the standard is ASCII, but real kiosks send titles and names in Latin-1 or UTF-8. The
server decodes each line as UTF-8 and, if that fails, as Windows-1252 (Latin-1 with curly
quotes and dashes where Latin-1 has control codes) and, if even that fails, as Latin-1 (every
byte is a Latin-1 character, so nothing is refused for its encoding); it answers a machine in
the encoding it last spoke. Here the text is already decoded: a checksum is accepted when it
matches the line's UTF-8 or Windows-1252 bytes or its characters taken one by one (the
Latin-1 bytes, and what some clients compute for UTF-8 text).

Errors never quote the message: it carries card numbers and PINs, and error reasons end up
in logs. They give the command code, positions and counts only.
"""

import re

from custodian.sip2.messages import REQUESTS, RESPONSES, Message

MAX_MESSAGE = (
    4096  # characters; the longest real request (a renew with item properties) is far below
)
TERMINATORS = ("\r\n", "\r", "\n")

_LAYOUTS = {**REQUESTS, **RESPONSES}
_FIELD_ID = re.compile(r"[A-Za-z0-9]{2}")
# The trailer sits at a field boundary: right after the fixed part, after a "|", or (for
# AZ) right after "AY<digit>". Some clients drop the checksum's leading zeros: 1-4 digits.
_CHECKSUM = re.compile(r"(?:^|(?<=\|)|(?<=AY\d))AZ([0-9A-Fa-f]{1,4})$")
_CHECKSUM_ID = re.compile(r"(?:^|(?<=\|)|(?<=AY\d))AZ[^|]*$")
_SEQUENCE = re.compile(r"(?:^|(?<=\|))AY(\d)\|?$")
_SEQUENCE_ID = re.compile(r"(?:^|(?<=\|))AY[^|]*\|?$")
# A machine that leaves off its last field's "|" runs the trailer into that field's value
# ("AD4719AY1AZF3F9"): taken as a trailer only in its full form, four hex digits, so a value
# that merely ends in "AZ" and a digit or two stays a value.
_TRAILER_RUN_ON = re.compile(r"(?:AY(\d))?AZ([0-9A-F]{4})$")
_SEQUENCE_RUN_ON = re.compile(r"(?<!\|)AY(\d)$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Sip2Error(Exception):
    """A line the server cannot take as a request; answered with a 96, never with a crash."""


class MalformedMessage(Sip2Error):
    """The line does not follow the standard's layout (`reason` says how, without its text)."""

    def __init__(self, reason: str, *, code: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code


class BadChecksum(Sip2Error):
    """The line carried a checksum (AZ) that does not match its bytes: it was damaged."""

    def __init__(self, *, code: str | None = None):
        super().__init__("the checksum (AZ) does not match the message")
        self.code = code


def checksum(text: str, *, encoding: str = "utf-8") -> str:
    """The four hex digits for `text`, which runs from the command code through "AZ"."""
    return f"{-sum(text.encode(encoding)) & 0xFFFF:04X}"


def _checksum_matches(prefix: str, given: str) -> bool:
    value = int(given, 16)
    if prefix.isascii():  # nearly every line: bytes and characters agree
        return value == -sum(prefix.encode("ascii")) & 0xFFFF
    sums = {
        -sum(prefix.encode("utf-8", "surrogatepass")) & 0xFFFF,
        -sum(ord(c) for c in prefix) & 0xFFFF,
        -sum(prefix.encode("cp1252", "replace")) & 0xFFFF,
    }
    return value in sums


def _strip_terminator(line: str) -> str:
    for terminator in TERMINATORS:
        if line.endswith(terminator):
            return line[: -len(terminator)]
    return line


def parse(line: str, *, layouts: dict = REQUESTS) -> tuple[Message, str | None]:
    """Read one request line (with or without its terminator).

    Returns the message and its AY sequence digit (None when the machine sent none). Raises
    `MalformedMessage` or `BadChecksum`, both `Sip2Error`; nothing else for any text.
    `layouts` is the set of messages to accept: requests (the server) or, for a client or a
    test reading answers, `RESPONSES`.
    """
    line = _strip_terminator(line)
    if not line:
        raise MalformedMessage("the message is empty")
    if len(line) > MAX_MESSAGE:
        raise MalformedMessage(f"the message is longer than {MAX_MESSAGE} characters")
    if found := _CONTROL.search(line):
        raise MalformedMessage(
            f"a control character (0x{ord(found.group()):02X}) at position {found.start() + 1}"
        )
    code = line[:2]
    if code not in layouts:
        shown = code if code.isdigit() and len(code) == 2 else "??"
        raise MalformedMessage(f"unknown command code {shown}")
    layout = layouts[code]
    fixed_length = sum(length for _, length in layout)
    fixed_text = line[2 : 2 + fixed_length]
    if len(fixed_text) < fixed_length or "|" in fixed_text:
        have = len(fixed_text.split("|")[0])
        raise MalformedMessage(
            f"the fixed part is too short: {have} characters where {fixed_length} are needed",
            code=code,
        )
    rest = line[2 + fixed_length :]

    sequence = None
    if found := _CHECKSUM.search(rest):
        prefix = line[: len(line) - len(found.group(1))]
        if not _checksum_matches(prefix, found.group(1)):
            raise BadChecksum(code=code)
        rest = rest[: found.start()]
        if run_on := _SEQUENCE_RUN_ON.search(rest):  # "...AD4719AY1" then AZ: a trailer
            sequence, rest = run_on.group(1), rest[: run_on.start()]
    elif found := _TRAILER_RUN_ON.search(rest):
        if not _checksum_matches(line[:-4], found.group(2)):
            raise BadChecksum(code=code)
        sequence = found.group(1)
        rest = rest[: found.start()]
    elif _CHECKSUM_ID.search(rest):
        raise MalformedMessage("the checksum (AZ) is not four hex digits", code=code)

    if sequence is not None:
        pass  # read with the checksum, as part of the trailer
    elif found := _SEQUENCE.search(rest):
        sequence = found.group(1)
        rest = rest[: found.start()]
    elif _SEQUENCE_ID.search(rest):
        raise MalformedMessage("the sequence number (AY) is not one digit", code=code)

    fields: dict[str, list[str]] = {}
    if rest:
        pieces = rest.split("|")
        if pieces[-1] == "":
            pieces.pop()  # the usual case: the last field ends with "|" like the others
        # A last field without its "|" is taken as it is: some machines leave it off.
        for number, piece in enumerate(pieces, start=1):
            if not _FIELD_ID.fullmatch(piece[:2]):
                raise MalformedMessage(
                    f"variable field {number} does not start with a two-character id",
                    code=code,
                )
            if piece[:2] in ("AY", "AZ"):
                raise MalformedMessage(
                    f"{piece[:2]} may only come at the end of the message", code=code
                )
            fields.setdefault(piece[:2], []).append(piece[2:])

    fixed, at = {}, 0
    for name, length in layout:
        fixed[name] = fixed_text[at : at + length]
        at += length
    return Message(code=code, fixed=fixed, fields=fields), sequence


def _clean(value: str) -> str:
    # A "|" inside a value would end the field early and a line break would end the
    # message: a title may hold either. Replace them rather than refuse to answer.
    return _CONTROL.sub(" ", value.replace("|", "/"))


def encode(message: Message, *, sequence: str | None, encoding: str = "utf-8") -> str:
    """The wire form of `message`, without the terminator (the server adds "\\r").

    Adds "AY<sequence>" when `sequence` is given and always "AZ" and the checksum of the
    line's bytes in `encoding` (characters `encoding` cannot carry become "?" first, so the
    checksum matches what is sent). Raises ValueError for a message that breaks its layout:
    that is a bug in the caller, not something a machine sent.
    """
    layout = _LAYOUTS.get(message.code)
    if layout is None:
        raise ValueError(f"no layout for message code {message.code!r}")
    names = [name for name, _ in layout]
    if extra := set(message.fixed) - set(names):
        raise ValueError(f"message {message.code} has no fixed fields {sorted(extra)}")
    parts = [message.code]
    for name, length in layout:
        value = message.fixed.get(name)
        if value is None:
            raise ValueError(f"message {message.code} lacks its fixed field {name}")
        if len(value) != length or "|" in value or _CONTROL.search(value):
            raise ValueError(
                f"fixed field {name} of message {message.code} must be {length} "
                f"printable characters, not {len(value)}"
            )
        parts.append(value)
    for field_id, values in message.fields.items():
        if not _FIELD_ID.fullmatch(field_id) or field_id in ("AY", "AZ"):
            raise ValueError(f"{field_id!r} is not a variable field id")
        parts.extend(f"{field_id}{_clean(value)}|" for value in values)
    if sequence is not None:
        if not (len(sequence) == 1 and sequence.isdigit()):
            raise ValueError("the sequence number is one digit")
        parts.append(f"AY{sequence}")
    parts.append("AZ")
    text = "".join(parts).encode(encoding, "replace").decode(encoding)
    return text + checksum(text, encoding=encoding)
