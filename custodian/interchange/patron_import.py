"""The write of a patron import: create, update or leave each patron, all or nothing.

Rows come checked from `custodian.interchange.patrons`. Patrons are matched by card number
through the blind index (the card number is sealed; it is never in a query). New patrons are
written through the model's sealed fields in batches (`bulk_create` seals each value under the
patron's own data key, as `register_patron` does one at a time; the keys are made a batch at
a time too), with the same rules as
registering at the desk: a card number and both names, an expiry not before the enrolment, a
PIN only as a hash. One audit entry per run holds the counts (registering a patron at the
desk is not audited per patron either); no entry names a patron.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from custodian.audit.services import record_access
from custodian.circulation.patrons import REGISTRATION_YEARS, hash_pin, set_reading_history
from custodian.interchange.history import HistoryRow, plan_history, read_history
from custodian.interchange.patrons import BCRYPT, KOHA, Mapping, PatronRow, open_csv, read_rows
from custodian.interchange.pin_hashes import bcrypt_setting, layer_bcrypt, same_bcrypt
from custodian.records import sealing
from custodian.records.models import Branch, DataKey, PastLoan, Patron

BATCH = 1000
INDEX_ROTATING = (
    "the index key is being rotated (custodian keys rotate-index): imports wait until it has "
    "finished; nothing was changed: finish the rotation, then run the import again"
)
# Compared field by field to tell an update from an unchanged row.
COMPARED = (
    "first_name",
    "last_name",
    "address",
    "phone",
    "email",
    "birth_date",
    "registered_on",
    "expires_on",
)
_pins = PasswordHasher()


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    history_added: int = 0
    history_unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    written: bool = False


def import_patrons(
    *,
    rows: list[PatronRow],
    present: frozenset[str],
    errors: list[str],
    refused: int,
    dry_run: bool,
    history: list[HistoryRow] | None = None,
    actor: str = "cli",
    progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Plan every row, then write all of it or none of it.

    `errors` and `refused` are what reading the file found; with any error (or a dry run)
    nothing is written and the report says what would have happened to the good rows.
    """
    today = today or timezone.localdate()
    report = ImportReport(errors=list(errors), refused=refused)
    if sealing.index_keyring(fresh=True).rotating:
        # Patrons are matched by card index; half-way through a rotation a stored row may be
        # under either key, so an import waits rather than miss a patron and make a twin.
        report.errors.append(INDEX_ROTATING)
        return report
    try:
        return _plan_and_write(
            report, rows, present, dry_run, history, actor, progress, today=today
        )
    except _IndexKeyChanged:
        report.errors.append(INDEX_ROTATING)
        report.written = False
        return report
    except IntegrityError:
        # Another import or the desk registered one of these cards while this one ran.
        report.errors.append(
            "a card number in the file was registered elsewhere while the import ran; "
            "nothing was changed: run the import again"
        )
        report.written = False
        return report


class _IndexKeyChanged(Exception):
    """`custodian keys rotate-index` started while this import ran: roll it all back."""


