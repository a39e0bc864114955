"""Patrons, the parents and guardians responsible for them, and written authorisations."""

import datetime as dt
import functools
import random

from custodian.circulation.services import hash_pin
from custodian.records import sealing
from custodian.records.models import Authorization, DataKey, Patron, ResponsibleParty
from custodian.synth import phase_schedule, words
from custodian.synth.bulk import insert, next_id
from custodian.synth.context import ADULT, CHILD, INSTITUTION, TEEN, Context
from custodian.synth.progress import Tracker
from custodian.synth.rand import barcodes, birth_date_for_age, sub_rng, uuid_from

DEMO_PIN_COUNT = 4
RENEWAL_DAYS = 3 * 365  # cards run three years at a time

# Showcase patrons sit at fixed indices so the demo can point staff at them.
SHOWCASE = {"adult": (0, ADULT, 38), "teen": (1, TEEN, 15), "child": (2, CHILD, 10)}
# Two more for the patron portal, chosen from the patrons the dice made (so no other patron
# changes): an adult who opted in to a reading history, and an adult with their own card who
# is the teen's and the child's guardian. Both active and registered for at least a year.
GUARDIAN_AGES = (30, 60)
PORTAL_TENURE_DAYS = 365
# One card of each kind the desk warns about, at fixed indices when the library has them.
# Their dice are still rolled (then the status overridden), so no other registration changes.
ALERTS = {
    Patron.Status.CARD_LOST: 3,
    Patron.Status.CARD_STOLEN: 4,
    Patron.Status.EXPIRED: 5,
    Patron.Status.BLOCKED: 6,
}
# Statuses the desk says "since" about: the day the card was reported or the account blocked.
DATED = (Patron.Status.CARD_LOST, Patron.Status.CARD_STOLEN, Patron.Status.BLOCKED)

AUTHORISED_FIELDS = (
    "loans.titles",
    "loans.due_dates",
    "holds.titles",
    "holds.count",
    "overdue.status",
    "charges.amount",
)


PATRON_COLUMNS = (
    "id",
    "ref",
    "card_number",
    "pin_hash",
    "first_name",
    "last_name",
    "address",
    "phone",
    "email",
    "birth_date",
    "home_branch_id",
    "status",
    "status_since",
    "keeps_reading_history",
    "registered_on",
    "expires_on",
    "card_index",
    "name_index",
    "last_name_index",
)
KEY_COLUMNS = ("owner_ref", "wrapped", "master_id", "created_at")
PARTY_COLUMNS = (
    "patron_id",
    "name",
    "relationship",
    "financially_responsible",
    "signed_on",
    "phone",
    "guardian_patron_id",
)
AUTHORIZATION_COLUMNS = (
    "patron_id",
    "agent_name",
    "fields",
    "signed_on",
    "expires_on",
    "revoked_at",
)


@functools.cache
def _pin_hash(pin: str) -> str:
    # Argon2 is deliberately slow: each demo PIN is hashed once per process and the hash
    # string shared by every patron who uses that PIN.
    return hash_pin(pin)


def demo_pins(*, seed: int) -> list[str]:
    rng = sub_rng(seed=seed, phase="pins")
    pins: list[str] = []
    while len(pins) < DEMO_PIN_COUNT:
        pin = f"{rng.randrange(10_000):04d}"
        if pin not in pins:
            pins.append(pin)
    return pins


def pin_for_card(card_number: str, pins: list[str]) -> str:
    """Which demo PIN a card uses: chosen by the card's check digit (see docs/generate.md)."""
    return pins[int(card_number[-1]) % len(pins)]


def _group_and_age(rng: random.Random) -> tuple[str, int]:
    roll = rng.random()
    if roll < 0.15:
        return CHILD, rng.randint(2, 12)
    if roll < 0.25:
        return TEEN, rng.randint(13, 17)
    low, high = rng.choices(((18, 24), (25, 44), (45, 64), (65, 92)), weights=(12, 35, 33, 20))[0]
    return ADULT, rng.randint(low, high)


def _status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.015:
        return Patron.Status.CARD_LOST
    if roll < 0.035:
        return Patron.Status.BLOCKED
    if roll < 0.08:
        return Patron.Status.EXPIRED
    return Patron.Status.ACTIVE


