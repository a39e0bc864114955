"""The SIP2 wire codec: every request round-trips, checksums match the standard's, and any
text at all gives a message or a Sip2Error, never another exception."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodian.sip2.codec import (
    MAX_MESSAGE,
    BadChecksum,
    MalformedMessage,
    Sip2Error,
    checksum,
    encode,
    parse,
)
from custodian.sip2.messages import REQUESTS, RESPONSES, Message

DATE = "20261202    101500"


def by_hand(text: str) -> str:
    """The standard's recipe, spelled out: sum the bytes, low 16 bits, two's complement."""
    total = 0
    for byte in text.encode("ascii"):
        total += byte
    low = total % 65536
    return f"{(65536 - low) % 65536:04X}"


def sample(code: str, layouts=REQUESTS) -> Message:
    fixed = {}
    for name, length in layouts[code]:
        fixed[name] = DATE if length == 18 else ("Y" * length if length < 4 else "0" * length)
    message = Message(code=code, fixed=fixed)
    if code != "97":
        message.add("AO", "MAIN").add("AA", "21234000012345").add("AB", "3900000000001")
        message.add("AF", "first screen line").add("AF", "second screen line")
    return message


@pytest.mark.parametrize("code", sorted(REQUESTS))
@pytest.mark.parametrize("sequence", [None, "0", "7"])
def test_every_request_round_trips(code, sequence):
    message = sample(code)
    wire = encode(message, sequence=sequence)
    assert wire.startswith(code)
    assert "\r" not in wire
    parsed, got_sequence = parse(wire + "\r")
    assert parsed == message
    assert got_sequence == sequence


@pytest.mark.parametrize("code", sorted(RESPONSES))
def test_every_response_round_trips_when_read_as_a_response(code):
    message = sample(code, RESPONSES)
    parsed, sequence = parse(encode(message, sequence="3"), layouts=RESPONSES)
    assert (parsed, sequence) == (message, "3")


def test_checksums_match_the_worked_examples():
    # Worked examples from a published SIP2 client (Sip2 1.1), checked by hand below too.
    one = "09N20160419    12200820160419    122008APReading Room 1|AO830|AB830$28170815|AC|AY2AZ"
    two = "09N20160419    12171320160419    121713APReading Room 1|AO830|AB830$28170815|AC|AY2AZ"
    assert checksum(one) == by_hand(one) == "EB80"
    assert checksum(two) == by_hand(two) == "EB7C"
    # Everything added up, checksum included, is zero modulo 2**16: the standard's check.
    assert (sum(one.encode()) + int("EB80", 16)) % 65536 == 0


def test_encode_appends_sequence_and_checksum_the_standard_way():
    wire = encode(Message(code="94", fixed={"ok": "1"}), sequence="5")
    assert wire == "941AY5AZ" + by_hand("941AY5AZ")
    assert encode(Message(code="96"), sequence=None) == "96AZ" + by_hand("96AZ")


def test_a_good_checksum_is_accepted_and_a_bad_one_refused():
    line = "9900302.00AY1AZ" + by_hand("9900302.00AY1AZ")
    message, sequence = parse(line)
    assert message.fixed == {
        "status_code": "0",
        "max_print_width": "030",
        "protocol_version": "2.00",
    }
    assert sequence == "1"
    damaged = "9900402.00AY1AZ" + by_hand("9900302.00AY1AZ")
    with pytest.raises(BadChecksum) as caught:
        parse(damaged)
    assert caught.value.code == "99"


def test_a_checksum_without_leading_zeros_is_accepted():
    # A client that formats the sum with "%X" drops leading zeros (Sip2 1.1 does).
    prefix = "9300CNkiosk|COsecret|AY1AZ"
    value = int(by_hand(prefix), 16)
    assert parse(prefix + format(value, "X").lower())[0].get("CN") == "kiosk"


def test_no_trailer_at_all_is_fine_and_gives_no_sequence():
    message, sequence = parse("9300CNkiosk|COsecret|CPMAIN|")
    assert message.get("CO") == "secret"
    assert sequence is None


@pytest.mark.parametrize("terminator", ["\r", "\n", "\r\n", ""])
def test_every_terminator_is_accepted(terminator):
    assert parse("9300CNkiosk|COsecret|" + terminator)[0].get("CN") == "kiosk"


def test_a_last_field_without_its_bar_is_kept():
    assert parse("9300CNkiosk|COsecret")[0].fields == {"CN": ["kiosk"], "CO": ["secret"]}


def test_repeated_fields_keep_their_order():
    message, _ = parse("35" + DATE + "AOMAIN|AFone|AAcard|AFtwo|")
    assert message.fields["AF"] == ["one", "two"]


def test_non_ascii_titles_checksum_over_utf8_or_characters():
    text = "17" + DATE + "AOMAIN|ABÉcole des femmes|AY4AZ"
    utf8 = f"{-sum(text.encode('utf-8')) & 0xFFFF:04X}"
    characters = f"{-sum(map(ord, text)) & 0xFFFF:04X}"
    assert utf8 != characters
    for given_checksum in (utf8, characters):
        assert parse(text + given_checksum)[0].get("AB") == "École des femmes"


def test_encode_replaces_what_would_break_the_frame():
    message = Message(
        code="18",
        fixed={
            "circulation_status": "03",
            "security_marker": "00",
            "fee_type": "01",
            "transaction_date": DATE,
        },
    )
    message.add("AJ", "Cats | Dogs\r\nvolume 2")
    wire = encode(message, sequence=None)
    assert parse(wire, layouts=RESPONSES)[0].get("AJ") == "Cats / Dogs  volume 2"


def test_encode_in_latin1_turns_what_latin1_lacks_into_question_marks():
    message = Message(code="36", fixed={"end_session": "Y", "transaction_date": DATE})
    message.add("AF", "Thank you – gracias")
    wire = encode(message, sequence=None, encoding="latin-1")
    assert "Thank you ? gracias" in wire
    assert wire.endswith(checksum(wire[:-4], encoding="latin-1"))


@pytest.mark.parametrize(
    "message",
    [
        Message(code="XX"),  # no such message
        Message(code="94", fixed={}),  # fixed field missing
        Message(code="94", fixed={"ok": "10"}),  # wrong length
        Message(code="94", fixed={"ok": "1", "extra": "x"}),
        Message(code="94", fixed={"ok": "1"}, fields={"A": ["x"]}),
        Message(code="94", fixed={"ok": "1"}, fields={"AZ": ["0000"]}),
    ],
)
def test_encode_refuses_a_message_that_breaks_its_layout(message):
    with pytest.raises(ValueError):
        encode(message, sequence=None)


def test_encode_refuses_a_sequence_that_is_not_one_digit():
    with pytest.raises(ValueError):
        encode(Message(code="96"), sequence="12")


CARD = "21234000012345"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("", "empty"),
        ("\r", "empty"),
        ("01N" + DATE, "unknown command code 01"),  # block patron: not spoken here
        ("94" + "1", "unknown command code 94"),  # a response sent as a request
        ("xyzzy", "unknown command code ??"),
        ("11NN2026", "fixed part is too short"),
        ("11NN" + DATE + "|AO" + DATE, "fixed part is too short"),
        ("23001" + DATE[:17], "fixed part is too short"),
        ("9300CNkiosk|X|", "does not start with a two-character id"),
        ("9300CNkiosk||COpw|", "does not start with a two-character id"),
        ("9300 Nkiosk|", "does not start with a two-character id"),
        ("9300AZ1234|CNkiosk|", "may only come at the end"),
        ("9300AY1|CNkiosk|", "may only come at the end"),
        ("9300CNkiosk|AYx|", "sequence number (AY) is not one digit"),
        ("9300CNkiosk|AY1AZ12G4", "checksum (AZ) is not four hex digits"),
        ("9300CNkiosk|AZ", "checksum (AZ) is not four hex digits"),
        ("9300CNki\x07osk|", "control character (0x07) at position 9"),
        ("9300CNkiosk|\x00", "control character (0x00)"),
        ("9300CN" + "k" * MAX_MESSAGE + "|", f"longer than {MAX_MESSAGE} characters"),
    ],
)
def test_every_malformed_input_says_why(line, words):
    with pytest.raises(MalformedMessage) as caught:
        parse(line)
    assert words in caught.value.reason


@pytest.mark.parametrize(
    "line",
    [
        "23000" + DATE + "AOMAIN|AA" + CARD + "|\x01",
        "23000" + DATE + "AOMAIN|AA" + CARD + "|A",
        "23000" + DATE + "AOMAIN|AA" + CARD + "|AY9x",
        "2" + CARD,
        CARD,
    ],
)
def test_a_reason_never_quotes_the_message(line):
    with pytest.raises(Sip2Error) as caught:
        parse(line)
    assert CARD not in str(caught.value)
    assert CARD[:6] not in str(caught.value)


@given(st.text(max_size=300))
def test_arbitrary_text_gives_a_message_or_a_sip2_error(text):
    try:
        message, sequence = parse(text)
    except Sip2Error:
        return
    assert message.code in REQUESTS
    assert sequence is None or sequence.isdigit()


@given(
    st.sampled_from(sorted(REQUESTS)),
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Z][A-Z0-9]", fullmatch=True).filter(lambda f: f not in ("AY", "AZ")),
            st.text(st.characters(blacklist_categories=["Cc", "Cs"], blacklist_characters="|")),
        ),
        max_size=6,
    ),
    st.one_of(st.none(), st.sampled_from("0123456789")),
)
def test_any_message_we_encode_parses_back(code, fields, sequence):
    message = sample(code)
    message.fields = {}
    for field_id, value in fields:
        message.add(field_id, value)
    parsed, got = parse(encode(message, sequence=sequence))
    assert got == sequence
    assert parsed.code == message.code and parsed.fixed == message.fixed
    if sum(len(field_id) + len(value) + 1 for field_id, value in fields) < 3000:
        assert parsed.fields == message.fields


@pytest.mark.parametrize("tail", ["AY1AZ", "AZ"])
def test_a_trailer_run_into_the_last_field_is_still_the_trailer(tail):
    """A machine that leaves off the last field's "|" must not have "AY1AZ...." read as part
    of its PIN (each such message would count as a wrong PIN toward the card's lock)."""
    text = "2300120261202    134500AOCEN|AA123|AD4719" + tail
    message, sequence = parse(text + checksum(text))
    assert message.fields["AD"] == ["4719"]
    assert sequence == ("1" if tail.startswith("AY") else None)
    with pytest.raises(BadChecksum):  # and its checksum is checked
        parse(text + ("0000" if checksum(text) != "0000" else "0001"))


def test_a_value_that_merely_ends_in_az_and_a_digit_stays_a_value():
    message, _ = parse("9300CNkiosk|COpwAZ12")
    assert message.fields["CO"] == ["pwAZ12"]