def _plan_and_write(report, rows, present, dry_run, history, actor, progress, *, today):
    branches = dict(Branch.objects.values_list("code", "id"))
    index_key = sealing.index_keyring(fresh=True).current
    with transaction.atomic():
        existing = _existing(rows)
        new: list[Patron] = []
        changed: list[tuple[Patron, list[str], bool | None]] = []
        for row in rows:
            patron = existing.get(sealing.card_index(row.card_number))
            if patron is None:
                new.append(_new_patron(row, branches, today, hash_pins=not dry_run))
                report.created += 1
            else:
                fields, history_choice = _changes(patron, row, present, branches, dry_run)
                if not _dates_fit(patron):
                    report.errors.append(
                        f"line {row.line}: the expiry date would fall before the patron's "
                        "enrolment date"
                    )
                    report.refused += 1
                elif fields or history_choice is not None:
                    changed.append((patron, fields, history_choice))
                    report.updated += 1
                else:
                    report.unchanged += 1
            if progress:
                progress(1)
        planned_history = []
        if history:
            keeps = {sealing.card_index(r.card_number): r.keeps_reading_history for r in rows}
            planned_history, history_errors, report.history_unchanged = plan_history(
                history=history, existing=existing, keeps=keeps
            )
            report.errors.extend(history_errors)
            report.history_added = len(planned_history)
        if report.errors or dry_run or not (new or changed or planned_history):
            transaction.set_rollback(True)  # nothing to write (an unchanged re-run: no entry)
            return report
        _create(new)
        for patron, fields, history_choice in changed:
            if fields:
                patron.save(update_fields=fields)
            if history_choice is not None:
                # Opting out deletes the history kept so far, as at the desk.
                set_reading_history(patron=patron, keep=history_choice)
            # On the patron's own record: what changed (names of fields, never values).
            record_access(
                actor=actor,
                role="system",
                purpose="import",
                patron_ref=str(patron.ref),
                fields=[f"import.changed.{name}" for name in fields if not name.endswith("_index")]
                + (
                    [f"import.reading_history.{'on' if history_choice else 'off'}"]
                    if history_choice is not None
                    else []
                ),
                outcome="applied",
                clauses=[],
                action="import",
            )
        if planned_history:
            by_card = {p.card_index: p for p in new} | existing
            PastLoan.objects.bulk_create(
                [
                    PastLoan(
                        patron=by_card[index],
                        item_id=item_id,
                        checked_out_at=out,
                        returned_at=back,
                    )
                    for index, item_id, out, back in planned_history
                ],
                batch_size=BATCH,
            )
        record_access(
            actor=actor,
            role="system",
            purpose="import",
            patron_ref=None,
            fields=[
                f"import.patrons.created.{report.created}",
                f"import.patrons.updated.{report.updated}",
                f"import.history.added.{report.history_added}",
            ],
            outcome="applied",
            clauses=[],
            action="import",
        )
        if sealing.index_keyring(fresh=True).current != index_key:
            raise _IndexKeyChanged
        report.written = True
    return report


@dataclass
class FileImport:
    report: ImportReport
    rows: int
    left_behind: list[str]


