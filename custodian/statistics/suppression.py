"""Small-cell suppression for published tables. Pure Python: no Django, no database.

A table is a grid of counts with its row totals, column totals and grand total. Any figure
(a cell or a total) below the library's `min_cell_size` N is **primary**-suppressed and
shown as "fewer than N" (zero included: a zero is a figure below N too, and publishing it
would tell an attacker more about its neighbours). Then **complementary** suppression hides
enough other figures (each at least N, shown as "withheld") that no suppressed figure can
be worked out from what is published.

"Worked out" is checked exactly, not by a rule of thumb. What an attacker knows is a flow
network: the source sends the grand total to each row (the row totals), each row sends its
cells to the columns, and the columns send their totals to the sink. A published figure is
an edge whose flow is fixed; a "fewer than N" figure an edge with flow in [0, N-1]; a
"withheld" one an edge with flow of at least N (the attacker knows the rule). The integer
solutions of these constraints are exactly the feasible integer flows (the constraint
matrix of a network is totally unimodular, so linear programming would find the same
bounds). A suppressed figure is **safe** when some feasible flow gives it a value other
than its own: it cannot be worked out. Under the **strict** test a "fewer than N" figure
must moreover be able to take every value from 0 to N-1 (nobody learns more than its words
say: not "at most 2", not "at least 1"). `is_pinned` checks one figure with two
maximum-flow runs. `suppress` first applies the classic rule (no row or column with a
single hidden figure), then, while some hidden figure is unsafe, hides the cheapest
rectangle of cells that protects it (or the smallest figure on its lines); hiding more only
widens what an attacker must allow, so a figure found safe stays safe. The strict result is
published when it costs only a few more hidden figures than the plain one.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

INFINITY = 1 << 62


class Mark(Enum):
    SHOWN = "shown"
    FEWER = "fewer"  # primary: below the minimum cell size
    WITHHELD = "withheld"  # complementary: at least the minimum, hidden to protect another
    # A table too small to publish any part of safely (every figure hidden and a small one
    # could still be worked out from the labels alone): no figure says even which side of N.
    UNPUBLISHED = "unpublished"


@dataclass(frozen=True)
class Figure:
    value: int
    mark: Mark

    @property
    def shown(self) -> bool:
        return self.mark is Mark.SHOWN

    def words(self, min_cell_size: int) -> str:
        if self.mark is Mark.FEWER:
            return f"fewer than {min_cell_size}"
        if self.mark is Mark.WITHHELD:
            return "withheld"
        if self.mark is Mark.UNPUBLISHED:
            return "not published"
        return f"{self.value:,}"

    def public(self, min_cell_size: int) -> int | str:
        """The figure as published: the number, or the words that replace it."""
        return self.value if self.shown else self.words(min_cell_size)


@dataclass(frozen=True)
class Published:
    """A table after suppression. `cells[i][j]`, `row_totals[i]`, `col_totals[j]`, `total`."""

    min_cell_size: int
    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...]
    col_totals: tuple[Figure, ...]
    total: Figure
    # True: every "fewer than N" figure could still be anything from 0 to N-1 as far as the
    # table tells. False: only "no suppressed figure can be worked out exactly" holds.
    strict: bool = True

    def figures(self):
        """Every figure with its position: ("cell", i, j), ("row", i), ("col", j), ("total",)."""
        for i, row in enumerate(self.cells):
            for j, fig in enumerate(row):
                yield ("cell", i, j), fig
        for i, fig in enumerate(self.row_totals):
            yield ("row", i), fig
        for j, fig in enumerate(self.col_totals):
            yield ("col", j), fig
        yield ("total",), self.total

    @property
    def suppressed(self) -> int:
        return sum(1 for _, fig in self.figures() if not fig.shown)


# --- the attacker's view: a circulation network --------------------------------------------


class _Flow:
    """Dinic's maximum flow on a small graph (tables have tens of rows and columns)."""

    def __init__(self, nodes: int) -> None:
        self.graph: list[list[int]] = [[] for _ in range(nodes)]
        self.to: list[int] = []
        self.cap: list[int] = []

    def edge(self, u: int, v: int, cap: int) -> int:
        self.graph[u].append(len(self.to))
        self.to.append(v)
        self.cap.append(cap)
        self.graph[v].append(len(self.to))
        self.to.append(u)
        self.cap.append(0)
        return len(self.to) - 2

    def max_flow(self, s: int, t: int) -> int:
        total = 0
        while self._levels(s, t):
            self.it = [0] * len(self.graph)
            while True:
                got = self._push(s, t, INFINITY)
                if not got:
                    break
                total += got
        return total

    def _levels(self, s: int, t: int) -> bool:
        self.level = [-1] * len(self.graph)
        self.level[s] = 0
        queue = deque([s])
        while queue:
            u = queue.popleft()
            for e in self.graph[u]:
                if self.cap[e] > 0 and self.level[self.to[e]] < 0:
                    self.level[self.to[e]] = self.level[u] + 1
                    queue.append(self.to[e])
        return self.level[t] >= 0

    def _push(self, u: int, t: int, pushed: int) -> int:
        if u == t:
            return pushed
        while self.it[u] < len(self.graph[u]):
            e = self.graph[u][self.it[u]]
            v = self.to[e]
            if self.cap[e] > 0 and self.level[v] == self.level[u] + 1:
                got = self._push(v, t, min(pushed, self.cap[e]))
                if got:
                    self.cap[e] -= got
                    self.cap[e ^ 1] += got
                    return got
            self.it[u] += 1
        return 0


