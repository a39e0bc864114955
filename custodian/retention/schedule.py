"""The record categories of the retention schedule, as rows in the database.

For each category (the names are the policy core's, `custodian.policy.retention.CATEGORIES`)
this says which rows have finished their business, from which date the profile's period
counts (`ended`), what "strip" changes (cut the patron link, keep the anonymous row), which
rows still name someone (`linked`: a stripped row is no longer due, so running the purge
again finds nothing twice), and how a legal hold reaches the rows (`patron_path` to the
patron, `hold_on` the record's own date a hold's range applies to).

`purge` (services.py) walks them; the screen and the summary say them in words.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    DateTimeField,
    DecimalField,
    F,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from custodian.circulation.library_use import ILL_CLOSED
from custodian.disclosure.models import Case
from custodian.policy import get_engine
from custodian.policy.retention import CATEGORIES as NAMES
from custodian.policy.retention import MIRRORED, RetentionRule
from custodian.records.models import (
    CameraFootage,
    Charge,
    ComputerSession,
    Hold,
    InterlibraryLoanRequest,
    PastLoan,
    Patron,
    Payment,
    ProgramRegistration,
    ReferenceInterview,
    RoomBooking,
    SearchRecord,
)

CLOSED_HOLDS = ("filled", "cancelled", "expired")
CLOSED_CASES = ("released", "declined", "closed")
AMOUNT = DecimalField(max_digits=10, decimal_places=2)


@dataclass(frozen=True)
class Category:
    name: str
    model: type[Model] | None  # None: nothing to purge (audit entries are kept)
    # Rows whose business is over (given today), whatever their link; None for audit.
    finished: Callable[[dt.date], QuerySet] | None
    ended: str | None  # the field the period counts from
    ended_words: str  # "after the card expired"
    rows_words: str  # "expired cards" (what the rows are, plural)
    patron_path: str | None = "patron"
    hold_on: str | None = None
    # What "strip" sets, and the rows that still name someone (due for a strip).
    strip: dict = field(default_factory=dict)
    linked: Q | None = None


def _settled_charges(today: dt.date) -> QuerySet:
    """Charges paid in full or waived; `settled_at` is the last payment's time."""
    payments = Payment.objects.filter(charge=OuterRef("pk")).order_by().values("charge")
    paid = payments.annotate(total=Sum("amount")).values("total")
    last = payments.annotate(last=Max("paid_at")).values("last")
    return Charge.objects.annotate(
        paid_so_far=Coalesce(Subquery(paid), Value(0), output_field=AMOUNT),
        settled_at=Subquery(last),
    ).filter(paid_so_far__gte=F("amount"), settled_at__isnull=False)


def _patron_link(
    name: str,
    model: type[Model],
    ended: str,
    ended_words: str,
    rows_words: str,
    *,
    finished: Callable[[dt.date], QuerySet] | None = None,
) -> Category:
    """A category whose "strip" cuts only the patron link, counted from `ended`, which is
    also the date a hold's range applies to; every row has finished unless `finished` says."""
    return Category(
        name,
        model,
        finished or (lambda today: model.objects.all()),
        ended,
        ended_words,
        rows_words,
        hold_on=ended,
        strip={"patron": None},
        linked=Q(patron__isnull=False),
    )