def import_file(
    *,
    path,
    mapping: Mapping = KOHA,
    history_path=None,
    dry_run: bool = False,
    actor: str = "cli",
    started: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> FileImport:
    """Read, check and import a patron file (and an optional history file). Raises
    `FileError` when a file cannot be read at all."""
    codes = Branch.objects.values_list("code", flat=True)
    with open_csv(path) as lines:
        read = read_rows(lines, mapping=mapping, branch_codes=codes)
    history, errors = None, list(read.errors)
    if history_path is not None:
        with open_csv(history_path) as lines:
            history, history_errors = read_history(lines)
        errors += history_errors
    refused = len({e.split(":", 1)[0] for e in read.errors})
    if started:
        started(len(read.rows))
    report = import_patrons(
        rows=read.rows,
        present=read.present,
        errors=errors,
        refused=refused,
        dry_run=dry_run,
        history=history,
        actor=actor,
        progress=progress,
    )
    return FileImport(report=report, rows=len(read.rows) + refused, left_behind=read.left_behind)


def _create(new: list[Patron]) -> None:
    """Insert new patrons a batch at a time: their data keys first (one insert per batch,
    each key left in the sealing cache), then the patrons, whose sealed fields seal under
    those keys on the way to the database, as any save does."""
    for start in range(0, len(new), BATCH):
        batch = new[start : start + BATCH]
        keys = [sealing.new_key_row(p.ref) for p in batch]
        DataKey.objects.bulk_create(
            DataKey(owner_ref=owner, wrapped=wrapped, master_id=mid) for owner, wrapped, mid in keys
        )
        Patron.objects.bulk_create(batch)


def _existing(rows: list[PatronRow]) -> dict[str, Patron]:
    """The patrons already here with a card number in the file, by blind index."""
    found: dict[str, Patron] = {}
    indexes = [sealing.card_index(r.card_number) for r in rows]
    for start in range(0, len(indexes), BATCH):
        chunk = indexes[start : start + BATCH]
        for patron in Patron.objects.filter(card_index__in=chunk).select_for_update():
            found[patron.card_index] = patron
    return found


def _pin_hash(pin: str, *, hash_pins: bool) -> str:
    if not pin:
        return ""
    if not hash_pins:
        return "$argon2-dry-run"  # never written: a dry run rolls back before any write
    return layer_bcrypt(pin) if _is_bcrypt(pin) else hash_pin(pin)


def _is_bcrypt(pin: str) -> bool:
    return bool(BCRYPT.fullmatch(pin))


def _new_patron(row: PatronRow, branches: dict, today: dt.date, *, hash_pins: bool) -> Patron:
    registered = row.registered_on or today
    if row.expires_on is not None and row.registered_on is None:
        registered = min(registered, row.expires_on)  # an expired card with no enrolment date
    expires = row.expires_on or _years_later(registered, REGISTRATION_YEARS)
    return Patron(
        card_number=row.card_number,
        pin_hash=_pin_hash(row.pin, hash_pins=hash_pins),
        first_name=row.first_name,
        last_name=row.last_name,
        address=row.address,
        phone=row.phone,
        email=row.email,
        birth_date=row.birth_date,
        home_branch_id=branches[row.branch],
        registered_on=registered,
        expires_on=expires,
        keeps_reading_history=bool(row.keeps_reading_history),
        status=row.status or Patron.Status.ACTIVE,
        status_since=registered if row.status else None,
    )


def _changes(
    patron: Patron, row: PatronRow, present: frozenset, branches: dict, dry_run: bool
) -> tuple[list[str], bool | None]:
    """The fields this row changes (set on `patron`), and a new reading-history choice."""
    fields = []
    for name in COMPARED:
        if name not in present:
            continue
        value = getattr(row, name)
        if value is None and name in ("registered_on", "expires_on"):
            continue  # an empty card date in the file keeps ours
        if (getattr(patron, name) or ("" if name not in ("birth_date",) else None)) != value:
            setattr(patron, name, value)
            fields.append(name)
    if "branch" in present and patron.home_branch_id != branches[row.branch]:
        patron.home_branch_id = branches[row.branch]
        fields.append("home_branch")
    if "pin" in present and row.pin and _pin_differs(patron.pin_hash, row.pin):
        patron.pin_hash = _pin_hash(row.pin, hash_pins=not dry_run)
        fields.append("pin_hash")
    if row.status and patron.status != row.status:
        # Lost or restricted in the system being left: so here too, from today.
        patron.status = row.status
        patron.status_since = max(timezone.localdate(), patron.registered_on)
        fields += ["status", "status_since"]
    history_choice = None
    if row.keeps_reading_history is not None and row.keeps_reading_history != (
        patron.keeps_reading_history
    ):
        history_choice = row.keeps_reading_history
    if {"first_name", "last_name"} & set(fields):
        fields += ["name_index", "last_name_index"]
    return fields, history_choice


def _pin_differs(stored: str, pin: str) -> bool:
    """Whether the file's PIN (clear, or a bcrypt hash) is not the one we keep.

    A bcrypt hash from the source against an ordinary Argon2 hash here: the patron has used
    or changed their PIN in Custodian since the first import, and ours is the newer one."""
    if not stored:
        return True
    encoded = stored[len("argon2") :] if stored.startswith("argon2$") else stored
    if _is_bcrypt(pin):
        if bcrypt_setting(encoded) is None:
            return False
        return not same_bcrypt(encoded, pin)
    try:
        return not _pins.verify(encoded, pin)
    except (VerificationError, InvalidHashError):
        return True


def _dates_fit(patron: Patron) -> bool:
    return patron.expires_on >= patron.registered_on


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