def bounds_for(fig: Figure, n: int) -> tuple[int, int]:
    """What the attacker knows of one figure from its published form."""
    if fig.mark is Mark.SHOWN:
        return fig.value, fig.value
    if fig.mark is Mark.FEWER:
        return 0, n - 1
    if fig.mark is Mark.UNPUBLISHED:
        return 0, INFINITY
    return n, INFINITY


def _feasible(edges: list[tuple[int, int, int, int]], nodes: int) -> bool:
    """Is there a circulation with lo <= flow <= hi on every edge (u, v, lo, hi)?"""
    flow = _Flow(nodes + 2)
    ss, tt = nodes, nodes + 1
    excess = [0] * nodes
    for u, v, lo, hi in edges:
        if lo > hi:
            return False
        if hi > lo:
            flow.edge(u, v, hi - lo)
        excess[v] += lo
        excess[u] -= lo
    need = 0
    for node, ex in enumerate(excess):
        if ex > 0:
            flow.edge(ss, node, ex)
            need += ex
        elif ex < 0:
            flow.edge(node, tt, -ex)
    return flow.max_flow(ss, tt) == need


def _network(pub: Published, n: int) -> tuple[dict, list, int]:
    """Nodes: 0 source, 1 sink, rows, columns. Returns (edge index by position, edges, nodes)."""
    rows, cols = len(pub.row_totals), len(pub.col_totals)
    source, sink = 0, 1
    row_node = [2 + i for i in range(rows)]
    col_node = [2 + rows + j for j in range(cols)]
    where: dict[tuple, int] = {}
    edges: list[tuple[int, int, int, int]] = []
    for pos, fig in pub.figures():
        lo, hi = bounds_for(fig, n)
        if pos[0] == "cell":
            u, v = row_node[pos[1]], col_node[pos[2]]
        elif pos[0] == "row":
            u, v = source, row_node[pos[1]]
        elif pos[0] == "col":
            u, v = col_node[pos[1]], sink
        else:
            u, v = sink, source
        where[pos] = len(edges)
        edges.append((u, v, lo, hi))
    return where, edges, 2 + rows + cols


