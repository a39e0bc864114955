"""Branches and the collection: items with titles, authors and call numbers."""

from decimal import Decimal

from custodian.records.models import Branch, Item
from custodian.synth import catalogue_words as cw
from custodian.synth import words
from custodian.synth.bulk import insert, next_id
from custodian.synth.context import ADULT, CHILD, INSTITUTION, ITEMS_PER_PATRON, TEEN, Context
from custodian.synth.progress import Tracker
from custodian.synth.rand import barcodes, sub_rng


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


def write_items(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="item-titles")
    count = len(ctx.i_audience)
    codes = barcodes(rng=rng, kind="3", institution=INSTITUTION, count=count)

    def rows():
        for index in range(count):
            title, author, call_number = _title(rng, ctx.i_audience[index])
            yield (
                ctx.item_id0 + index,
                codes[index],
                title,
                author,
                call_number,
                ctx.branch_ids[ctx.i_branch[index]],
                ctx.i_status[index],
                ctx.i_cost[index],
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
    )
    insert(Item, columns, rows(), tracker=tracker, written=ctx.written)
