"""Deterministic randomness, barcodes and date arithmetic shared by the phases."""

import datetime as dt
import hashlib
import random
import uuid


def sub_rng(*, seed: int, phase: str) -> random.Random:
    """An independent random stream per phase.

    Each phase draws from its own stream so that changing how one phase uses randomness
    does not shift what every later phase generates for the same seed.
    """
    digest = hashlib.sha256(f"custodian-synth:{seed}:{phase}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def uuid_from(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from `rng`, so patron refs are reproducible for a seed."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def mod10_check_digit(digits: str) -> str:
    """The Luhn (mod 10) check digit library barcodes carry, so scanners reject typos."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def barcodes(*, rng: random.Random, kind: str, institution: str, count: int) -> list[str]:
    """`count` unique 14-digit barcodes: kind (2 patron, 3 item), institution, serial, check.

    That is the Codabar layout most US public libraries print on cards and items.
    """
    serials = rng.sample(range(10**8), count)
    out = []
    for serial in serials:
        body = f"{kind}{institution}{serial:08d}"
        out.append(body + mod10_check_digit(body))
    return out


def years_ago(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_date_for_age(*, rng: random.Random, today: dt.date, age: int) -> dt.date:
    """A birth date on which the person is exactly `age` years old `today`."""
    latest = years_ago(today, age)
    earliest = years_ago(today, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def age_on(*, birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def at(day: dt.date, minutes: int, tz: dt.tzinfo) -> dt.datetime:
    """An aware datetime `minutes` after local midnight of `day` in the library's zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=tz) + dt.timedelta(minutes=minutes)


def opening_minutes(rng: random.Random) -> int:
    """A time of day while a branch is open (9:00-20:00), in minutes after midnight."""
    return 9 * 60 + rng.randrange(11 * 60)