def _dates(
    rng: random.Random, *, today: dt.date, age: int, status: str, kept_days: int = RENEWAL_DAYS
) -> tuple[dt.date, dt.date]:
    """(registered_on, expires_on) consistent with the status and the patron's age. An
    expired card expired at most `kept_days` ago (the profile keeps an expired card's
    registration that long; the daily purge would have erased an older one)."""
    span = max(30, min(15 * 365, (age - 2) * 365))
    if status == Patron.Status.EXPIRED:
        # Registered at least one full card period ago, and not renewed since.
        registered = today - dt.timedelta(days=RENEWAL_DAYS + 1 + rng.randrange(span))
        since_expiry = (today - registered).days % RENEWAL_DAYS
        # Registered later within the same card period: it expired within the schedule.
        registered += dt.timedelta(days=since_expiry - since_expiry % (max(kept_days, 0) + 1))
        periods = (today - registered).days // RENEWAL_DAYS
        return registered, registered + dt.timedelta(days=periods * RENEWAL_DAYS)
    registered = today - dt.timedelta(days=1 + rng.randrange(span))
    periods = (today - registered).days // RENEWAL_DAYS + 1
    return registered, registered + dt.timedelta(days=periods * RENEWAL_DAYS)


def _address(rng: random.Random) -> str:
    town, postcode = rng.choice(words.TOWNS)
    street = f"{rng.randint(10, 9999)} {rng.choice(words.STREETS)} {rng.choice(words.STREET_KINDS)}"
    if rng.random() < 0.2:
        street += f" Apt {rng.randint(1, 40)}"
    return f"{street}, {town}, CA {postcode}"


def _phone(rng: random.Random) -> str:
    return f"(707) 555-01{rng.randrange(100):02d}"


def plan_and_write_patrons(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="patrons")
    ctx.patron_id0 = next_id(Patron)
    ctx.cards = barcodes(rng=rng, kind="2", institution=INSTITUTION, count=ctx.patrons)
    ctx.pins = demo_pins(seed=ctx.seed)
    hashes = {pin: _pin_hash(pin) for pin in ctx.pins}
    branches = list(range(ctx.branches))
    forced = {index: (label, group, age) for label, (index, group, age) in SHOWCASE.items()}
    alerts = {index: status for status, index in ALERTS.items() if index < ctx.patrons}
    # Its own stream, so dating the reports shifts nothing else the seed makes.
    since_rng = sub_rng(seed=ctx.seed, phase="status-since")
    kept_days = phase_schedule.kept_days("registration")

    def rows():
        for index in range(ctx.patrons):
            if index in forced:
                label, group, age = forced[index]
                ctx.showcase[label] = index
                status = Patron.Status.ACTIVE
            else:
                group, age = _group_and_age(rng)
                status = _status(rng)
                if index in alerts:
                    status = alerts[index]
                    ctx.alerts[str(status)] = index
            birth = birth_date_for_age(rng=rng, today=ctx.today, age=age)
            registered, expires = _dates(
                rng, today=ctx.today, age=age, status=status, kept_days=kept_days
            )
            since = None
            if status in DATED:
                since = max(registered, ctx.today - dt.timedelta(days=since_rng.randint(1, 120)))
            names = (
                words.OLDER_FIRST_NAMES if age >= 60 and rng.random() < 0.7 else words.FIRST_NAMES
            )
            first, last = rng.choice(names), rng.choice(words.LAST_NAMES)
            history_share = {CHILD: 0.05, TEEN: 0.08, ADULT: 0.14}[group]
            keeps_history = index == SHOWCASE["adult"][0] or rng.random() < history_share
            has_email = rng.random() < {CHILD: 0.0, TEEN: 0.5, ADULT: 0.78}[group]
            email = ""
            if has_email:
                domain = rng.choice(words.EMAIL_DOMAINS)
                email = f"{first}.{last}{rng.randrange(100)}@{domain}".lower()
            phone = _phone(rng) if group != CHILD or rng.random() < 0.2 else ""
            branch = rng.choices(branches, weights=ctx.branch_weights)[0]
            ctx.p_group.append(group)
            ctx.p_age.append(age)
            ctx.p_branch.append(branch)
            ctx.p_status.append(status)
            ctx.p_history.append(keeps_history)
            ctx.p_registered.append(registered)
            ctx.p_last_name.append(last)
            card = ctx.cards[index]
            # Personal fields are sealed under a new data key per patron (docs/encryption.md).
            ref, wrapped, master, cipher = sealing.new_key(uuid_from(rng))
            keys.append((ref, wrapped, master, ctx.now))
            if len(keys) >= KEY_BATCH:
                _write_keys(keys, ctx)

            def sealed(name, value, ref=ref, cipher=cipher):
                return sealing.seal_with(cipher, ref, LABELS[name], value) if value else value

            yield (
                ctx.patron_id0 + index,
                ref,
                sealed("card_number", card),
                hashes[pin_for_card(card, ctx.pins)],
                sealed("first_name", first),
                sealed("last_name", last),
                sealed("address", _address(rng)),
                sealed("phone", phone),
                sealed("email", email),
                sealed("birth_date", birth.isoformat()) if birth else None,
                ctx.branch_ids[branch],
                status,
                since,
                keeps_history,
                registered,
                expires,
                sealing.card_index(card),
                sealing.name_index(last, first),
                sealing.last_name_index(last),
            )

    keys: list[tuple] = []
    insert(Patron, PATRON_COLUMNS, rows(), tracker=tracker, written=ctx.written)
    _write_keys(keys, ctx)
    _pick_portal_patrons(ctx)


