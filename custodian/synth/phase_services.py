"""Public computers, reference interviews, interlibrary loans, searches and camera footage."""

import datetime as dt

from django.conf import settings

from custodian.circulation.retention import periods
from custodian.records.models import (
    CameraFootage,
    ComputerSession,
    InterlibraryLoanRequest,
    Patron,
    ReferenceInterview,
    SearchRecord,
)
from custodian.synth import catalogue_words as cw
from custodian.synth import words
from custodian.synth.bulk import insert, next_id
from custodian.synth.context import ADULT, CHILD, Context
from custodian.synth.phase_patrons import sealed_rows
from custodian.synth.progress import Tracker
from custodian.synth.rand import at, opening_minutes, sub_rng

WORKSTATIONS = 12
FOOTAGE_DAYS = 30  # routine footage is overwritten after this many days
INCIDENT_HOLD_DAYS = 365  # footage held for an incident report


def retention_cutoff(ctx: Context, key: str) -> dt.datetime:
    """Older than this, the daily retention run (`custodian purge`) would have cut the
    patron link: the generator writes such rows as that run leaves them."""
    return ctx.now - dt.timedelta(days=periods(settings.CUSTODIAN_PROFILE)[key])


def _past_moment(ctx: Context, rng, *, days: int) -> dt.datetime:
    """A time during opening hours on one of the last `days` days (never today)."""
    day = ctx.today - dt.timedelta(days=rng.randint(1, days))
    return at(day, opening_minutes(rng), ctx.tz)


def write_computer_sessions(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="computers")

    cutoff = retention_cutoff(ctx, "computer_sessions_days")

    def session(patron, guest, branch, started, ended, workstation=None):
        workstation = workstation or rng.randint(1, WORKSTATIONS)
        if ended is not None and ended < cutoff:
            patron, guest = None, ""
        return (
            ctx.patron_id(patron) if patron is not None else None,
            guest,
            ctx.branch_ids[branch],
            f"{ctx.branch_codes[branch]}-PC{workstation:02d}",
            started,
            ended,
        )

    def guest_pass():
        return f"GUEST-{rng.randrange(10**6):06d}"

    def rows():
        for index, status in enumerate(ctx.p_status):
            if status != Patron.Status.ACTIVE or ctx.p_age[index] < 8 or rng.random() >= 0.25:
                continue
            for _ in range(1 + int(rng.expovariate(1 / 1.5))):
                branch = ctx.p_branch[index] if rng.random() < 0.85 else rng.randrange(ctx.branches)
                started = _past_moment(ctx, rng, days=90)
                ended = started + dt.timedelta(minutes=rng.randint(10, 120))
                yield session(index, "", branch, started, ended)
                # About one sign-on in seven is a visitor on a guest pass, with no patron.
                if rng.random() < 0.15:
                    started = _past_moment(ctx, rng, days=90)
                    ended = started + dt.timedelta(minutes=rng.randint(10, 60))
                    yield session(None, guest_pass(), rng.randrange(ctx.branches), started, ended)
        # A few sessions are still going on right now.
        active = [
            i
            for i, s in enumerate(ctx.p_status)
            if s == Patron.Status.ACTIVE and ctx.p_group[i] == ADULT
        ]
        # Each on its own workstation: the database allows one open session per machine.
        for branch in range(ctx.branches):
            for number in (1, 2):
                started = ctx.now - dt.timedelta(minutes=rng.randint(5, 55))
                if active and rng.random() < 0.7:
                    patron, guest = active[rng.randrange(len(active))], ""
                else:
                    patron, guest = None, guest_pass()
                yield session(patron, guest, branch, started, None, workstation=number)

    columns = ("patron_id", "guest_pass", "branch_id", "workstation", "started_at", "ended_at")
    insert(ComputerSession, columns, rows(), tracker=tracker, written=ctx.written)


