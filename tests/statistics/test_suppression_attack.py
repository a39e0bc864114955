"""The attacker's side of small-cell suppression.

From a published table (the figures shown, "fewer than N" for small ones, "withheld" for
those hidden to protect them, and the totals), the attacker bounds each suppressed figure
with linear programming (scipy's `linprog`, independent of the suppression code's own flow
check) and wins if any suppressed figure is pinned to one value, or if a "fewer than N" one
is pinned below N: bounded more tightly than 0 to N-1, the range its words already give.
Hypothesis draws the tables: sparse and dense, tiny and wide, many small cells and few.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodian.statistics.suppression import Mark, Published, suppress, suppress_list

linprog = pytest.importorskip("scipy.optimize").linprog

BIG = 10**9


def lp_bounds(pub: Published) -> dict[tuple, tuple[float, float]]:
    """Minimise and maximise every suppressed figure subject to everything published.

    Unknowns: every suppressed figure. Constraints: each row's cells sum to its total, each
    column's to its total, the row totals and the column totals to the grand total. A
    "fewer than N" figure lies in [0, N-1], a "withheld" one is at least N (the attacker
    knows the rule), a shown one is its number.
    """
    n = pub.min_cell_size
    figs = dict(pub.figures())
    unknown = [pos for pos, f in figs.items() if not f.shown]
    index = {pos: k for k, pos in enumerate(unknown)}
    rows, cols = len(pub.row_totals), len(pub.col_totals)
    lines = []
    for i in range(rows):
        lines.append(([("cell", i, j) for j in range(cols)], ("row", i)))
    for j in range(cols):
        lines.append(([("cell", i, j) for i in range(rows)], ("col", j)))
    lines.append(([("row", i) for i in range(rows)], ("total",)))
    lines.append(([("col", j) for j in range(cols)], ("total",)))
    a_eq, b_eq = [], []
    for parts, total in lines:
        row = [0.0] * len(unknown)
        rhs = 0.0
        for pos in parts:
            if pos in index:
                row[index[pos]] += 1
            else:
                rhs -= figs[pos].value
        if total in index:
            row[index[total]] -= 1
        else:
            rhs += figs[total].value
        if any(row):
            a_eq.append(row)
            b_eq.append(rhs)
    box = [
        (0, n - 1)
        if figs[p].mark is Mark.FEWER
        else (0, BIG)
        if figs[p].mark is Mark.UNPUBLISHED
        else (n, BIG)
        for p in unknown
    ]
    out = {}
    for pos, k in index.items():
        goal = [0.0] * len(unknown)
        goal[k] = 1.0
        low = linprog(goal, A_eq=a_eq or None, b_eq=b_eq or None, bounds=box, method="highs")
        goal[k] = -1.0
        high = linprog(goal, A_eq=a_eq or None, b_eq=b_eq or None, bounds=box, method="highs")
        assert low.status == 0 and high.status == 0, "the true table must be feasible"
        out[pos] = (low.fun, -high.fun)
    return out


def attack(pub: Published, *, strict: bool | None = None) -> list[tuple]:
    """Suppressed figures the attacker pins exactly, and (`strict`, by default the table's
    own claim) "fewer than N" ones it bounds inside 0..N-1 ("at most 2", "at least 1")."""
    n = pub.min_cell_size
    strict = pub.strict if strict is None else strict
    figs = dict(pub.figures())
    found = []
    for pos, (lo, hi) in lp_bounds(pub).items():
        if hi - lo < 0.5:
            found.append(pos)
        elif strict and figs[pos].mark is Mark.FEWER and (lo > 0.5 or hi < n - 1.5):
            found.append(pos)
    return found


def check(pub: Published, cells) -> None:
    n = pub.min_cell_size
    marks = {fig.mark for _, fig in pub.figures()}
    if Mark.UNPUBLISHED in marks:
        # A table with nothing safe to publish: then nothing at all is.
        assert marks == {Mark.UNPUBLISHED}
    for pos, fig in pub.figures():
        if fig.mark is Mark.UNPUBLISHED:
            continue
        # Every figure below N is suppressed and said to be small; no large one is.
        if fig.value < n:
            assert fig.mark is Mark.FEWER, (pos, fig)
        else:
            assert fig.mark is not Mark.FEWER, (pos, fig)
    assert [[f.value for f in row] for row in pub.cells] == cells
    assert attack(pub) == [], f"pinned: {attack(pub)}"


counts = st.one_of(
    st.integers(0, 12), st.integers(0, 40), st.sampled_from([0, 1, 2, 9, 10, 11, 50])
)
tables = st.integers(1, 6).flatmap(
    lambda r: st.integers(1, 6).flatmap(
        lambda c: st.lists(st.lists(counts, min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=tables, n=st.sampled_from([3, 5, 10]))
def test_the_attacker_pins_no_suppressed_figure(cells, n):
    check(suppress(cells, min_cell_size=n), cells)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(counts, min_size=1, max_size=8), n=st.sampled_from([5, 10]))
def test_a_single_list_and_its_total_are_safe_too(values, n):
    figures, total = suppress_list(values, min_cell_size=n)
    pub = suppress([[v] for v in values], min_cell_size=n)
    assert [f.mark for f in figures] == [row[0].mark for row in pub.cells]
    assert total.mark == pub.total.mark
    check(pub, [[v] for v in values])


def test_a_table_whose_labels_alone_give_a_figure_away_is_not_published():
    # Every figure hidden, yet "withheld" (3 or more) on both rows and the right column pins
    # the top-left 1: nothing of this table can be published.
    pub = suppress([[1, 2], [1, 2]], min_cell_size=3)
    assert {f.mark for _, f in pub.figures()} == {Mark.UNPUBLISHED}
    assert pub.total.words(3) == "not published"
    assert attack(pub) == []


def test_a_wide_table_of_big_figures_gets_the_strict_protection():
    cells = [[120, 4, 80, 95], [60, 70, 3, 66], [88, 91, 77, 0], [50, 40, 45, 61]]
    pub = suppress(cells, min_cell_size=10)
    assert pub.strict
    check(pub, cells)
    # Strictly: each small figure could be anything from 0 to 9 as far as anyone can tell.
    for pos, (lo, hi) in lp_bounds(pub).items():
        if dict(pub.figures())[pos].mark is Mark.FEWER:
            assert lo < 0.5 and hi > 8.5


def test_the_attack_pins_a_lone_small_cell_when_only_primary_suppression_is_done():
    """Control: the attacker is not toothless. With the small cell hidden and every total
    shown (primary suppression alone), the row total gives it away."""
    cells = [[3, 40], [25, 30]]
    pub = suppress(cells, min_cell_size=10)
    figs = dict(pub.figures())
    naive = Published(
        10,
        tuple(
            tuple(f if f.value < 10 else type(f)(f.value, Mark.SHOWN) for f in row)
            for row in pub.cells
        ),
        tuple(type(f)(f.value, Mark.SHOWN) for f in pub.row_totals),
        tuple(type(f)(f.value, Mark.SHOWN) for f in pub.col_totals),
        type(pub.total)(pub.total.value, Mark.SHOWN),
    )
    assert attack(naive) == [("cell", 0, 0)]
    # The real suppression hides a complementary cell in its row and its column.
    assert figs[("cell", 0, 0)].mark is Mark.FEWER
    assert sum(1 for f in pub.cells[0] if not f.shown) >= 2
    assert sum(1 for row in pub.cells if not row[0].shown) >= 2
    assert attack(pub) == []