CATEGORIES: dict[str, Category] = {
    c.name: c
    for c in (
        Category(
            "registration",
            Patron,
            lambda today: Patron.objects.all(),
            "expires_on",
            "after the card expired",
            "expired cards",
            patron_path="pk",
        ),
        Category(
            "reading_history",
            PastLoan,
            lambda today: PastLoan.objects.all(),
            "returned_at",
            "after each return",
            "opted-in reading history",
            hold_on="checked_out_at",
        ),
        Category(
            "holds",
            Hold,
            lambda today: Hold.objects.filter(status__in=CLOSED_HOLDS),
            "placed_at",
            "after the hold was placed",
            "filled, cancelled or expired holds",
            hold_on="placed_at",
            strip={"patron": None, "item": None},
            linked=Q(patron__isnull=False) | Q(item__isnull=False),
        ),
        Category(
            "charges",
            Charge,
            _settled_charges,
            "settled_at",
            "after it was paid or waived",
            "paid and waived charges",
            hold_on="assessed_at",
            strip={"patron": None, "item": None, "note": ""},
            linked=Q(patron__isnull=False) | Q(item__isnull=False) | ~Q(note=""),
        ),
        Category(
            "programs",
            ProgramRegistration,
            lambda today: ProgramRegistration.objects.all(),
            "program__starts_at",
            "after the program",
            "program sign-ups",
            hold_on="program__starts_at",
        ),
        Category(
            "computer_sessions",
            ComputerSession,
            lambda today: ComputerSession.objects.filter(ended_at__isnull=False),
            "ended_at",
            "after the session ended",
            "public-computer sessions",
            hold_on="started_at",
            strip={"patron": None, "guest_pass": ""},
            linked=Q(patron__isnull=False) | ~Q(guest_pass=""),
        ),
        Category(
            "room_bookings",
            RoomBooking,
            lambda today: RoomBooking.objects.all(),
            "ends_at",
            "after the booking ended",
            "room bookings",
            hold_on="starts_at",
            strip={"patron": None},
            linked=Q(patron__isnull=False),
        ),
        _patron_link(
            "reference_interviews",
            ReferenceInterview,
            "asked_at",
            "after the question was asked",
            "reference questions",
        ),
        _patron_link(
            "ill",
            InterlibraryLoanRequest,
            "requested_at",
            "after the request, once it is returned or cancelled",
            "returned or cancelled interlibrary loans",
            # A patron who keeps reading history keeps their interlibrary loans with it.
            finished=lambda today: InterlibraryLoanRequest.objects.filter(
                status__in=ILL_CLOSED
            ).exclude(patron__keeps_reading_history=True),
        ),
        _patron_link(
            "searches",
            SearchRecord,
            "searched_at",
            "after the search",
            "catalogue and database searches",
        ),
        Category(
            "video",
            CameraFootage,
            # The video system's own retain-until date (set for an incident) is respected too.
            lambda today: CameraFootage.objects.filter(retain_until__lt=today),
            "ends_at",
            "after it was recorded",
            "camera footage",
            patron_path="identified_patrons",
            hold_on="starts_at",
        ),
        Category(
            "cases",
            Case,
            lambda today: Case.objects.filter(status__in=CLOSED_CASES, closed_at__isnull=False),
            "closed_at",
            "after the case closed",
            "closed disclosure cases",
            patron_path=None,  # a case names its patron by ref; see services._case_holds
            hold_on=None,
            linked=Q(request__patron_ref__isnull=False)
            | ~Q(request__scan="")
            | Q(releases__isnull=False) & (~Q(releases__pdf="") | ~Q(releases__json="")),
        ),
        Category(
            "audit",
            None,
            None,
            None,
            "",
            "audit entries",
            patron_path=None,
        ),
    )
}
assert tuple(CATEGORIES) == NAMES, "custodian.policy.retention.CATEGORIES and these must agree"


def rules(profile: str | None = None) -> dict[str, RetentionRule]:
    """The profile's schedule: category -> rule (every category is there; loading checks it)."""
    return get_engine().profile(profile or settings.CUSTODIAN_PROFILE).schedule


def _is_time(category: Category) -> bool:
    if category.name == "charges":
        return True
    model, f = category.model, None
    for part in category.ended.split("__"):
        f = model._meta.get_field(part)
        model = f.related_model or model
    return isinstance(f, DateTimeField)


def cutoff_q(category: Category, rule: RetentionRule, *, now: dt.datetime, before) -> Q:
    """Rows whose period has passed: `ended` more than `days` ago (and before `before`)."""
    if _is_time(category):
        limit = now - dt.timedelta(days=rule.days)
        if before is not None:
            start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
            limit = min(limit, start)
    else:
        limit = timezone.localdate(now) - dt.timedelta(days=rule.days)
        if before is not None:
            limit = min(limit, before)
    return Q(**{f"{category.ended}__lt": limit})


def due(category: Category, rule: RetentionRule, *, now: dt.datetime, before=None) -> QuerySet:
    """The rows the rule applies to now (held rows included; services excludes them)."""
    rows = category.finished(timezone.localdate(now)).filter(
        cutoff_q(category, rule, now=now, before=before)
    )
    if rule.action == "strip" and category.linked is not None:
        rows = rows.filter(category.linked)
    return rows


def what_happens(category: Category, rule: RetentionRule) -> str:
    """The rule as a sentence for a table whose row already names the records, e.g.
    "Made anonymous 1 day after the search (the patron link is cut)."."""
    if rule.action == "keep":
        return "Kept for good."
    what = {"delete": "Deleted", "strip": "Made anonymous"}[rule.action]
    if category.name == "registration":
        what = "The person is erased"
    if category.name == "cases":
        what = "Scans and release packages deleted, the patron link cut,"
    when = f"{_days(rule.days)} {category.ended_words}"
    if rule.days == 0:
        when = f"at the first daily run {category.ended_words}"
    extra = " (the patron link is cut; the rest stays for statistics)"
    return f"{what} {when}{extra if rule.action == 'strip' and category.name != 'cases' else ''}."


def in_words(category: Category, rule: RetentionRule) -> str:
    """The rule in the library's words, naming the records: "Camera footage: deleted 30 days
    after it was recorded."."""
    sentence = what_happens(category, rule)
    return f"{category.rows_words.capitalize()}: {sentence[0].lower()}{sentence[1:]}"


def _days(n: int) -> str:
    if n % 365 == 0 and n >= 365:
        years = n // 365
        return "1 year" if years == 1 else f"{years} years"
    return "1 day" if n == 1 else f"{n:,} days"


def periods(profile: str | None = None) -> dict[str, int]:
    """The flat periods in days older screens read (the privacy page, the generator): the
    link cut at check-in, and the days of the categories they mirror."""
    given = get_engine().profile(profile or settings.CUSTODIAN_PROFILE)
    out = {
        "loan_link_after_return_days": int(given.retention.get("loan_link_after_return_days", 0))
    }
    for key, name in MIRRORED.items():
        out[key] = given.schedule[name].days
    return out