def write_reference_ill_and_searches(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="reference")
    older = [i for i, g in enumerate(ctx.p_group) if g != CHILD]
    if not older:
        return
    channels = ReferenceInterview.Channel.values

    def interviews():
        # Many questions come from people who never give a card number.
        for _ in range(max(5, ctx.patrons // 25)):
            patron = older[rng.randrange(len(older))] if rng.random() < 0.7 else None
            yield (
                ctx.patron_id(patron) if patron is not None else None,
                ctx.branch_ids[rng.randrange(ctx.branches)],
                _past_moment(ctx, rng, days=180),
                rng.choices(channels, weights=(55, 20, 15, 10))[0],
                rng.choice(cw.REFERENCE_QUESTIONS),
            )

    columns = ("patron_id", "branch_id", "asked_at", "channel", "question")
    # The question is sealed at rest (docs/encryption.md), under the library's key.
    interviews_sealed = sealed_rows(
        interviews(), labels={4: "records.referenceinterview.question"}, by_patron=False
    )
    insert(ReferenceInterview, columns, interviews_sealed, tracker=tracker, written=ctx.written)
    statuses = InterlibraryLoanRequest.Status.values

    def ill_requests():
        for _ in range(max(3, ctx.patrons // 33)):
            patron = older[rng.randrange(len(older))]
            title, author = rng.choice(cw.ILL_TITLES)
            requested = _past_moment(ctx, rng, days=180)
            age = (ctx.now - requested).days
            # Recent requests are still under way; old ones have gone back to the lender.
            weights = (50, 30, 15, 0, 5) if age < 14 else (2, 5, 25, 60, 8)
            status = rng.choices(statuses, weights=weights)[0]
            # A closed request keeps its patron only as part of kept reading history.
            closed = status in (
                InterlibraryLoanRequest.Status.RETURNED,
                InterlibraryLoanRequest.Status.CANCELLED,
            )
            yield (
                None if closed and not ctx.p_history[patron] else ctx.patron_id(patron),
                title,
                author,
                rng.choice(words.LENDING_LIBRARIES),
                requested,
                status,
            )

    columns = ("patron_id", "title", "author", "lending_library", "requested_at", "status")
    insert(InterlibraryLoanRequest, columns, ill_requests(), tracker=tracker, written=ctx.written)
    subjects = [subject for _dewey, subject in cw.NONFICTION]

    search_cutoff = retention_cutoff(ctx, "searches_days")

    def searches():
        for _ in range(max(10, ctx.patrons * 3 // 10)):
            patron = older[rng.randrange(len(older))] if rng.random() < 0.6 else None
            if rng.random() < 0.5:
                query = rng.choice(subjects)
            else:
                query = f"{rng.choice(cw.ADJECTIVES)} {rng.choice(cw.NOUNS)}".lower()
            searched = _past_moment(ctx, rng, days=90)
            yield (
                ctx.patron_id(patron) if patron is not None and searched >= search_cutoff else None,
                rng.choice(cw.SEARCH_DATABASES),
                query,
                searched,
            )

    columns = ("patron_id", "database", "query", "searched_at")
    searches_sealed = sealed_rows(
        searches(), labels={2: "records.searchrecord.query"}, by_patron=False
    )
    insert(SearchRecord, columns, searches_sealed, tracker=tracker, written=ctx.written)


def write_camera_footage(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="cameras")
    first = next_id(CameraFootage)
    footage: list[tuple] = []  # (id, branch id, camera, starts_at, ends_at, retain_until, ref)

    def clip(branch: int, camera: str, day: dt.date, retain_until: dt.date) -> None:
        slug = camera.lower().replace("'", "").replace(" ", "-")
        footage.append(
            (
                first + len(footage),
                ctx.branch_ids[branch],
                camera,
                at(day, 8 * 60 + 30, ctx.tz),
                at(day, 20 * 60 + 30, ctx.tz),
                retain_until,
                f"vms://{ctx.branch_codes[branch]}/{slug}/{day.isoformat()}",
            )
        )

    for branch in range(ctx.branches):
        cameras = words.CAMERAS if branch == 0 else words.CAMERAS[:3]
        for camera in cameras:
            for days_ago in range(1, FOOTAGE_DAYS + 1):
                day = ctx.today - dt.timedelta(days=days_ago)
                clip(branch, camera, day, day + dt.timedelta(days=FOOTAGE_DAYS))
    # Older footage survives only where an incident put it on hold, naming who was seen.
    incidents = []
    adults = [i for i, g in enumerate(ctx.p_group) if g == ADULT]
    for _ in range(min(3, ctx.branches * 2)):
        branch = rng.randrange(ctx.branches)
        day = ctx.today - dt.timedelta(days=rng.randint(FOOTAGE_DAYS + 5, 200))
        clip(
            branch, rng.choice(words.CAMERAS[:3]), day, day + dt.timedelta(days=INCIDENT_HOLD_DAYS)
        )
        seen = rng.sample(adults, min(len(adults), rng.randint(1, 2)))
        incidents.extend((footage[-1][0], ctx.patron_id(index)) for index in seen)
    columns = ("id", "branch_id", "camera", "starts_at", "ends_at", "retain_until", "storage_ref")
    insert(CameraFootage, columns, footage, tracker=tracker, written=ctx.written)
    through = CameraFootage.identified_patrons.through
    insert(
        through, ("camerafootage_id", "patron_id"), incidents, tracker=tracker, written=ctx.written
    )
