"""Take my data for a patron with ten years of opted-in history, against plain reads of
the same rows (a benchmark, not a test).

In one process, on a scratch database, it builds one patron with --past-loans returned
items over ten years (opted-in reading history) and --others rows in every other category
(current loans, one overdue and one lost, charges, payments, holds, programs, computer
sessions, room bookings, reference questions, interlibrary loans, searches, camera
recordings, a responsible adult, a card they answer for, a grant, a concern), then times,
interleaved, best and median of --repeat rounds:

  door    the JSON download as the view builds it: `door.take_my_data` (one engine
          question for every field, one query per table, the hash-chained audit entry, in
          one transaction) and `portal.takeout.json_bytes` (labels, JSON text);
  plain   the same rows read with one plain SQL query per table (the same joins and
          columns, `cursor.execute` + `fetchall`, no model, no JSON), in one transaction;

and prints both and their ratio (target: door <= 3 x plain). The PDF and the printable
page are timed once each, for reference.

    .venv/bin/python benchmarks/bench_take_my_data.py [--past-loans 5000] [--others 50]
        [--repeat 15] [--database-url postgres://...  (an empty scratch database)]
"""

import argparse
import os
import statistics
import tempfile
import time

from scratch import prepare as _prepare

PLAIN = [
    "SELECT * FROM records_patron WHERE id = %s",
    "SELECT i.title, i.author, i.barcode, i.status, b.name, l.checked_out_at, l.due_on,"
    " l.renewals FROM records_loan l JOIN records_item i ON i.id = l.item_id"
    " JOIN records_branch b ON b.id = l.branch_id WHERE l.patron_id = %s ORDER BY l.due_on, l.id",
    "SELECT c.kind, c.amount, i.title, c.assessed_at, c.note,"
    " (SELECT SUM(p.amount) FROM records_payment p WHERE p.charge_id = c.id)"
    " FROM records_charge c LEFT JOIN records_item i ON i.id = c.item_id"
    " WHERE c.patron_id = %s ORDER BY c.assessed_at, c.id",
    "SELECT p.amount, p.method, p.paid_at, c.kind FROM records_payment p"
    " LEFT JOIN records_charge c ON c.id = p.charge_id WHERE p.patron_id = %s"
    " ORDER BY p.paid_at, p.id",
    "SELECT i.title, h.status, h.placed_at, b.name, h.ready_until FROM records_hold h"
    " JOIN records_item i ON i.id = h.item_id JOIN records_branch b ON b.id = h.pickup_branch_id"
    " WHERE h.patron_id = %s ORDER BY h.placed_at, h.id",
    "SELECT i.title, i.author, p.checked_out_at, p.returned_at FROM records_pastloan p"
    " JOIN records_item i ON i.id = p.item_id WHERE p.patron_id = %s"
    " ORDER BY p.returned_at DESC, p.id DESC",
    "SELECT g.title, b.name, g.starts_at, r.registered_at, r.attended"
    " FROM records_programregistration r JOIN records_program g ON g.id = r.program_id"
    " JOIN records_branch b ON b.id = g.branch_id WHERE r.patron_id = %s"
    " ORDER BY g.starts_at, r.id",
    "SELECT b.name, s.workstation, s.started_at, s.ended_at FROM records_computersession s"
    " JOIN records_branch b ON b.id = s.branch_id WHERE s.patron_id = %s"
    " ORDER BY s.started_at, s.id",
    "SELECT r.name, b.name, k.starts_at, k.ends_at, k.attendees FROM records_roombooking k"
    " JOIN records_room r ON r.id = k.room_id JOIN records_branch b ON b.id = r.branch_id"
    " WHERE k.patron_id = %s ORDER BY k.starts_at, k.id",
    "SELECT q.asked_at, q.channel, q.question, b.name FROM records_referenceinterview q"
    " JOIN records_branch b ON b.id = q.branch_id WHERE q.patron_id = %s"
    " ORDER BY q.asked_at, q.id",
    "SELECT title, author, lending_library, requested_at, status"
    " FROM records_interlibraryloanrequest WHERE patron_id = %s ORDER BY requested_at, id",
    "SELECT searched_at, database, query FROM records_searchrecord WHERE patron_id = %s"
    " ORDER BY searched_at, id",
    "SELECT f.camera, b.name, f.starts_at, f.ends_at, f.retain_until"
    " FROM records_camerafootage f JOIN records_camerafootage_identified_patrons x"
    " ON x.camerafootage_id = f.id JOIN records_branch b ON b.id = f.branch_id"
    " WHERE x.patron_id = %s ORDER BY f.starts_at, f.id",
    "SELECT name, relationship, financially_responsible, signed_on, phone, guardian_patron_id"
    " FROM records_responsibleparty WHERE patron_id = %s ORDER BY id",
    "SELECT relationship, financially_responsible, signed_on FROM records_responsibleparty"
    " WHERE guardian_patron_id = %s ORDER BY id",
    "SELECT agent_name, fields, signed_on, expires_on, revoked_at, made_in_portal"
    " FROM records_authorization WHERE patron_id = %s ORDER BY signed_on, id",
    "SELECT topic, message, created_at, due_on, status, answer, answered_at"
    " FROM portal_concern WHERE patron_id = %s ORDER BY created_at, id",
]


