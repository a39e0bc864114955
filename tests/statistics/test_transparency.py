"""The transparency report (board page, API, `custodian transparency-report`) publishes its
figures with the same suppression as the statistics."""

import pytest

from custodian.disclosure import selectors
from custodian.statistics.suppression import Figure, Mark, Published
from tests.statistics.test_suppression_attack import attack


def _fake(monkeypatch, **counts):
    raw = {
        "year": 2026,
        "total": 0,
        "by_requester_kind": {},
        "by_document_type": {},
        "by_outcome": {},
        "releases": 0,
        "overrides": 0,
    }
    raw.update(counts)
    monkeypatch.setattr(selectors, "transparency_counts", lambda year: raw)
    return raw


def _as_table(published: dict, total, n=10) -> Published:
    """The attacker's view of one breakdown: its figures and the published total."""

    def fig(v):
        if isinstance(v, int):
            return Figure(v, Mark.SHOWN)
        return Figure(-1, Mark.FEWER if v.startswith("fewer") else Mark.WITHHELD)

    cells = tuple((fig(v),) for v in published.values())
    t = fig(total)
    return Published(n, cells, tuple(c[0] for c in cells), (t,), t)


@pytest.mark.django_db
def test_small_figures_are_words_and_a_complement_is_withheld(monkeypatch):
    _fake(
        monkeypatch,
        total=45,
        by_requester_kind={"public": 3, "officer": 30, "parent": 12},
        by_document_type={"none": 40, "subpoena": 5},
        by_outcome={"refused": 45},
        releases=2,
        overrides=0,
    )
    report = selectors.transparency(2026)
    assert report["total"] == 45
    kinds = report["by_requester_kind"]
    assert kinds["public"] == "fewer than 10"
    # With 30 and 12 shown the 3 would follow from 45. Withholding the 12 would leave it
    # "at most 5" (45 - 30 - at least 10); withholding the 30 leaves it anything from 0 to 9.
    assert kinds["officer"] == "withheld" and kinds["parent"] == 12
    assert report["by_document_type"] == {"none": "withheld", "subpoena": "fewer than 10"}
    assert report["by_outcome"] == {"refused": 45}
    assert report["releases"] == "fewer than 10" and report["overrides"] == "fewer than 10"
    assert report["min_cell_size"] == 10 and "fewer than 10" in report["suppression"]


@pytest.mark.django_db
def test_when_one_breakdown_needs_the_total_withheld_all_withhold_it(monkeypatch):
    # 1 + 10 = 11: with the total shown, the 1 is pinned (11 - at least 10 = at most 1, and
    # at least 0): only withholding the total protects it.
    _fake(
        monkeypatch,
        total=11,
        by_requester_kind={"public": 1, "officer": 10},
        by_document_type={"none": 11},
        by_outcome={"refused": 11},
    )
    report = selectors.transparency(2026)
    assert report["total"] == "withheld"
    assert report["by_document_type"] == {"none": "withheld"}
    assert report["by_requester_kind"]["public"] == "fewer than 10"


@pytest.mark.django_db
def test_a_small_year_is_all_words(monkeypatch):
    _fake(monkeypatch, total=4, by_requester_kind={"public": 4}, by_outcome={"refused": 4})
    report = selectors.transparency(2026)
    assert report["total"] == "fewer than 10"
    assert report["by_requester_kind"] == {"public": "fewer than 10"}


@pytest.mark.django_db
def test_the_attacker_recovers_nothing_from_the_published_report(monkeypatch):
    raw = _fake(
        monkeypatch,
        total=60,
        by_requester_kind={"public": 2, "officer": 40, "parent": 11, "attorney": 7},
        by_document_type={"none": 49, "subpoena": 9, "warrant": 2},
        by_outcome={"refused": 58, "released": 2},
    )
    report = selectors.transparency(2026)
    for name in selectors.BREAKDOWNS:
        pub = _as_table(report[name], report["total"])
        # Give the attacker the true values of the figures it must find (the LP needs only
        # the published ones; the true ones are used to judge it).
        truth = list(raw[name].values())
        pub = Published(
            10,
            tuple((Figure(v, f[0].mark),) for v, f in zip(truth, pub.cells, strict=True)),
            tuple(Figure(v, f.mark) for v, f in zip(truth, pub.row_totals, strict=True)),
            (Figure(60, pub.total.mark),),
            Figure(60, pub.total.mark),
        )
        assert attack(pub) == [], name
