"""The statistics' tally for a generated library: what the desks would have counted.

Runs last, once every record is written. Each act is one set-based statement:

    INSERT INTO statistics_tally (...) SELECT act, branch, year, month, collection,
        item_type, band, count(*) FROM <records> GROUP BY ... ON CONFLICT ... DO UPDATE

so a library of millions of loans costs a handful of queries. The SELECT is built by the
ORM (its year and month are the library's local calendar, on SQLite and PostgreSQL alike).

Age bands: the patron's age is sealed in the records; the generator still knows each
patron's age (`ctx.p_age`), so a temporary table maps patron id to band for the statements
that join a patron. History kept only as anonymous counts (CirculationCount: returned loans,
no patron) is counted with the band "unknown", as a real library's counts from before the
statistics were kept would be; its returns are dated by their check-out month, the only date
such a count keeps.
"""

from django.db import connection
from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from custodian.records.models import (
    CirculationCount,
    ComputerSession,
    Hold,
    InterlibraryLoanRequest,
    Loan,
    ProgramRegistration,
    RoomBooking,
)
from custodian.statistics.services import UNKNOWN, current
from custodian.synth.context import Context
from custodian.synth.progress import Tracker

BANDS = "synth_stat_band"
_DROP_BANDS = "DROP TABLE IF EXISTS synth_stat_band"
_INSERT_BAND = "INSERT INTO synth_stat_band VALUES (%s, %s)"
_UPSERT = (
    "INSERT INTO statistics_tally"
    " (act, branch_id, year, month, collection, item_type, age_band, n)"
    " SELECT %s, s.br, s.y, s.m, s.col, s.typ, s.band, s.n FROM ({select}) s WHERE true"
    " ON CONFLICT (act, branch_id, year, month, collection, item_type, age_band)"
    " DO UPDATE SET n = statistics_tally.n + excluded.n"
)


def _band_of(table: str):
    """The band of the row's patron (`table` is one of this module's fixed table names)."""
    sql = f"COALESCE((SELECT b.band FROM {BANDS} b WHERE b.patron_id = {table}.patron_id), %s)"  # noqa: S608 - fixed names
    return RawSQL(sql, [UNKNOWN])  # noqa: S611 - no input in it


def _write_bands(ctx: Context) -> None:
    bands = current().bands
    with connection.cursor() as cursor:
        cursor.execute(_DROP_BANDS)
        cursor.execute(
            "CREATE TEMPORARY TABLE synth_stat_band (patron_id bigint PRIMARY KEY, band varchar(16))"
        )
        rows = []
        for index, age in enumerate(ctx.p_age):
            band = UNKNOWN
            for low, high in bands:
                if age >= low and (high is None or age <= high):
                    band = f"{low}+" if high is None else f"{low}-{high}"
                    break
            rows.append((ctx.patron_id(index), band))
            if len(rows) == 10_000:
                cursor.executemany(_INSERT_BAND, rows)
                rows = []
        if rows:
            cursor.executemany(_INSERT_BAND, rows)


def _insert(act: str, queryset) -> None:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(select=sql), [act, *params])


def _grouped(qs, *, branch, moment, band, collection=None, item_type=None, n=None):
    return (
        qs.annotate(
            br=F(branch),
            y=ExtractYear(moment),
            m=ExtractMonth(moment),
            col=Coalesce(F(collection), Value("")) if collection else Value(""),
            typ=Coalesce(F(item_type), Value("")) if item_type else Value(""),
            band=band,
        )
        .values("br", "y", "m", "col", "typ", "band")
        .annotate(n=n if n is not None else Count("*", output_field=IntegerField()))
        .order_by()
    )


def write_statistics(*, ctx: Context, tracker: Tracker | None = None) -> None:
    _write_bands(ctx)
    unknown = Value(UNKNOWN)
    history = _grouped(
        CirculationCount.objects.all(),
        branch="branch_id",
        moment="day",
        band=unknown,
        collection="item__collection",
        item_type="item__item_type",
        n=Sum("checkouts"),
    )
    _insert("checkout", history)
    _insert("return", history)
    current_loans = _grouped(
        Loan.objects.all(),
        branch="branch_id",
        moment="checked_out_at",
        band=_band_of("records_loan"),
        collection="item__collection",
        item_type="item__item_type",
    )
    _insert("checkout", current_loans)
    holds = dict(
        branch="pickup_branch_id",
        moment="placed_at",
        band=_band_of("records_hold"),
        collection="item__collection",
        item_type="item__item_type",
    )
    _insert("hold_placed", _grouped(Hold.objects.all(), **holds))
    _insert("hold_cancelled", _grouped(Hold.objects.filter(status="cancelled"), **holds))
    _insert("hold_expired", _grouped(Hold.objects.filter(status="expired"), **holds))
    _insert("hold_filled", _grouped(Hold.objects.filter(status="filled"), **holds))
    registrations = ProgramRegistration.objects.all()
    band = _band_of("records_programregistration")
    _insert(
        "program_registration",
        _grouped(registrations, branch="program__branch_id", moment="registered_at", band=band),
    )
    _insert(
        "program_attendance",
        _grouped(
            registrations.filter(attended=True),
            branch="program__branch_id",
            moment="program__starts_at",
            band=band,
        ),
    )
    _insert(
        "computer_session",
        _grouped(
            ComputerSession.objects.all(),
            branch="branch_id",
            moment="started_at",
            band=_band_of("records_computersession"),
        ),
    )
    _insert(
        "room_booking",
        _grouped(
            RoomBooking.objects.all(),
            branch="room__branch_id",
            moment="starts_at",
            band=_band_of("records_roombooking"),
        ),
    )
    # A request still tied to its patron counts at their home branch; a closed, anonymous
    # one has no branch left to count at and is not counted.
    _insert(
        "ill_request",
        _grouped(
            InterlibraryLoanRequest.objects.filter(~Q(patron=None)),
            branch="patron__home_branch_id",
            moment="requested_at",
            band=_band_of("records_interlibraryloanrequest"),
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(_DROP_BANDS)
    if tracker is not None:
        tracker.advance(1)
