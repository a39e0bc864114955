"""What the phases share: the run's parameters and the library built so far, kept in memory.

Phases hand each other plain Python lists indexed by patron or item number instead of
querying the database back, so no phase ever issues a query per row.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# Patron groups double as the audience codes of the collections and programs.
CHILD, TEEN, ADULT = "J", "Y", "A"

# The institution digits on this library's 14-digit card and item barcodes.
INSTITUTION = "3141"
# Loan transactions per patron on average: 100,000 patrons make about a million.
LOANS_PER_PATRON = 10
# Items per patron: enough that the loans still out each have their own item.
ITEMS_PER_PATRON = 3
# Share of a patron's loan transactions that are still out today.
CURRENT_SHARE = 0.12
# Loan period in days, also the length of one renewal.
LOAN_DAYS = 21
# How far back returned loans reach (days): two years of statistics.
HISTORY_DAYS = 730
# How far back the reading history asked for with `past_loans` reaches (years), so a
# retention schedule of a year or more has expired loans to purge.
HISTORY_YEARS = 5
MIN_HISTORY_YEARS, MAX_HISTORY_YEARS = 1, 30
# Past loans an opted-in patron can have at most: one a day of membership on average.
PAST_LOANS_PER_PATRON_DAY = 1


@dataclass
class Context:
    seed: int
    today: dt.date
    now: dt.datetime
    tz: dt.tzinfo
    patrons: int
    branches: int

    branch_ids: list[int] = field(default_factory=list)
    branch_codes: list[str] = field(default_factory=list)
    # Relative share of patrons and items per branch; the central library is the largest.
    branch_weights: list[float] = field(default_factory=list)

    # Patrons, index-aligned: patron i has primary key patron_id0 + i.
    patron_id0: int = 0
    cards: list[str] = field(default_factory=list)
    p_group: list[str] = field(default_factory=list)
    p_age: list[int] = field(default_factory=list)
    p_branch: list[int] = field(default_factory=list)
    p_status: list[str] = field(default_factory=list)
    p_history: list[bool] = field(default_factory=list)
    p_registered: list[dt.date] = field(default_factory=list)
    p_last_name: list[str] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)

    # Items, index-aligned: item j has primary key item_id0 + j.
    item_id0: int = 0
    i_audience: list[str] = field(default_factory=list)
    i_branch: list[int] = field(default_factory=list)
    i_cost: list[Decimal] = field(default_factory=list)
    i_status: list[str] = field(default_factory=list)
    # What each item is: book, large_print, dvd, audiobook or magazine (phase_library.FORMATS).
    i_format: list[str] = field(default_factory=list)

    # The circulation plan, made before items are written so each item's status is known.
    # loans: (patron, item, branch, checked_out_at, due_on, renewals)
    loans: list[tuple] = field(default_factory=list)
    # past: (patron, item, checked_out_at, returned_at), opted-in patrons only
    past: list[tuple] = field(default_factory=list)
    # counts: packed (item, branch, days ago) -> checkouts, every returned loan
    counts: dict[int, int] = field(default_factory=dict)
    # holds: (patron, item, pickup branch, placed_at, status, ready_until)
    holds: list[tuple] = field(default_factory=list)
    # fines: (patron, item, returned_at, amount, days late), assessed when the loan came back
    fines: list[tuple] = field(default_factory=list)
    transactions: int = 0

    # Patron indices the demo points staff to, by label.
    showcase: dict[str, int] = field(default_factory=dict)
    # Patron indices whose cards the desk warns about, by status (lost, stolen, ...).
    alerts: dict[str, int] = field(default_factory=dict)
    # Rows written per model name, for the summary.
    written: dict[str, int] = field(default_factory=dict)

    def patron_id(self, index: int) -> int:
        return self.patron_id0 + index

    def item_id(self, index: int) -> int:
        return self.item_id0 + index

    def pack_count_key(self, *, item: int, branch: int, days_ago: int) -> int:
        # One int instead of a tuple keeps the million-entry tally small in memory.
        return (item * self.branches + branch) * 1024 + days_ago

    def unpack_count_key(self, key: int) -> tuple[int, int, int]:
        rest, days_ago = divmod(key, 1024)
        item, branch = divmod(rest, self.branches)
        return item, branch, days_ago
