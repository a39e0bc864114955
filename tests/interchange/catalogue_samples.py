"""Made-up MARC records for the catalogue tests, and the sample files in docs/examples/.

Titles and authors come from custodian.synth's word lists; barcodes use the made-up
institution 3999 (the generator's items use 3141), so the samples never collide with a demo
library's items. Regenerate the samples with
`.venv/bin/python -m tests.interchange.catalogue_samples` (a seeded run gives the same files).
"""

import random
from decimal import Decimal
from pathlib import Path

from pymarc import Field, Leader, Record, Subfield, XMLWriter

from custodian.synth import catalogue_words as cw
from custodian.synth import words
from custodian.synth.rand import mod10_check_digit

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
BRANCHES = ("CEN", "B01", "B02")  # the demo library's first three branches (3 at least)
COLLECTIONS = (
    ("Adult fiction", "Book", "FIC"),
    ("Adult non-fiction", "Book", "641.5"),
    ("Large print", "Book", "LP FIC"),
    ("Teen", "Book", "YA FIC"),
    ("Children's picture books", "Book", "E"),
    ("DVDs", "DVD", "DVD"),
    ("Audiobooks", "Audiobook", "CD FIC"),
)


def barcode(serial: int) -> str:
    body = f"33999{serial:08d}"
    return body + mod10_check_digit(body)


def isbn13(rng: random.Random) -> str:
    body = "9780" + "".join(str(rng.randrange(10)) for _ in range(8))
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def koha_item(
    *,
    barcode: str | None,
    branch: str = "CEN",
    call_number: str = "FIC ADA",
    collection: str = "Adult fiction",
    item_type: str = "Book",
    price: str | None = "24.99",
    extra: tuple[Subfield, ...] = (),
) -> Field:
    """A Koha 952 the way Koha exports one (home and holding branch both set)."""
    subfields = [Subfield("a", branch), Subfield("b", branch)]
    subfields += [Subfield("o", call_number), Subfield("8", collection), Subfield("y", item_type)]
    if barcode is not None:
        subfields.append(Subfield("p", barcode))
    if price is not None:
        subfields.append(Subfield("v", price))
    return Field(tag="952", indicators=[" ", " "], subfields=subfields + list(extra))


def holdings(*, barcode: str | None, branch: str = "CEN", h: str = "641.5", i: str = "ADA"):
    """A MARC 852 holdings field: location in $b, call number in $h and $i."""
    subfields = [Subfield("a", "Riverbend Public Library"), Subfield("b", branch)]
    subfields += [Subfield("h", h), Subfield("i", i)]
    if barcode is not None:
        subfields.append(Subfield("p", barcode))
    return Field(tag="852", indicators=["0", " "], subfields=subfields)


def bib(
    *,
    control: str | None,
    title: str = "The Silent River :",
    subtitle: str | None = "a novel /",
    author: str | None = "Adams, Ada,",
    responsibility: str | None = "by Ada Adams.",
    isbn: str | None = None,
    items: tuple[Field, ...] = (),
    koha_number: str | None = None,
) -> Record:
    """A bibliographic record with ISBD punctuation, as catalogues keep them."""
    record = Record(force_utf8=True, leader=Leader("00000nam a2200000 a 4500"))
    if control is not None:
        record.add_field(Field(tag="001", data=control))
    if isbn:
        record.add_field(
            Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", f"{isbn} (pbk.)")])
        )
    if author:
        record.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", author)]))
    statement = [Subfield("a", title)]
    if subtitle:
        statement.append(Subfield("b", subtitle))
    if responsibility:
        statement.append(Subfield("c", responsibility))
    skip = "4" if title.startswith("The ") else "0"  # nonfiling characters
    record.add_field(Field(tag="245", indicators=["1", skip], subfields=statement))
    for f in items:
        record.add_field(f)
    if koha_number:
        record.add_field(
            Field(tag="999", indicators=[" ", " "], subfields=[Subfield("c", koha_number)])
        )
    return record


def write_marc(path: Path, records) -> Path:
    with path.open("wb") as handle:
        for record in records:
            handle.write(record.as_marc())
    return path


def write_xml(path: Path, records) -> Path:
    with path.open("wb") as handle:
        writer = XMLWriter(handle)
        for record in records:
            writer.write(record)
        writer.close(close_fh=False)
    return path


def _title(rng: random.Random) -> tuple[str, str | None]:
    if rng.random() < 0.3:
        _, subject = rng.choice(cw.NONFICTION)
        return rng.choice(cw.NONFICTION_TITLE_PATTERNS).format(subject=subject.title()), None
    main = rng.choice(cw.ADULT_TITLE_PATTERNS + cw.TEEN_TITLE_PATTERNS).format(
        adj=rng.choice(cw.ADJECTIVES),
        noun=rng.choice(cw.NOUNS),
        noun2=rng.choice(cw.NOUNS),
        place=rng.choice(cw.PLACES),
    )
    return main, (rng.choice(("a novel", "stories", "a memoir")) if rng.random() < 0.4 else None)


def sample_records(*, seed: int, count: int, first_serial: int, holdings_share: float):
    """`count` records with 1-3 items each (a few with none), numbered from 100000+seed*1000."""
    rng = random.Random(seed)
    serial = first_serial
    for n in range(count):
        main, sub = _title(rng)
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        collection, kind, stem = rng.choice(COLLECTIONS)
        call = f"{stem} {last[:3].upper()}"
        fields = []
        with_holdings = rng.random() < holdings_share
        copies = 0 if n % 97 == 13 else rng.choice((1, 1, 1, 2, 2, 3))  # e-resources: none
        for _ in range(copies):
            serial += 1
            branch = rng.choice(BRANCHES)
            if with_holdings:
                h, _, i = call.rpartition(" ")
                fields.append(holdings(barcode=barcode(serial), branch=branch, h=h, i=i))
            else:
                price = f"{Decimal(rng.randint(8, 40)) + Decimal('0.99')}"
                fields.append(koha_item(barcode=barcode(serial), branch=branch,
                                        call_number=call, collection=collection,
                                        item_type=kind, price=price))  # fmt: skip
        author_field = f"{last}, {first},"
        yield bib(
            control=str(100000 + seed * 1000 + n),
            title=main + (" :" if sub else " /"),
            subtitle=f"{sub} /" if sub else None,
            author=author_field if rng.random() < 0.9 else None,
            responsibility=f"by {first} {last}.",
            isbn=isbn13(rng) if kind == "Book" else None,
            items=tuple(fields),
        )


def main() -> None:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    marc = list(sample_records(seed=1, count=300, first_serial=10_000, holdings_share=0.0))
    write_marc(EXAMPLES / "catalogue.mrc", marc)
    xml = list(sample_records(seed=2, count=120, first_serial=20_000, holdings_share=0.4))
    write_xml(EXAMPLES / "catalogue.xml", xml)


if __name__ == "__main__":
    main()
