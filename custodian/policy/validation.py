"""Checking a request against request.schema.json.

jsonschema takes about half a millisecond per request on a small machine, five times the
whole decision budget, so a request is first checked by `looks_valid`, a hand-written
check that only ever accepts requests the schema accepts (tests/policy compares the two
on thousands of random requests). Anything it does not accept goes to jsonschema, which
either finds the problem and names it, or (if the quick check was merely cautious) lets
the request through.
"""

import json
from functools import cache

from custodian.policy.errors import RequestError
from custodian.policy.vocabulary import (
    CHANNELS,
    COURTS,
    EVIDENCE,
    FIELDS,
    INSTRUMENT_TYPES,
    KINDS,
    PURPOSES,
    REVIEWERS,
    SIGNERS,
    request_schema,
)

_FIELDS = frozenset(FIELDS)
_KINDS = frozenset(KINDS)
_CHANNELS = frozenset(CHANNELS)
_EVIDENCE = frozenset(EVIDENCE)
_PURPOSES = frozenset(p for p in PURPOSES if p is not None)
_TYPES = frozenset(INSTRUMENT_TYPES)
_SIGNERS = frozenset(SIGNERS)
_COURTS = frozenset(c for c in COURTS if c is not None)
_TOP = frozenset(request_schema()["properties"])
_REQUESTER = frozenset(("kind", "financially_responsible", "authorization_scope"))
_INSTRUMENT = frozenset(("type", "signed_by", "court", "scope", "nondisclosure"))
_REVIEW = frozenset(
    ("by", "instrument_valid", "counsel_consulted", "board_consulted", "emergency_confirmed")
)


@cache
def _validator():
    # Imported here: jsonschema takes a third of a second to import, and is needed only
    # to name what is wrong with a request the quick check did not accept.
    from jsonschema import Draft202012Validator

    schema = request_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _unique_strings(value, allowed: frozenset) -> bool:
    if type(value) is not list:
        return False
    try:  # `allowed` holds only strings, and only a string equals a string
        return allowed.issuperset(value) and len(set(value)) == len(value)
    except TypeError:  # an unhashable member (a list or an object) is no field name
        return False


def _bool_or_absent(obj: dict, key: str) -> bool:
    return key not in obj or type(obj[key]) is bool


def looks_valid(request) -> bool:
    """True only if the request certainly satisfies request.schema.json.

    It runs before every decision, so the common checks are written out in one function
    (no call per key); a value's type is checked before it is looked up in a set, so an
    unhashable value (a list where a name belongs) is a refusal, never a TypeError.
    """
    if type(request) is not dict or not _TOP.issuperset(request):
        return False
    get = request.get
    requester = get("requester")
    if type(requester) is not dict or not _REQUESTER.issuperset(requester):
        return False
    kind = requester.get("kind")
    if type(kind) is not str or kind not in _KINDS:
        return False
    if len(requester) > 1:
        if not _bool_or_absent(requester, "financially_responsible"):
            return False
        if "authorization_scope" in requester and not _unique_strings(
            requester["authorization_scope"], _FIELDS
        ):
            return False
    channel = get("channel")
    if type(channel) is not str or channel not in _CHANNELS:
        return False
    if "evidence" in request and not _unique_strings(request["evidence"], _EVIDENCE):
        return False
    if "patron" in request:
        patron = request["patron"]
        if type(patron) is not dict or not {"age"}.issuperset(patron):
            return False
        age = patron.get("age", 0)
        if type(age) is not int or not 0 <= age <= 130:
            return False
    purpose = get("purpose")
    if purpose is not None and (type(purpose) is not str or purpose not in _PURPOSES):
        return False
    instrument, review = get("instrument"), get("review")
    if instrument is not None and not _instrument_ok(instrument):
        return False
    if review is not None and not _review_ok(review):
        return False
    requested = get("requested")
    if type(requested) is not list or not requested:
        return False
    try:  # `_FIELDS` holds only strings, and only a string equals a string
        if not _FIELDS.issuperset(requested) or len(set(requested)) != len(requested):
            return False
    except TypeError:  # an unhashable member (a list or an object) is no field name
        return False
    profile = get("profile")
    return type(profile) is str and profile != ""


def _instrument_ok(inst) -> bool:
    if inst is None:
        return True
    if type(inst) is not dict or not _INSTRUMENT.issuperset(inst):
        return False
    kind = inst.get("type")
    signer = inst.get("signed_by", "none")
    court = inst.get("court")
    return (
        type(kind) is str
        and kind in _TYPES
        and type(signer) is str
        and signer in _SIGNERS
        and (court is None or (type(court) is str and court in _COURTS))
        and ("scope" not in inst or _unique_strings(inst["scope"], _FIELDS))
        and _bool_or_absent(inst, "nondisclosure")
    )


def _review_ok(review) -> bool:
    if review is None:
        return True
    if type(review) is not dict or not _REVIEW.issuperset(review):
        return False
    by = review.get("by")
    return (
        type(by) is str
        and by in REVIEWERS
        and all(_bool_or_absent(review, key) for key in _REVIEW if key != "by")
    )


def check_request(request) -> None:
    """Raise RequestError (one line) unless the request satisfies request.schema.json."""
    if looks_valid(request):
        return
    error = next(iter(sorted(_validator().iter_errors(request), key=_error_rank)), None)
    if error is not None:
        raise RequestError(describe(error))


def _error_rank(error):
    # The deepest error says most about what is wrong ("unknown field 'loans.x'").
    return (-len(error.absolute_path), str(error.message))


def describe(error) -> str:
    if error.validator == "oneOf" and error.context:
        # "null or an object": say what is wrong with the object, not that it is not null.
        inner = [e for e in error.context if e.validator != "type" or e.validator_value != "null"]
        if inner:
            return describe(sorted(inner, key=_error_rank)[0])
    where = "/".join(str(p) for p in error.absolute_path)
    value = error.instance
    if error.validator == "enum":
        if where.startswith("requested") or where.endswith("scope") or "scope/" in where:
            return f"unknown field {value!r} at {where}"
        return f"{where or 'request'}: {value!r} is not one of the allowed values"
    plain = {
        "type": f"must be {_kind(error.validator_value)}, not {_short(value)}",
        "minItems": "must name at least one field",
        "uniqueItems": "must not repeat an entry",
        "minimum": f"must be at least {error.validator_value}",
        "maximum": f"must be at most {error.validator_value}",
        "minLength": "must not be empty",
    }
    if error.validator in plain:
        return f"{where or 'request'}: {plain[error.validator]}"
    message = " ".join(error.message.split())
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{where}: {message}" if where else f"request: {message}"


def _kind(expected) -> str:
    names = {
        "object": "an object",
        "array": "a list",
        "string": "a string",
        "integer": "a whole number",
        "boolean": "true or false",
        "null": "null",
    }
    if isinstance(expected, list):
        return " or ".join(names.get(e, e) for e in expected)
    return names.get(expected, expected)


def _short(value) -> str:
    text = json.dumps(value) if not isinstance(value, (set, tuple)) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
