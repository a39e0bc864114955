"""Writing patrons out as Koha's patron import CSV (`custodian export patrons --format koha`).

The rows come from the door (`custodian.door.exports`), already asked for and audited. No
PIN leaves: Custodian keeps PINs as Argon2 hashes, which Koha cannot check, so `password` is
empty and each patron sets a new PIN in the new system (docs/import.md).
"""

import csv
from collections.abc import Iterable
from typing import TextIO

from custodian.door.exports import ExportedPatron
from custodian.interchange.patrons import KOHA_COLUMNS, split_address

# Koha's `privacy`: 0 "keep forever" for a patron who chose to keep their reading history,
# 2 "never" for everyone else (Custodian keeps none unless asked).
PRIVACY = {True: "0", False: "2"}
LOST = ("card_lost", "card_stolen")


def write_koha(patrons: Iterable[ExportedPatron], out: TextIO, *, category: str) -> int:
    writer = csv.DictWriter(out, fieldnames=KOHA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for p in patrons:
        row = dict.fromkeys(KOHA_COLUMNS, "")
        row.update(split_address(p.address))
        row.update(
            cardnumber=p.card_number,
            surname=p.last_name,
            firstname=p.first_name,
            email=p.email,
            phone=p.phone,
            dateofbirth=p.birth_date.isoformat() if p.birth_date else "",
            branchcode=p.branch_code,
            categorycode=category,
            dateenrolled=p.registered_on.isoformat(),
            dateexpiry=p.expires_on.isoformat(),
            lost="1" if p.status in LOST else "",
            privacy=PRIVACY[p.keeps_reading_history],
        )
        writer.writerow(row)
        count += 1
    return count
