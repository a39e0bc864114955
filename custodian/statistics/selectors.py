"""Reading the tally: one table for a year, by one or two breakdowns, with suppression.

`report(year=..., by=("branch", "month"), act="checkout")` sums the tally into a grid (rows
by the first breakdown, columns by the second, or one "Total" column), then suppresses small
figures and their complements (suppression.py). The screens, the CSV download and
`custodian stats` all print a `Report`, so they publish the same figures.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from django.db.models import Sum

from custodian.records.models import Branch
from custodian.statistics import services
from custodian.statistics.models import ACTS, Tally
from custodian.statistics.suppression import Figure, Published, suppress

# The breakdowns, in the words the screens use.
BREAKDOWNS = {
    "branch": "Branch",
    "month": "Month",
    "collection": "Collection",
    "item_type": "Item type",
    "age_band": "Age band",
}
# Acts on items can be broken down by collection and type; the others cannot.
ITEM_ACTS = {
    "checkout",
    "return",
    "renewal",
    "hold_placed",
    "hold_filled",
    "hold_cancelled",
    "hold_expired",
}


class BadChoice(ValueError):
    pass


@dataclass(frozen=True)
class Report:
    year: int
    act: str
    by: tuple[str, ...]
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    table: Published

    @property
    def min_cell_size(self) -> int:
        return self.table.min_cell_size

    @property
    def title(self) -> str:
        parts = " and ".join(BREAKDOWNS[b].lower() for b in self.by)
        return f"{ACTS[self.act]} in {self.year}, by {parts}"

    def words(self, fig: Figure) -> str:
        return fig.words(self.min_cell_size)

    def rows(self):
        """(label, [figures], total) per row."""
        yield from zip(self.row_labels, self.table.cells, self.table.row_totals, strict=True)

    def csv_rows(self) -> list[list[str]]:
        head = [BREAKDOWNS[self.by[0]]]
        if len(self.by) == 2:
            head += [*self.col_labels, "Total"]
        else:
            head += [ACTS[self.act]]
        out = [head]
        for label, cells, total in self.rows():
            line = [label, *[self.words(f).replace(",", "") for f in cells]]
            if len(self.by) == 2:
                line.append(self.words(total).replace(",", ""))
            out.append(line)
        foot = ["Total"]
        if len(self.by) == 2:
            foot += [self.words(f).replace(",", "") for f in self.table.col_totals]
        foot.append(self.words(self.table.total).replace(",", ""))
        out.append(foot)
        return out

    def as_json(self) -> dict:
        n = self.min_cell_size

        def pub(f):
            return f.public(n)

        return {
            "year": self.year,
            "counting": self.act,
            "by": list(self.by),
            "min_cell_size": n,
            "rows": [
                {
                    "label": label,
                    "figures": dict(zip(self.col_labels, [pub(f) for f in cells], strict=True)),
                    "total": pub(total),
                }
                if len(self.by) == 2
                else {"label": label, "count": pub(cells[0])}
                for label, cells, total in self.rows()
            ],
            "column_totals": dict(
                zip(self.col_labels, [pub(f) for f in self.table.col_totals], strict=True)
            )
            if len(self.by) == 2
            else None,
            "total": pub(self.table.total),
            "note": NOTE.format(n=n),
        }


NOTE = (
    'Figures below {n} are shown as "fewer than {n}"; some others are withheld so that no '
    "small figure can be worked out from the totals. The counts are of acts (a check-out, a "
    "session), kept with no patron, item, day or time."
)


def parse_by(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    parts = value.split(",") if isinstance(value, str) else list(value)
    parts = [p.strip().replace("-", "_") for p in parts if p.strip()]
    if not 1 <= len(parts) <= 2 or len(set(parts)) != len(parts):
        raise BadChoice("choose one or two different breakdowns, e.g. branch,month")
    unknown = [p for p in parts if p not in BREAKDOWNS]
    if unknown:
        raise BadChoice(f"no breakdown called {unknown[0]!r}; choose from {', '.join(BREAKDOWNS)}")
    return tuple(parts)


def _labels(dim: str, keys: list, branches: dict[int, str], *, short=False) -> list[str]:
    if dim == "branch":
        return [branches.get(k, f"Branch {k}") for k in keys]
    if dim == "month":
        names = calendar.month_abbr if short else calendar.month_name
        return [names[k] for k in keys]
    if dim == "age_band":
        return [services.band_words(k) for k in keys]
    return [k or "Not recorded" for k in keys]


def _keys(dim: str, seen: set, branches: dict[int, str]) -> list:
    if dim == "month":
        return list(range(1, 13))
    if dim == "branch":
        return sorted(set(branches) | seen, key=lambda k: (branches.get(k, ""), k))
    if dim == "age_band":
        codes = list(services.current().band_codes)
        return codes + sorted(seen - set(codes))
    return sorted(seen, key=lambda k: (k == "", k))


def report(*, year: int, by=("branch", "month"), act: str = "checkout") -> Report:
    by = parse_by(by)
    if act not in ACTS:
        raise BadChoice(f"no count called {act!r}; choose from {', '.join(ACTS)}")
    if act not in ITEM_ACTS and {"collection", "item_type"} & set(by):
        raise BadChoice(f"{ACTS[act].lower()} are not counted by collection or item type")
    fields = [("branch_id" if d == "branch" else d) for d in by]
    sums = (
        Tally.objects.filter(act=act, year=year)
        .values_list(*fields)
        .annotate(total=Sum("n"))
        .order_by()
    )
    grid: dict[tuple, int] = {}
    for *key, total in sums:
        grid[tuple(key)] = total
    branches = dict(Branch.objects.values_list("pk", "name"))
    row_keys = _keys(by[0], {k[0] for k in grid}, branches)
    col_keys = _keys(by[1], {k[1] for k in grid}, branches) if len(by) == 2 else [None]
    if len(by) == 2:
        cells = [[grid.get((r, c), 0) for c in col_keys] for r in row_keys]
        col_labels = _labels(by[1], col_keys, branches, short=True)
    else:
        cells = [[grid.get((r,), 0)] for r in row_keys]
        col_labels = [ACTS[act]]
    table = suppress(cells, min_cell_size=services.current().min_cell_size, columns=len(col_keys))
    return Report(
        year=year,
        act=act,
        by=by,
        row_labels=tuple(_labels(by[0], row_keys, branches)),
        col_labels=tuple(col_labels),
        table=table,
    )


def years() -> list[int]:
    """Years with any count, newest first."""
    return sorted(set(Tally.objects.values_list("year", flat=True).distinct()), reverse=True)
