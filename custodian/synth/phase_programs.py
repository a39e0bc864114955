"""Programs with registration and attendance; meeting rooms and their bookings."""

import datetime as dt
import random

from custodian.records.models import Patron, Program, ProgramRegistration, Room, RoomBooking
from custodian.synth import catalogue_words as cw
from custodian.synth import words
from custodian.synth.bulk import insert, next_id
from custodian.synth.context import ADULT, Context
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
    programs: list[Program] = []
    meta: list[tuple[str, int, int]] = []  # (audience, branch, capacity or 0)
    for branch in range(ctx.branches):
        for title, audience, every, capacity in cw.PROGRAM_SERIES:
            if branch > 0 and rng.random() < 0.35:
                continue  # smaller branches run fewer series
            start_minutes = OPENS + 60 + 30 * rng.randrange(16)
            # Drop-in storytimes take no registrations; everything else does.
            takes_registrations = "Storytime" not in title and "Rhyme" not in title
            day = ctx.today - dt.timedelta(days=PAST_DAYS - rng.randrange(every))
            while day <= ctx.today + dt.timedelta(days=AHEAD_DAYS):
                programs.append(
                    Program(
                        id=first + len(programs),
                        title=title,
                        branch_id=ctx.branch_ids[branch],
                        starts_at=at(day, start_minutes, ctx.tz),
                        capacity=capacity if takes_registrations else None,
                    )
                )
                meta.append((audience, branch, capacity if takes_registrations else 0))
                day += dt.timedelta(days=every)
    insert(Program, programs, tracker=tracker, written=ctx.written)

    def registrations():
        for program, (audience, branch, capacity) in zip(programs, meta, strict=True):
            pool = pools.get((branch, audience), [])
            if not capacity or not pool:
                continue
            wanted = min(len(pool), int(capacity * rng.uniform(0.2, 1.0)))
            happened = program.starts_at < ctx.now
            for index in rng.sample(pool, wanted):
                registered = program.starts_at - dt.timedelta(
                    days=rng.randint(1, 21), hours=rng.randint(0, 9)
                )
                registered = min(registered, ctx.now - dt.timedelta(minutes=rng.randint(5, 600)))
                yield ProgramRegistration(
                    program_id=program.id,
                    patron_id=ctx.patron_id(index),
                    registered_at=registered,
                    # Attendance is known only once the program has taken place.
                    attended=(rng.random() < 0.8) if happened else None,
                )

    insert(ProgramRegistration, registrations(), tracker=tracker, written=ctx.written)


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
    rooms: list[Room] = []
    for branch in range(ctx.branches):
        count = len(words.ROOM_NAMES) if branch == 0 else rng.randint(1, 3)
        for name, capacity in words.ROOM_NAMES[:count]:
            rooms.append(
                Room(
                    id=first + len(rooms),
                    branch_id=ctx.branch_ids[branch],
                    name=name,
                    capacity=capacity,
                )
            )
    insert(Room, rooms, tracker=tracker, written=ctx.written)
    pools = patron_pools(ctx)
    everyone = [
        i
        for i, s in enumerate(ctx.p_status)
        if s == Patron.Status.ACTIVE and ctx.p_group[i] == ADULT
    ]
    branch_of = {room.id: ctx.branch_ids.index(room.branch_id) for room in rooms}

    def bookings():
        if not everyone:
            return
        for room in rooms:
            local = pools.get((branch_of[room.id], ADULT)) or everyone
            for offset in range(-60, 31):
                day = ctx.today + dt.timedelta(days=offset)
                for start, end in _day_of_bookings(rng):
                    pool = local if rng.random() < 0.8 else everyone
                    yield RoomBooking(
                        room_id=room.id,
                        patron_id=ctx.patron_id(pool[rng.randrange(len(pool))]),
                        starts_at=at(day, start, ctx.tz),
                        ends_at=at(day, end, ctx.tz),
                        attendees=rng.randint(1, room.capacity),
                    )

    insert(RoomBooking, bookings(), tracker=tracker, written=ctx.written)