KEY_BATCH = 5_000
LABELS = {name: f"records.patron.{name}" for name in PATRON_COLUMNS}


def _write_keys(keys: list[tuple], ctx: Context) -> None:
    """Store the data keys made so far (outside the bar: they are not rows a person counts)."""
    if keys:
        insert(DataKey, KEY_COLUMNS, keys, tracker=Tracker(console=None, estimates={}), written={})
        keys.clear()


def sealed_rows(rows, *, labels: dict, by_patron: bool = True, chunk: int = 1_000):
    """Rows whose first value is a patron id (or None), with the values at the positions in
    `labels` ({position: "records.model.field"}) sealed under that patron's data key, or the
    library's own for no patron or when not `by_patron` (keys opened a chunk at a time: two
    queries per thousand rows)."""
    batch: list[tuple] = []

    def flush():
        ids = {row[0] for row in batch if row[0] is not None and by_patron}
        refs = dict(Patron.objects.filter(pk__in=ids).values_list("pk", "ref"))
        sealing.preload(refs.values())
        for row in batch:
            row = list(row)
            ref = refs[row[0]] if row[0] is not None and by_patron else sealing.LIBRARY_OWNER
            for position, label in labels.items():
                if row[position]:
                    row[position] = sealing.seal(ref, label, row[position])
            yield tuple(row)

    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def _pick_portal_patrons(ctx: Context) -> None:
    """Label the first fitting reader and guardian among the active adults of a year's
    standing; in a library whose dice made no opted-in adult, the first other adult opts in."""
    taken = {*ctx.showcase.values(), *ctx.alerts.values()}
    eligible = [
        index
        for index in range(ctx.patrons)
        if index not in taken
        and ctx.p_group[index] == ADULT
        and ctx.p_status[index] == Patron.Status.ACTIVE
        and (ctx.today - ctx.p_registered[index]).days >= PORTAL_TENURE_DAYS
    ]
    low, high = GUARDIAN_AGES
    guardian = next(
        (i for i in eligible if not ctx.p_history[i] and low <= ctx.p_age[i] <= high),
        next((i for i in eligible if not ctx.p_history[i]), None),
    )
    reader = next((i for i in eligible if ctx.p_history[i]), None)
    if reader is None:
        reader = next((i for i in eligible if i != guardian), None)
        if reader is not None:
            ctx.p_history[reader] = True
            Patron.objects.filter(pk=ctx.patron_id(reader)).update(keeps_reading_history=True)
    if reader is not None:
        ctx.showcase["reader"] = reader
    if guardian is not None:
        ctx.showcase["guardian"] = guardian