def _door(reader) -> tuple[float, int]:
    from custodian import door
    from custodian.portal import takeout

    began = time.perf_counter()
    body = takeout.json_bytes(door.take_my_data(reader=reader))
    return time.perf_counter() - began, len(body)


def _plain(patron_id: int) -> tuple[float, int]:
    from django.db import connection, transaction

    began = time.perf_counter()
    rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in PLAIN:
            cursor.execute(sql, [patron_id])
            rows += len(cursor.fetchall())
    return time.perf_counter() - began, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--past-loans", type=int, default=5000)
    parser.add_argument("--others", type=int, default=50, help="rows in each other category")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default=None, help="an empty scratch database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="custodian-bench-") as data_dir:
        _prepare(data_dir, args.database_url)
        from django.db import connection

        from custodian import door
        from custodian.portal import takeout
        from tests.portal.takeout_library import full_patron

        built = time.perf_counter()
        patron = full_patron(tag="Bench", past_loans=args.past_loans, years=10, others=args.others)
        built = time.perf_counter() - built
        reader = door.Reader.patron(patron.ref)
        taken = door.take_my_data(reader=reader)  # warm-up: engine, policy version, caches
        _plain(patron.pk)
        history = len(taken.category("reading_history").data)
        print(f"custodian take-my-data benchmark ({connection.vendor}, scratch in {data_dir})")
        print(
            f"  patron: {history:,} past loans over 10 years, {args.others} rows in every other"
            f" category (built in {built:.1f} s); load average {os.getloadavg()[0]:.1f}"
        )
        doors, plains = [], []
        for _ in range(args.repeat):
            seconds, size = _door(reader)
            doors.append(seconds)
            seconds, rows = _plain(patron.pk)
            plains.append(seconds)
        best = min(doors) / min(plains)
        median = statistics.median(doors) / statistics.median(plains)
        print(
            f"  door  JSON download: best {min(doors) * 1e3:.1f} ms, median"
            f" {statistics.median(doors) * 1e3:.1f} ms ({size / 1024:,.0f} KiB of JSON)"
        )
        print(
            f"  plain one query per table ({len(PLAIN)} queries, {rows:,} rows): best"
            f" {min(plains) * 1e3:.1f} ms, median {statistics.median(plains) * 1e3:.1f} ms"
        )
        verdict = "meets" if median <= 3 else "misses"
        print(f"  ratio door/plain: best {best:.2f}, median {median:.2f} ({verdict} the 3x target)")
        began = time.perf_counter()
        pdf = takeout.pdf_bytes(door.take_my_data(reader=reader))
        pdf_s = time.perf_counter() - began
        began = time.perf_counter()
        takeout.page_sections(door.take_my_data(reader=reader))
        page_s = time.perf_counter() - began
        print(
            f"  for reference: PDF {pdf_s * 1e3:,.0f} ms ({len(pdf) / 1024:,.0f} KiB),"
            f" printable page's rows {page_s * 1e3:,.0f} ms (before the template)"
        )


if __name__ == "__main__":
    main()