def is_pinned(pub: Published, pos: tuple, network=None, *, strict: bool = False) -> bool:
    """Can an attacker work out the suppressed figure at `pos` from the table? It is safe when
    the table allows it a value other than its own; `strict`: a "fewer than N" figure must
    moreover be able to be anything from 0 to N-1 (the table says no more than its words)."""
    n = pub.min_cell_size
    where, edges, nodes = network or _network(pub, n)
    index = where[pos]
    u, v, lo, hi = edges[index]
    fig = dict(pub.figures())[pos]

    def feasible(a: int, b: int) -> bool:
        trial = list(edges)
        trial[index] = (u, v, a, b)
        return _feasible(trial, nodes)

    if fig.mark is Mark.FEWER and strict:
        return not (feasible(0, 0) and feasible(n - 1, n - 1))
    others = []
    if fig.value - 1 >= lo:
        others.append((lo, fig.value - 1))
    if fig.value + 1 <= hi:
        others.append((fig.value + 1, hi))
    return not any(feasible(a, b) for a, b in others)


def pinned(pub: Published, *, strict: bool = False) -> list[tuple]:
    """Positions of suppressed figures an attacker can work out (see `is_pinned`)."""
    network = _network(pub, pub.min_cell_size)
    return [
        pos
        for pos, fig in pub.figures()
        if not fig.shown and is_pinned(pub, pos, network, strict=strict)
    ]


# --- suppression ------------------------------------------------------------------------


