"""`past_loans`: exactly as many past loans as asked for, over the opted-in patrons and the
years asked for, the same for a seed, counted anonymously too; impossible counts refused
with nothing written."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import F, Q, Sum

from custodian.records.models import CirculationCount, Loan, PastLoan, Patron
from custodian.records.sealing import card_index
from custodian.synth.generator import generate
from custodian.synth.phase_history import TooManyPastLoans
from tests.synth.conftest import FIXED_NOW

pytestmark = pytest.mark.django_db

PATRONS = 300


class _Rollback(Exception):
    pass


def _snapshot(**kwargs) -> dict:
    """Generate inside a transaction, note what came out, and roll it all back."""
    result: dict = {}
    try:
        with transaction.atomic():
            summary = generate(patrons=PATRONS, now=FIXED_NOW, **kwargs)
            result["summary"] = summary
            # Card numbers are sealed at rest (docs/encryption.md): sorted in Python.
            result["past"] = sorted(
                PastLoan.objects.values_list(
                    "patron__card_number", "item__barcode", "checked_out_at", "returned_at"
                ),
                key=lambda row: (row[0], row[2], row[1]),
            )
            result["returns"] = CirculationCount.objects.aggregate(n=Sum("checkouts"))["n"]
            result["count_rows"] = CirculationCount.objects.count()
            result["reader_past"] = PastLoan.objects.filter(
                patron__card_index=card_index(
                    next(s.card_number for s in summary.showcase if s.label == "reader")
                )
            ).count()
            raise _Rollback
    except _Rollback:
        pass
    return result


def test_exactly_the_past_loans_asked_for_over_the_years_asked_for(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    plain = _snapshot(seed=4)
    asked = _snapshot(seed=4, past_loans=20_000, history_years=4)
    natural = len(plain["past"])
    assert 0 < natural < 20_000
    assert len(asked["past"]) == 20_000 == asked["summary"].written["PastLoan"]
    # Every added return is counted anonymously too, as check-in does; the rows in the
    # summary are the table's rows (counts of the same item, branch and day merge).
    assert asked["returns"] == plain["returns"] + 20_000 - natural
    assert asked["summary"].written["CirculationCount"] == asked["count_rows"]
    # The added loans reach back the four years, not further, and none is in the future.
    oldest = min(row[2] for row in asked["past"])
    newest_return = max(row[3] for row in asked["past"])
    assert (
        FIXED_NOW - dt.timedelta(days=4 * 365 + 1) < oldest < FIXED_NOW - dt.timedelta(days=3 * 365)
    )
    assert newest_return <= FIXED_NOW
    over_two_years = sum(1 for row in asked["past"] if row[3] < FIXED_NOW - dt.timedelta(days=730))
    assert over_two_years > 20_000 * 0.3


def test_the_same_seed_gives_the_same_history_and_another_seed_another(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    first = _snapshot(seed=5, past_loans=3_000)
    again = _snapshot(seed=5, past_loans=3_000)
    other = _snapshot(seed=6, past_loans=3_000)
    assert first["past"] == again["past"]
    assert first["returns"] == again["returns"]
    assert len(other["past"]) == 3_000
    assert first["past"] != other["past"]


def test_fewer_than_planned_keeps_the_showcase_reader_and_zero_means_none(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    plain = _snapshot(seed=4)
    fewer = _snapshot(seed=4, past_loans=len(plain["past"]) - 40)
    assert len(fewer["past"]) == len(plain["past"]) - 40
    assert set(fewer["past"]) < set(plain["past"])
    assert fewer["reader_past"] == plain["reader_past"] >= 40
    # Leaving history out takes nothing from the anonymous counts.
    assert fewer["returns"] == plain["returns"]
    assert _snapshot(seed=4, past_loans=0)["past"] == []


def test_added_history_keeps_the_records_rules(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    generate(patrons=PATRONS, seed=7, now=FIXED_NOW, past_loans=15_000)
    assert PastLoan.objects.count() == 15_000
    assert not PastLoan.objects.filter(patron__keeps_reading_history=False).exists()
    assert not PastLoan.objects.filter(returned_at__lt=F("checked_out_at")).exists()
    assert not PastLoan.objects.filter(returned_at__gt=FIXED_NOW).exists()
    # No one borrowed before registering.
    assert not PastLoan.objects.filter(checked_out_at__date__lt=F("patron__registered_on")).exists()
    # An item out now came back from every earlier borrower before it went out again.
    out_since = dict(Loan.objects.values_list("item_id", "checked_out_at"))
    late = [
        (item, back)
        for item, back in PastLoan.objects.filter(item_id__in=out_since).values_list(
            "item_id", "returned_at"
        )
        if back > out_since[item]
    ]
    assert late == []
    # Spread over the opted-in patrons, not piled on a few.
    opted = Patron.objects.filter(keeps_reading_history=True).count()
    with_history = PastLoan.objects.values("patron_id").distinct().count()
    assert with_history > opted * 0.8


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"past_loans": -1}, "zero or more"),
        ({"past_loans": PATRONS * 5 * 365 + 1}, "even if every one kept a reading history"),
        ({"past_loans": 20_000, "history_years": 0}, "1 to 30 years"),
    ],
)
def test_impossible_requests_are_refused_before_anything_is_written(
    settings, tmp_path, kwargs, words
):
    settings.DATA_DIR = tmp_path
    with pytest.raises(ValueError, match=words):
        generate(patrons=PATRONS, seed=4, now=FIXED_NOW, **kwargs)
    assert not Patron.objects.exists()
    assert not (tmp_path / "demo-patrons.json").exists()


def test_more_than_the_opted_in_patrons_can_have_is_refused_and_nothing_kept(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    # Under the cheap bound (every patron a reader), over what the readers can have.
    with pytest.raises(TooManyPastLoans, match="who keep a reading history can have at most"):
        generate(patrons=PATRONS, seed=4, now=FIXED_NOW, past_loans=PATRONS * 365)
    assert not Patron.objects.exists()
    assert not PastLoan.objects.exists()
    assert not (tmp_path / "demo-patrons.json").exists()


def test_history_years_only_widen_the_window_of_added_loans(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    generate(patrons=PATRONS, seed=8, now=FIXED_NOW, past_loans=8_000, history_years=10)
    oldest = PastLoan.objects.order_by("checked_out_at").first()
    assert oldest.checked_out_at < FIXED_NOW - dt.timedelta(days=8 * 365)
    assert not PastLoan.objects.filter(
        Q(checked_out_at__lt=FIXED_NOW - dt.timedelta(days=10 * 365 + 1))
    ).exists()
