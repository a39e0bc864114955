"""Opening a disclosure package: a stored copy of patron data, so it is a read like any other.

A package holds exactly what the Director released to an officer (reading history under a
judge's warrant, say). Its contents are patron data even though they are read from a file
and not from the record tables: who may open it is ruled here, by the engine and the role's
need to know, and every attempt leaves one audit entry naming the package's fields.

Beyond the custodians of records (the Director and designees), the only one who sees a
package's records is whoever hands it over, once, for the hand-over; the disclosure app
says when a fetch is that hand-over.
"""

from uuid import UUID

from django.db import transaction
from django.utils import timezone

from custodian.door import auditing
from custodian.door.errors import PatronNotFound
from custodian.door.readers import Reader
from custodian.door.ruling import Ruling, age_on, ask, refusal, requested_fields
from custodian.records.models import Patron

# The custodians of records keep the library's copy of what it disclosed.
PACKAGE_KEEPERS = frozenset({"director", "designee"})
# The engine's question is the same one a staff read asks; the entry says why it was read.
ENGINE_PURPOSE = "library_business"
AUDIT_PURPOSE = "disclosure"

NOT_A_KEEPER = (
    "A disclosure package's records are open to the Director and designees only; "
    "you can see when and to whom it went."
)
NOT_ALL_FIELDS = "Your role may not see every part of this package, so none of it is shown."


def read_package(*, reader: Reader, patron_ref, fields, hand_over: bool = False) -> Ruling:
    """Rule whether `reader` may see a package holding `fields` about one patron, and audit it.

    All or nothing: a package is handed over whole, so a reader who may not see every field
    sees none. Returns the ruling (`.complete` means serve the contents); the audit entry,
    action `read_package`, names the package's fields whatever the outcome.
    """
    fields = requested_fields(fields)
    try:
        ref = UUID(str(patron_ref))
    except ValueError:
        raise PatronNotFound() from None
    with transaction.atomic():
        if reader.kind != "staff":
            ruling = refusal(fields, "Disclosure packages are opened by library staff only.")
        elif reader.role not in PACKAGE_KEEPERS and not hand_over:
            ruling = refusal(fields, NOT_A_KEEPER)
        else:
            # The patron may since have left the library; the package outlives the record.
            patron = Patron.objects.filter(ref=ref).only("birth_date").first()
            age = age_on(patron.birth_date, timezone.localdate()) if patron else None
            ruling = ask(reader=reader, purpose=ENGINE_PURPOSE, fields=fields, age=age)
            if not ruling.complete:
                ruling = Ruling(
                    requested=fields,
                    released=(),
                    outcome="deny",
                    citations=ruling.citations,
                    explanation=NOT_ALL_FIELDS,
                )
        auditing.record(
            reader=reader,
            purpose=AUDIT_PURPOSE,
            patron_ref=ref,
            ruling=ruling,
            action="read_package",
        )
    return ruling
