"""Branches and the collection: items with titles, authors, call numbers, the collection
they are shelved in and their item type, in the library's own words."""

import calendar
from decimal import Decimal

from custodian.records.models import Branch, Item
from custodian.synth import catalogue_words as cw
from custodian.synth import words
from custodian.synth.bulk import insert, next_id
from custodian.synth.context import ADULT, CHILD, INSTITUTION, ITEMS_PER_PATRON, TEEN, Context
from custodian.synth.progress import Tracker
from custodian.synth.rand import barcodes, sub_rng

# What an item is, per audience: (format, weight). Books are most of every collection.
FORMATS = {
    CHILD: (("book", 90), ("dvd", 5), ("audiobook", 3), ("magazine", 2)),
    TEEN: (("book", 90), ("audiobook", 5), ("dvd", 3), ("magazine", 2)),
    ADULT: (("book", 74), ("large_print", 7), ("dvd", 9), ("audiobook", 6), ("magazine", 4)),
}
# The item type an ILS would export for each format.
ITEM_TYPES = {
    "book": "Book",
    "large_print": "Book",
    "dvd": "DVD",
    "audiobook": "Audiobook",
    "magazine": "Magazine",
}
# Call number prefixes of the formats shelved apart from the books.
SHELF_PREFIX = {"large_print": "LP ", "dvd": "DVD ", "audiobook": "CD "}
MAGAZINE_COST = Decimal("6.99")


def make_branches(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="branches")
    first = next_id(Branch)
    rows = []
    for index in range(ctx.branches):
        name = words.BRANCH_NAMES[index % len(words.BRANCH_NAMES)]
        if index >= len(words.BRANCH_NAMES):
            name = f"{name} {index // len(words.BRANCH_NAMES) + 1}"
        code = "CEN" if index == 0 else f"B{index:02d}"
        rows.append((first + index, code, name))
        ctx.branch_ids.append(first + index)
        ctx.branch_codes.append(code)
        # The central library serves about three times the patrons of a branch.
        ctx.branch_weights.append(3.0 if index == 0 else rng.uniform(0.6, 1.4))
    insert(Branch, ("id", "code", "name"), rows, tracker=tracker, written=ctx.written)


def item_count(patrons: int) -> int:
    return max(60, patrons * ITEMS_PER_PATRON)


