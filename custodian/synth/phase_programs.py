"""Programs with registration and attendance; meeting rooms and their bookings."""

import datetime as dt
import random

from custodian.records.models import Patron, Program, ProgramRegistration, Room, RoomBooking
from custodian.synth import catalogue_words as cw
from custodian.synth import words
from custodian.synth.bulk import insert, next_id
from custodian.synth.context import ADULT, Context
from custodian.synth.phase_services import retention_cutoff
from custodian.synth.progress import Tracker
from custodian.synth.rand import at, sub_rng

PAST_DAYS = 180  # programs and bookings reach this far back
AHEAD_DAYS = 35  # and this far ahead
OPENS, CLOSES = 9 * 60, 20 * 60


def patron_pools(ctx: Context) -> dict[tuple[int, str], list[int]]:
    """Active patrons by (home branch, group), for choosing who takes part in what."""
    pools: dict[tuple[int, str], list[int]] = {}
    for index, status in enumerate(ctx.p_status):
        if status == Patron.Status.ACTIVE:
            pools.setdefault((ctx.p_branch[index], ctx.p_group[index]), []).append(index)
    return pools


def write_programs(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="programs")
    pools = patron_pools(ctx)
    first = next_id(Program)
    programs: list[tuple] = []  # (id, title, branch id, starts_at, capacity)
    meta: list[tuple[str, int, int]] = []  # (audience, branch, capacity or 0), alongside
    for branch in range(ctx.branches):
        for title, audience, every, capacity in cw.PROGRAM_SERIES:
            if branch > 0 and rng.random() < 0.35:
                continue  # smaller branches run fewer series
            start_minutes = OPENS + 60 + 30 * rng.randrange(16)
            # Drop-in storytimes take no registrations; everything else does.
            takes_registrations = "Storytime" not in title and "Rhyme" not in title
            day = ctx.today - dt.timedelta(days=PAST_DAYS - rng.randrange(every))
            while day <= ctx.today + dt.timedelta(days=AHEAD_DAYS):
                starts_at = at(day, start_minutes, ctx.tz)
                limit = capacity if takes_registrations else None
                programs.append(
                    (first + len(programs), title, ctx.branch_ids[branch], starts_at, limit)
                )
                meta.append((audience, branch, limit or 0))
                day += dt.timedelta(days=every)
    columns = ("id", "title", "branch_id", "starts_at", "capacity")
    insert(Program, columns, programs, tracker=tracker, written=ctx.written)

    def registrations():
        for program, (audience, branch, capacity) in zip(programs, meta, strict=True):
            program_id, starts_at = program[0], program[3]
            pool = pools.get((branch, audience), [])
            if not capacity or not pool:
                continue
            wanted = min(len(pool), int(capacity * rng.uniform(0.2, 1.0)))
            happened = starts_at < ctx.now
            for index in rng.sample(pool, wanted):
                ahead = dt.timedelta(days=rng.randint(1, 21), hours=rng.randint(0, 9))
                registered = min(
                    starts_at - ahead, ctx.now - dt.timedelta(minutes=rng.randint(5, 600))
                )
                # Attendance is known only once the program has taken place.
                attended = (rng.random() < 0.8) if happened else None
                yield (program_id, ctx.patron_id(index), registered, attended)

    columns = ("program_id", "patron_id", "registered_at", "attended")
    insert(ProgramRegistration, columns, registrations(), tracker=tracker, written=ctx.written)


def _day_of_bookings(rng: random.Random) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) minute pairs within opening hours for one room and day.

    Each booking starts at or after the previous one ends, so overlaps cannot arise.
    """
    slots = []
    start = OPENS + 30 * rng.randrange(4)
    while start < CLOSES - 60:
        if rng.random() < 0.45:
            end = start + rng.choice((60, 90, 120, 180))
            if end > CLOSES:
                break
            slots.append((start, end))
            start = end + rng.choice((0, 30, 60, 120))
        else:
            start += rng.choice((60, 120))
    return slots


def write_rooms_and_bookings(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="rooms")
    first = next_id(Room)
    rooms: list[tuple[int, int, str, int]] = []  # (id, branch index, name, capacity)
    for branch in range(ctx.branches):
        count = len(words.ROOM_NAMES) if branch == 0 else rng.randint(1, 3)
        for name, capacity in words.ROOM_NAMES[:count]:
            rooms.append((first + len(rooms), branch, name, capacity))
    insert(
        Room,
        ("id", "branch_id", "name", "capacity"),
        ((i, ctx.branch_ids[b], name, cap) for i, b, name, cap in rooms),
        tracker=tracker,
        written=ctx.written,
    )
    pools = patron_pools(ctx)
    adults = [
        i
        for i, s in enumerate(ctx.p_status)
        if s == Patron.Status.ACTIVE and ctx.p_group[i] == ADULT
    ]

    # Ended bookings past the retention period are written as the daily run leaves them.
    cutoff = retention_cutoff(ctx, "room_bookings_days")

    def bookings():
        if not adults:
            return
        for room_id, branch, _name, capacity in rooms:
            local = pools.get((branch, ADULT)) or adults
            for offset in range(-60, 31):
                day = ctx.today + dt.timedelta(days=offset)
                for start, end in _day_of_bookings(rng):
                    pool = local if rng.random() < 0.8 else adults
                    patron = ctx.patron_id(pool[rng.randrange(len(pool))])
                    starts_at, ends_at = at(day, start, ctx.tz), at(day, end, ctx.tz)
                    if ends_at < cutoff:
                        patron = None
                    yield (room_id, patron, starts_at, ends_at, rng.randint(1, capacity))

    columns = ("room_id", "patron_id", "starts_at", "ends_at", "attendees")
    insert(RoomBooking, columns, bookings(), tracker=tracker, written=ctx.written)
