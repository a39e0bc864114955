"""Statistics for a year from the tally, against one plain GROUP BY over the loans
themselves (a benchmark, not a test).

In one process, on a scratch database (SQLite, or --database-url), it writes --loans loan
rows over two years into `bench_loan` (one row per check-out: branch, day, collection,
item type, age band; the shape of Koha's `statistics` table, and kinder to the plain query
than joining items and patrons), then the tally those check-outs would have left
(`statistics_tally`, one INSERT ... SELECT ... GROUP BY, timed for reference). It then times,
interleaved, best and median of --repeat rounds:

  stats   `custodian.statistics.selectors.report(year, by=branch,month)`: the tally summed
          by the ORM, branch names, and small-cell suppression with its exact audit;
  plain   SELECT branch, month, count(*) FROM bench_loan WHERE <the year> GROUP BY ...,
          fetched (no names, no suppression);

checks that both give the same figures (before suppression), and prints the ratio
(target: stats <= 2 x plain). About 150 loans (over two years) are at one small
branch, so some cells are small and suppression has work to do.

    .venv/bin/python benchmarks/bench_stats.py [--loans 300000] [--repeat 7]
        [--database-url postgres://...  (an empty scratch database)]
"""

import argparse
import statistics
import tempfile
import time

from scratch import prepare as _prepare

YEAR = 2025
BRANCHES = 10
COLLECTIONS = (
    "Adult fiction",
    "Adult non-fiction",
    "Children's picture books",
    "Children's fiction",
    "Teen",
    "Large print",
    "Films",
    "Music",
)
TYPES = ("Book", "DVD", "Audiobook", "Magazine")
BANDS = ("0-12", "13-17", "18-64", "65+", "unknown")


def _case(expr: str, values) -> str:
    whens = " ".join(
        f"WHEN {k} THEN '{v.replace(chr(39), chr(39) * 2)}'" for k, v in enumerate(values)
    )
    return f"CASE {expr} {whens} END"


def _build(loans: int) -> dict[str, float]:
    from django.db import connection, transaction

    from custodian.records.models import Branch

    for k in range(1, BRANCHES + 1):
        Branch.objects.create(code=f"B{k:02d}", name=f"Branch {k:02d}")
    first = Branch.objects.order_by("pk").first().pk
    pg = connection.vendor == "postgresql"
    made = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_loan (branch_id bigint NOT NULL, day date NOT NULL,"
            " collection varchar(60) NOT NULL, item_type varchar(40) NOT NULL,"
            " age_band varchar(16) NOT NULL)"
        )
        # x: 1..N. A few loans at the small branch; days over two years.
        if pg:
            source = (
                f"SELECT x, (x * 2654435761) % 4294967291 AS h FROM generate_series(1, {loans}) x"
            )
            day = "DATE '2024-01-01' + (h % 731)::int"
        else:
            source = (
                f"WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {loans})"
                " SELECT x, (x * 2654435761) % 4294967291 AS h FROM s"
            )
            day = "date('2024-01-01', '+' || (h % 731) || ' days')"
        small = max(2, loans // 150)  # about 150 loans over two years: small cells
        branch = f"CASE WHEN x % {small} = 0 THEN {first + BRANCHES - 1} ELSE {first} + h % {BRANCHES - 1} END"
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO bench_loan (branch_id, day, collection, item_type, age_band)"
            f" SELECT {branch}, {day}, {_case(f'(h / 7) % {len(COLLECTIONS)}', COLLECTIONS)},"
            f" {_case(f'(h / 13) % {len(TYPES)}', TYPES)}, {_case(f'(h / 17) % {len(BANDS)}', BANDS)}"
            f" FROM ({source}) g"
        )
        made["loans written (s)"] = time.perf_counter() - started
        year = "EXTRACT(YEAR FROM day)::int" if pg else "CAST(strftime('%Y', day) AS integer)"
        month = "EXTRACT(MONTH FROM day)::int" if pg else "CAST(strftime('%m', day) AS integer)"
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO statistics_tally"
            " (act, branch_id, year, month, collection, item_type, age_band, n)"
            f" SELECT 'checkout', branch_id, {year}, {month}, collection, item_type, age_band,"
            " count(*) FROM bench_loan GROUP BY branch_id, 3, 4, collection, item_type, age_band"
        )
        made["tally built (s)"] = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM statistics_tally")
        made["tally rows"] = cursor.fetchone()[0]
    if pg:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE bench_loan")
            cursor.execute("ANALYZE statistics_tally")
    return made


def _plain() -> tuple[float, dict]:
    from django.db import connection

    if connection.vendor == "postgresql":
        sql = (
            "SELECT branch_id, EXTRACT(MONTH FROM day)::int, count(*) FROM bench_loan"
            " WHERE day >= %s AND day < %s GROUP BY 1, 2"
        )
    else:
        sql = (
            "SELECT branch_id, CAST(strftime('%%m', day) AS integer), count(*) FROM bench_loan"
            " WHERE day >= %s AND day < %s GROUP BY 1, 2"
        )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"{YEAR}-01-01", f"{YEAR + 1}-01-01"])
        rows = cursor.fetchall()
    took = time.perf_counter() - started
    return took, {(b, m): n for b, m, n in rows}


def _stats():
    from custodian.statistics.selectors import report

    started = time.perf_counter()
    result = report(year=YEAR, by=("branch", "month"), act="checkout")
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loans", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="an empty scratch database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="custodian-bench-") as data_dir:
        _prepare(data_dir, args.database_url)
        from django.db import connection

        made = _build(args.loans)
        _, result = _stats()
        _, plain = _plain()
        # The same figures: the report's cells (before suppression) are the plain counts.
        from custodian.records.models import Branch

        ids = list(Branch.objects.order_by("name").values_list("pk", flat=True))
        for i, branch in enumerate(ids):
            for m in range(12):
                assert result.table.cells[i][m].value == plain.get((branch, m + 1), 0)
        times = {"stats": [], "plain": []}
        for _ in range(args.repeat):
            times["plain"].append(_plain()[0])
            times["stats"].append(_stats()[0])
        hidden = result.table.suppressed
        print(f"database: {connection.vendor}; loans: {args.loans:,}; year {YEAR}")
        for key, value in made.items():
            print(f"  {key}: {value:,.2f}" if isinstance(value, float) else f"  {key}: {value:,}")
        print(f"  figures suppressed in the report: {hidden} (strict: {result.table.strict})")
        for name in ("stats", "plain"):
            t = times[name]
            print(
                f"  {name:5}  best {min(t) * 1000:9.2f} ms   median {statistics.median(t) * 1000:9.2f} ms"
            )
        ratio = statistics.median(times["stats"]) / statistics.median(times["plain"])
        print(f"  ratio stats / plain (median): {ratio:.3f}  (target <= 2)")


if __name__ == "__main__":
    main()