def suppress(cells: list[list[int]], **options) -> Published:
    """Suppress a table (see `_suppress` for the options).

    Always: no suppressed figure can be worked out to its exact value (the plain test).
    Where it costs little more, the strict test too: every "fewer than N" figure could still
    be anything from 0 to N-1 as far as the published table tells. The strict table is used
    when it hides at most a few more figures than the plain one (STRICT_EXTRA); otherwise
    the plain one is published and `Published.strict` says so. (The "withheld" figures' own
    lower bound of N gives some of it away, so in tables of mostly small figures the strict
    test can need most of the table hidden, or cannot be met at all.)
    """
    plain = _suppress(cells, strict=False, **options)
    if not any(f.mark is Mark.FEWER for _, f in plain.figures()):
        return plain if plain.suppressed else _with_strict(plain)
    budget = plain.suppressed + max(STRICT_EXTRA, plain.suppressed // 2)
    try:
        strict = _suppress(cells, strict=True, budget=budget, **options)
    except Unprotectable:
        return plain
    return strict


STRICT_EXTRA = 4


def _with_strict(pub: Published) -> Published:
    return Published(pub.min_cell_size, pub.cells, pub.row_totals, pub.col_totals, pub.total, True)


def _suppress(
    cells: list[list[int]],
    *,
    strict: bool,
    budget: int | None = None,
    min_cell_size: int,
    row_totals: list[int] | None = None,
    col_totals: list[int] | None = None,
    keep_total: bool = False,
    withhold_total: bool = False,
    columns: int | None = None,
) -> Published:
    """Suppress a table. Totals default to the sums of the cells. `columns`: the width of a
    table with no rows (otherwise read from the rows).

    `keep_total`: never choose the grand total as a complementary suppression (it is
    published elsewhere at full value, as the transparency report's total is); the other
    figures then carry the protection. If that is impossible the total is withheld anyway:
    a figure that could be worked out is never published.
    """
    n = max(int(min_cell_size), 1)
    rows = len(cells)
    cols = len(cells[0]) if rows else (columns or 0)
    if any(len(r) != cols for r in cells):
        raise ValueError("every row of the table must have the same number of cells")
    if any(v < 0 for r in cells for v in r):
        raise ValueError("counts cannot be negative")
    rt = list(row_totals) if row_totals is not None else [sum(r) for r in cells]
    ct = (
        list(col_totals)
        if col_totals is not None
        else [sum(cells[i][j] for i in range(rows)) for j in range(cols)]
    )
    grand = sum(rt)
    if n <= 1 or rows == 0 or cols == 0:
        # Nothing to protect: no figure but (zero) totals.
        shown = Mark.SHOWN
        return Published(
            n,
            tuple(tuple(Figure(v, shown) for v in r) for r in cells),
            tuple(Figure(v, shown) for v in rt),
            tuple(Figure(v, shown) for v in ct),
            Figure(grand, shown),
        )

    def first(v: int) -> Mark:
        return Mark.FEWER if v < n else Mark.SHOWN

    marks: dict[tuple, Mark] = {}
    values: dict[tuple, int] = {}
    for i in range(rows):
        for j in range(cols):
            values[("cell", i, j)] = cells[i][j]
        values[("row", i)] = rt[i]
    for j in range(cols):
        values[("col", j)] = ct[j]
    values[("total",)] = grand
    for pos, v in values.items():
        marks[pos] = first(v)
    # A table of one column: each row total is its cell; they share one mark.
    if cols == 1:
        for i in range(rows):
            marks[("row", i)] = marks[("cell", i, 0)]
    if rows == 1:
        for j in range(cols):
            marks[("col", j)] = marks[("cell", 0, j)]
    # ... and a single column's (or row's) total is the grand total.
    if cols == 1:
        marks[("col", 0)] = marks[("total",)]
    if rows == 1:
        marks[("row", 0)] = marks[("total",)]

    def build() -> Published:
        return Published(
            n,
            tuple(
                tuple(Figure(cells[i][j], marks[("cell", i, j)]) for j in range(cols))
                for i in range(rows)
            ),
            tuple(Figure(rt[i], marks[("row", i)]) for i in range(rows)),
            tuple(Figure(ct[j], marks[("col", j)]) for j in range(cols)),
            Figure(grand, marks[("total",)]),
            strict,
        )

    def lines_of(pos: tuple) -> list[list[tuple]]:
        """The constraint lines a figure sits on (each line: figures summing to its total)."""
        if pos[0] == "cell":
            i, j = pos[1], pos[2]
            return [
                [("cell", i, k) for k in range(cols)] + [("row", i)],
                [("cell", k, j) for k in range(rows)] + [("col", j)],
            ]
        if pos[0] == "row":
            return [
                [("row", k) for k in range(rows)] + [("total",)],
                [("cell", pos[1], k) for k in range(cols)] + [("row", pos[1])],
            ]
        if pos[0] == "col":
            return [
                [("col", k) for k in range(cols)] + [("total",)],
                [("cell", k, pos[1]) for k in range(rows)] + [("col", pos[1])],
            ]
        return [[("row", k) for k in range(rows)] + [("total",)]]

    def hide(pos: tuple) -> list[tuple]:
        """Withhold a figure and the figures that are the same number; returns them."""
        same = {pos}
        if cols == 1 and pos[0] in ("cell", "row"):
            same |= {("cell", pos[1], 0), ("row", pos[1])}
        if rows == 1 and pos[0] in ("cell", "col"):
            j = pos[2] if pos[0] == "cell" else pos[1]
            same |= {("cell", 0, j), ("col", j)}
        if cols == 1 and pos in (("col", 0), ("total",)):
            same |= {("col", 0), ("total",)}
        if rows == 1 and pos in (("row", 0), ("total",)):
            same |= {("row", 0), ("total",)}
        for p in same:
            marks[p] = Mark.WITHHELD
        return sorted(same)

    def candidates(pos: tuple) -> list[tuple]:
        found = []
        for line in lines_of(pos):
            for other in line:
                if marks[other] is Mark.SHOWN and values[other] >= n:
                    if keep_total and other == ("total",):
                        continue
                    found.append(other)
        # Smallest first: hide as little as possible; cells before totals. For the strict
        # test, first those with room to move a small figure its whole range (2N - 1 or more).
        room = 2 * n - 1 if strict else 0
        return sorted(set(found), key=lambda p: (values[p] < room, values[p], p[0] != "cell", p))

    if withhold_total and marks[("total",)] is Mark.SHOWN:
        hide(("total",))
    # First pass: no line may have exactly one suppressed figure (the classic rule).
    changed = True
    while changed:
        changed = False
        for pos in list(values):
            if marks[pos] is Mark.SHOWN:
                continue
            for line in lines_of(pos):
                hidden = [p for p in line if marks[p] is not Mark.SHOWN]
                if len(hidden) == 1:
                    choice = [p for p in candidates(pos) if p in line]
                    if choice:
                        hide(choice[0])
                        changed = True

    # Then the exact audit. Hiding more only widens what an attacker must consider, so a
    # figure found safe stays safe: only the unsafe and the newly hidden are checked again.
    def _best(choice: list[tuple], pos: tuple) -> tuple:
        """The smallest candidate that protects `pos` on its own, else the smallest."""
        for cand in choice[:TRIALS]:
            saved = dict(marks)
            hide(cand)
            safe = not is_pinned(build(), pos, strict=strict)
            marks.clear()
            marks.update(saved)
            if safe:
                return cand
        return choice[0]

    def _rectangle(pos: tuple) -> list[tuple] | None:
        """The cheapest rectangle of cells with `pos` at one corner that protects it: the
        other three corners hidden (those already hidden cost nothing), so the four can
        move together (+1, -1, +1, -1) without changing any total. Cheapest = least value
        newly hidden; tried in that order, at most TRIALS of them."""
        _, i, j = pos
        options = []
        for k in range(rows):
            for m in range(cols):
                if k == i or m == j:
                    continue
                corners = [("cell", i, m), ("cell", k, j), ("cell", k, m)]
                new = [c for c in corners if marks[c] is Mark.SHOWN]
                if any(values[c] < n for c in new):
                    continue
                options.append((sum(values[c] for c in new), len(new), new))
        options.sort(key=lambda o: (o[0], o[1]))
        for _, count, new in options[:TRIALS]:
            if not count:
                continue
            saved = dict(marks)
            for c in new:
                hide(c)
            safe = not is_pinned(build(), pos, strict=strict)
            marks.clear()
            marks.update(saved)
            if safe:
                return new
        return None

    pending = [p for p in values if marks[p] is not Mark.SHOWN]
    while pending:
        table = build()
        pos = pending[0]
        if not is_pinned(table, pos, strict=strict):
            pending.pop(0)
            continue
        if pos[0] == "cell" and rows > 1 and cols > 1:
            corners = _rectangle(pos)
            if corners:
                for corner in corners:
                    pending.extend(hide(corner))
                continue
        choice = candidates(pos)
        if not choice and strict:
            raise Unprotectable("no complement on its lines gives the strict protection")
        if not choice:
            # Nothing left on its lines: widen to anything still shown, smallest first.
            choice = sorted(
                (p for p, m in marks.items() if m is Mark.SHOWN and values[p] >= n),
                key=lambda p: (values[p], p),
            )
        if not choice:
            # Everything at N or more is hidden and a small figure still follows from the
            # labels alone ("withheld" says "N or more"): publish no figure of this table.
            for p in marks:
                marks[p] = Mark.UNPUBLISHED
            return build()
        pending.extend(hide(_best(choice, pos)))
        if budget is not None and sum(m is not Mark.SHOWN for m in marks.values()) > budget:
            raise Unprotectable("the strict test would hide too much of this table")
    return build()


class Unprotectable(ValueError):
    pass


# How many candidates to try on their own before taking the smallest (each try: two
# maximum-flow runs on the table).
TRIALS = 24


def suppress_list(
    values: list[int],
    *,
    min_cell_size: int,
    keep_total: bool = False,
    withhold_total: bool = False,
) -> tuple[list[Figure], Figure]:
    """A one-column table: its figures and their total."""
    if not values:
        mark = Mark.FEWER if min_cell_size > 1 else Mark.SHOWN
        return [], Figure(0, mark)
    table = suppress(
        [[v] for v in values],
        min_cell_size=min_cell_size,
        keep_total=keep_total,
        withhold_total=withhold_total,
    )
    return [row[0] for row in table.cells], table.total