def plan_items(*, ctx: Context) -> None:
    """Decide each item's audience, branch and cost; its title is drawn when it is written."""
    rng = sub_rng(seed=ctx.seed, phase="items")
    count = item_count(ctx.patrons)
    branches = list(range(ctx.branches))
    ctx.item_id0 = next_id(Item)
    ctx.i_branch = rng.choices(branches, weights=ctx.branch_weights, k=count)
    # Children's collections are large; teen collections small.
    ctx.i_audience = rng.choices((CHILD, TEEN, ADULT), weights=(30, 12, 58), k=count)
    base = {CHILD: (10, 20), TEEN: (14, 26), ADULT: (18, 40)}
    ctx.i_cost = [Decimal(f"{rng.randint(*base[a])}.99") for a in ctx.i_audience]
    ctx.i_status = [Item.Status.AVAILABLE] * count
    # Its own stream, so the formats shift neither the titles nor anything else a seed makes.
    formats = sub_rng(seed=ctx.seed, phase="item-formats")
    choices = {a: ([f for f, _ in fw], [w for _, w in fw]) for a, fw in FORMATS.items()}
    ctx.i_format = [formats.choices(*choices[a])[0] for a in ctx.i_audience]
    for index, kind in enumerate(ctx.i_format):
        if kind == "magazine":
            ctx.i_cost[index] = MAGAZINE_COST
    # A few items were lost or withdrawn and never circulate again.
    for index in rng.sample(range(count), max(1, count // 200)):
        ctx.i_status[index] = Item.Status.LOST
    for index in rng.sample(range(count), count // 100):
        if ctx.i_status[index] == Item.Status.AVAILABLE:
            ctx.i_status[index] = Item.Status.WITHDRAWN


def _author(rng) -> tuple[str, str]:
    last = rng.choice(words.LAST_NAMES)
    return f"{rng.choice(words.FIRST_NAMES)} {last}", last[:3].upper()


def _title(rng, audience: str) -> tuple[str, str, str]:
    """(title, author, call number) for one item of the given audience."""
    author, cutter = _author(rng)
    if rng.random() < 0.3:
        dewey, subject = rng.choice(cw.NONFICTION)
        title = rng.choice(cw.NONFICTION_TITLE_PATTERNS).format(subject=subject.title())
        prefix = {CHILD: "J ", TEEN: "YA ", ADULT: ""}[audience]
        return title, author, f"{prefix}{dewey} {cutter}"
    patterns = {
        CHILD: cw.JUVENILE_TITLE_PATTERNS,
        TEEN: cw.TEEN_TITLE_PATTERNS,
        ADULT: cw.ADULT_TITLE_PATTERNS,
    }[audience]
    title = rng.choice(patterns).format(
        adj=rng.choice(cw.ADJECTIVES),
        noun=rng.choice(cw.NOUNS),
        noun2=rng.choice(cw.NOUNS),
        place=rng.choice(cw.PLACES),
    )
    if audience == CHILD:
        shelf = "E" if rng.random() < 0.5 else "J FIC"  # picture books or chapter books
    else:
        shelf = "YA FIC" if audience == TEEN else "FIC"
    return title, author, f"{shelf} {cutter}"


def _book_collection(audience: str, call_number: str) -> str:
    """The shelf a book's call number puts it on."""
    if audience == TEEN:
        return "Teen"
    fiction = "FIC" in call_number.split()
    if audience == CHILD:
        if call_number.startswith("E "):
            return "Children's picture books"
        return "Children's fiction" if fiction else "Children's non-fiction"
    return "Adult fiction" if fiction else "Adult non-fiction"


def _shelve(
    rng, *, kind: str, audience: str, title: str, author: str, call_number: str, today
) -> tuple[str, str, str, str, str]:
    """(title, author, call number, collection, item type) of one item of the given format."""
    item_type = ITEM_TYPES[kind]
    if kind == "magazine":
        names = cw.CHILDREN_MAGAZINES if audience == CHILD else cw.MAGAZINES
        months_back = rng.randrange(36)
        month = (today.month - 1 - months_back) % 12 + 1
        year = today.year + (today.month - 1 - months_back) // 12
        issue = f"{rng.choice(names)}, {calendar.month_name[month]} {year}"
        collection = {CHILD: "Children's magazines", TEEN: "Teen"}.get(audience, "Magazines")
        return issue, "", "MAG", collection, item_type
    call_number = SHELF_PREFIX.get(kind, "") + call_number
    if kind == "book":
        collection = _book_collection(audience, call_number)
    elif kind == "large_print":
        collection = "Large print"
    elif kind == "dvd":
        collection = "Children's DVDs" if audience == CHILD else "DVDs"
    else:
        collection = {CHILD: "Children's audiobooks", TEEN: "Teen"}.get(audience, "Audiobooks")
    return title, author, call_number, collection, item_type


def write_items(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="item-titles")
    issues = sub_rng(seed=ctx.seed, phase="item-issues")
    count = len(ctx.i_audience)
    codes = barcodes(rng=rng, kind="3", institution=INSTITUTION, count=count)

    def rows():
        for index in range(count):
            audience = ctx.i_audience[index]
            title, author, call_number = _title(rng, audience)
            title, author, call_number, collection, item_type = _shelve(
                issues,
                kind=ctx.i_format[index],
                audience=audience,
                title=title,
                author=author,
                call_number=call_number,
                today=ctx.today,
            )
            yield (
                ctx.item_id0 + index,
                codes[index],
                title,
                author,
                call_number,
                ctx.branch_ids[ctx.i_branch[index]],
                ctx.i_status[index],
                ctx.i_cost[index],
                collection,
                item_type,
            )

    columns = (
        "id",
        "barcode",
        "title",
        "author",
        "call_number",
        "branch_id",
        "status",
        "replacement_cost",
        "collection",
        "item_type",
    )
    insert(Item, columns, rows(), tracker=tracker, written=ctx.written)
