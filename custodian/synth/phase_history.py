"""Reading history at any size: exactly `past_loans` past loans over the opted-in patrons.

The circulation plan (phase_loans) gives each opted-in patron the returned loans of the
last two years, about one past loan per patron. Asked for a number (`--past-loans N`), the
generator makes exactly that many: fewer by leaving some out (never the showcase reader's),
more by adding returned loans spread over the last `history_years` years, so a retention
schedule of a year or more finds expired ones to purge.

The added loans are made day by day, oldest first, and streamed to the database in
batches: nothing the size of the history is ever held in memory, only one day's loans. Each
day gets its share of loans in proportion to the opted-in patrons registered by then (every
patron-day of membership is equally likely), so the total is exact. Each returned loan is
also counted anonymously in `CirculationCount`, as check-in does, merged with the counts the
circulation plan wrote for the same item, branch and day.
"""

import bisect
import datetime as dt

from django.db import connection

from custodian.records.models import CirculationCount, Item, PastLoan
from custodian.synth.bulk import BATCH, _flush, _Statement
from custodian.synth.context import PAST_LOANS_PER_PATRON_DAY, Context
from custodian.synth.phase_loans import _first_choice
from custodian.synth.progress import Tracker
from custodian.synth.rand import sub_rng

# Days a returned loan was out: within the loan period, so no fine is owed for it.
KEPT_DAYS = (3, 21)
# Redraws of the item when the one drawn is out now since before the past loan's return.
ITEM_TRIES = 8


class TooManyPastLoans(ValueError):
    """More past loans asked for than the library's opted-in patrons could have."""


def _window(ctx: Context, years: int) -> tuple[list[int], list[int], int]:
    """Opted-in patrons, longest-registered first, their days of membership within the
    window (negated, ascending, for bisect), and the window's length in days."""
    span = years * 365
    opted = sorted(
        (index for index in range(ctx.patrons) if ctx.p_history[index]),
        key=lambda index: (ctx.p_registered[index], index),
    )
    neg_reach = [-min(span, (ctx.today - ctx.p_registered[index]).days) for index in opted]
    return opted, neg_reach, span


def capacity(*, ctx: Context, years: int) -> int:
    """The most past loans the library can hold: one a day of each opted-in patron's
    membership within the window (a returned loan is at least two days old)."""
    _, neg_reach, _ = _window(ctx, years)
    return PAST_LOANS_PER_PATRON_DAY * sum(max(0, -r - 1) for r in neg_reach)


def check(*, ctx: Context, past_loans: int, years: int) -> None:
    """Refuse, before anything more is written, a count the patrons cannot have borrowed."""
    most = capacity(ctx=ctx, years=years)
    if past_loans > most:
        opted = sum(ctx.p_history)
        raise TooManyPastLoans(
            f"{past_loans:,} past loans is more than this library can have: its {opted:,} "
            f"patrons who keep a reading history can have at most {most:,} over the last "
            f"{years} year(s) (one loan a day each). Ask for fewer past loans, more patrons "
            "or more years."
        )


def fit(*, ctx: Context, past_loans: int) -> int:
    """Make the planned history at most `past_loans` long; return how many more to add."""
    natural = len(ctx.past)
    if past_loans >= natural:
        return past_loans - natural
    rng = sub_rng(seed=ctx.seed, phase="reading-history-trim")
    reader = ctx.showcase.get("reader")
    keep_first = [n for n, row in enumerate(ctx.past) if row[0] == reader][:past_loans]
    others = [n for n, row in enumerate(ctx.past) if row[0] != reader]
    chosen = set(keep_first) | set(rng.sample(others, past_loans - len(keep_first)))
    ctx.past = [row for n, row in enumerate(ctx.past) if n in chosen]
    return 0


def _day_shares(*, total: int, neg_reach: list[int], span: int) -> list[tuple[int, int, int]]:
    """(days ago, eligible patrons, loans) for each day, oldest first; loans sum to total."""
    days = [(ago, bisect.bisect_right(neg_reach, -ago)) for ago in range(span, 1, -1)]
    weight = sum(eligible for _, eligible in days)
    shares, before, running = [], 0, 0
    for ago, eligible in days:
        running += eligible
        upto = total * running // weight if weight else 0
        if eligible:
            shares.append((ago, eligible, upto - before))
        before = upto
    return shares


class _Sink:
    """Rows for one table, written in batches as they come."""

    def __init__(self, model, columns, *, tracker: Tracker | None) -> None:
        self.statement = _Statement(model, columns)
        self.tracker = tracker or Tracker(console=None, estimates={})
        self.batch: list[tuple] = []
        self.count = 0
        self.cursor = connection.cursor()

    def add(self, row: tuple) -> None:
        self.batch.append(self.statement.prepare(row))
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.count += self.send(self.batch)
            self.batch = []

    def send(self, batch: list[tuple]) -> int:
        return _flush(self.cursor, self.statement, batch, self.tracker)

    def close(self) -> None:
        self.flush()
        self.cursor.close()