def _guardian(ctx: Context) -> tuple[int, str] | None:
    """(patron id, name) of the showcase guardian, whose own card the wards' rows link."""
    index = ctx.showcase.get("guardian")
    if index is None:
        return None
    first, last = Patron.objects.values_list("first_name", "last_name").get(pk=ctx.patron_id(index))
    return ctx.patron_id(index), f"{first} {last}"


def _linked(row: tuple, guardian: tuple[int, str] | None, relationship: str) -> tuple:
    """A ward's responsible-party row as the showcase guardian's: their name, their card."""
    if guardian is None:
        return row
    patron_id, _name, _relationship, _signs, signed_on, phone = row[:6]
    return (patron_id, guardian[1], relationship, True, signed_on, phone, guardian[0])


def _party(rng: random.Random, *, ctx: Context, index: int, relationship: str, signs: bool):
    last = ctx.p_last_name[index] if rng.random() < 0.8 else rng.choice(words.LAST_NAMES)
    return (
        ctx.patron_id(index),
        f"{rng.choice(words.FIRST_NAMES)} {last}",
        relationship,
        signs,
        # Signing for a minor's card happens at registration, hence the date.
        ctx.p_registered[index] if signs else None,
        _phone(rng),
        None,
    )


def write_responsible_parties(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="responsible-parties")
    parent, guardian = ResponsibleParty.Relationship.PARENT, ResponsibleParty.Relationship.GUARDIAN
    caretaker = ResponsibleParty.Relationship.CARETAKER
    # The showcase guardian's own card stands on the teen's and the child's first row (the
    # dice for those rows are still rolled, so every other row stays as the seed made it).
    own_card = _guardian(ctx)
    wards = {ctx.showcase.get("teen"), ctx.showcase.get("child")} - {None}

    def rows():
        for index, group in enumerate(ctx.p_group):
            if index == ctx.showcase.get("teen"):
                row = _party(rng, ctx=ctx, index=index, relationship=guardian, signs=True)
                yield _linked(row, own_card, guardian)
            elif group == CHILD:
                # Every child has someone responsible; the first one signs for the card.
                first = rng.choices((parent, guardian, caretaker), weights=(90, 8, 2))[0]
                row = _party(rng, ctx=ctx, index=index, relationship=first, signs=True)
                yield _linked(row, own_card, guardian) if index in wards else row
                if rng.random() < 0.6:
                    yield _party(
                        rng, ctx=ctx, index=index, relationship=parent, signs=rng.random() < 0.2
                    )
            elif group == TEEN and rng.random() < 0.8:
                relationship = parent if rng.random() < 0.92 else guardian
                yield _party(
                    rng, ctx=ctx, index=index, relationship=relationship, signs=rng.random() < 0.7
                )
            elif group == ADULT and ctx.p_age[index] >= 80 and rng.random() < 0.05:
                yield _party(rng, ctx=ctx, index=index, relationship=caretaker, signs=False)

    labels = {1: "records.responsibleparty.name", 5: "records.responsibleparty.phone"}
    sealed = sealed_rows(rows(), labels=labels)
    insert(ResponsibleParty, PARTY_COLUMNS, sealed, tracker=tracker, written=ctx.written)


def write_authorizations(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="authorizations")

    def rows():
        for index, group in enumerate(ctx.p_group):
            if group != ADULT or rng.random() >= 0.015:
                continue
            span = max(1, (ctx.today - ctx.p_registered[index]).days)
            signed = ctx.p_registered[index] + dt.timedelta(days=rng.randrange(span))
            expires = None
            if rng.random() < 0.6:
                expires = signed + dt.timedelta(days=365 * rng.randint(1, 2))
            revoked = None
            if rng.random() < 0.1:
                days = rng.randrange(max(1, (ctx.today - signed).days))
                revoked = ctx.now - dt.timedelta(days=days, minutes=rng.randrange(600))
            yield (
                ctx.patron_id(index),
                f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}",
                sorted(rng.sample(AUTHORISED_FIELDS, rng.randint(1, 4))),
                signed,
                expires,
                revoked,
            )

    sealed = sealed_rows(rows(), labels={1: "records.authorization.agent_name"})
    insert(Authorization, AUTHORIZATION_COLUMNS, sealed, tracker=tracker, written=ctx.written)