class _CountSink(_Sink):
    """Anonymous check-out counts, added to any count already there for the same key."""

    TEMP = "synth_history_counts"

    def __init__(self, *, tracker: Tracker | None) -> None:
        columns = ("item_id", "branch_id", "day", "checkouts")
        super().__init__(CirculationCount, columns, tracker=None)
        quote = connection.ops.quote_name
        table = quote(CirculationCount._meta.db_table)
        fields = [CirculationCount._meta.get_field(name.removesuffix("_id")) for name in columns]
        names = ", ".join(quote(f.column) for f in fields)
        key = ", ".join(quote(f.column) for f in fields[:3])
        total = quote(fields[3].column)
        merge = f"ON CONFLICT ({key}) DO UPDATE SET {total} = {table}.{total} + EXCLUDED.{total}"
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            # COPY cannot merge: the counts go to a temporary table first, then one
            # set-based INSERT ... ON CONFLICT adds them in.
            self.cursor.execute(f"CREATE TEMPORARY TABLE {self.TEMP} (LIKE {table})")
            self.statement.copy_sql = f"COPY {self.TEMP} ({names}) FROM STDIN"
            self.merge_sql = (
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {self.TEMP} {merge}"  # noqa: S608
            )
        else:
            self.statement.sql = f"{self.statement.sql} {merge}"

    def close(self) -> None:
        self.flush()
        if self.postgres:
            self.cursor.execute(self.merge_sql)
            self.cursor.execute(f"DROP TABLE {self.TEMP}")
        self.cursor.close()


def write_extra_history(*, ctx: Context, extra: int, years: int, tracker: Tracker) -> None:
    """Add `extra` past loans over the last `years` years, streamed day by day."""
    if extra <= 0:
        return
    rng = sub_rng(seed=ctx.seed, phase="reading-history")
    rnd = rng.random
    opted, neg_reach, span = _window(ctx, years)
    unusable = {Item.Status.LOST, Item.Status.WITHDRAWN}
    pools: dict[str, list[int]] = {}
    for index, audience in enumerate(ctx.i_audience):
        if ctx.i_status[index] not in unusable:
            pools.setdefault(audience, []).append(index)
    everything = [item for pool in pools.values() for item in pool]
    # Items out now: a past loan of one came back before its current loan went out.
    out_now = {item: (ctx.today - out.date()).days for _, item, _, out, _, _ in ctx.loans}
    checked_out_at = {item: out for _, item, _, out, _, _ in ctx.loans}
    pid, iid, bid = ctx.patron_id, ctx.item_id, ctx.branch_ids
    groups, homes, branches = ctx.p_group, ctx.p_branch, ctx.branches
    lowest, spread = KEPT_DAYS[0], KEPT_DAYS[1] - KEPT_DAYS[0] + 1
    history = _Sink(
        PastLoan, ("patron_id", "item_id", "checked_out_at", "returned_at"), tracker=tracker
    )
    counts = _CountSink(tracker=tracker)
    one_day = dt.timedelta(days=1)
    for ago, eligible, loans in _day_shares(total=extra, neg_reach=neg_reach, span=span):
        day = ctx.today - dt.timedelta(days=ago)
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=ctx.tz)
        today_counts: dict[int, int] = {}
        for _ in range(loans):
            patron = opted[int(rnd() * eligible)]
            pool = pools.get(_first_choice(rnd, groups[patron])) or everything
            kept = lowest + int(rnd() * spread)
            for _ in range(ITEM_TRIES):
                item = pool[int(rnd() * len(pool))]
                since = out_now.get(item)
                if since is None or ago - kept > since:
                    break
            out = midnight + dt.timedelta(minutes=540 + int(rnd() * 660))
            back = min(out + kept * one_day, ctx.now)
            if since is not None and ago - kept <= since:  # every redraw was out: squeeze it
                back = min(back, checked_out_at[item] - dt.timedelta(hours=1))
                out = min(out, back)
            history.add((pid(patron), iid(item), out, back))
            branch = homes[patron] if rnd() < 0.85 else int(rnd() * branches)
            key = item * branches + branch
            today_counts[key] = today_counts.get(key, 0) + 1
        for key, checkouts in today_counts.items():
            item, branch = divmod(key, branches)
            counts.add((iid(item), bid[branch], day, checkouts))
    history.close()
    counts.close()
    ctx.written["PastLoan"] = ctx.written.get("PastLoan", 0) + history.count
    ctx.written["CirculationCount"] = CirculationCount.objects.count()
