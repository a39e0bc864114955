"""`import_catalogue`: MARC 21 and MARCXML in, Koha 952 and MARC 852 items, all or nothing."""

from decimal import Decimal

import pytest
from pymarc import Subfield

from custodian.interchange.catalogue_import import (
    CatalogueFileError,
    import_catalogue,
)
from custodian.records.models import Branch, Item
from tests.interchange import catalogue_samples as s
from tests.records.factories import make_item, make_patron

pytestmark = pytest.mark.django_db


@pytest.fixture
def branches(db):
    return {code: Branch.objects.create(code=code, name=f"Branch {code}") for code in s.BRANCHES}


def _items():
    return {
        i.barcode: (
            i.title, i.author, i.call_number, i.branch.code, i.collection, i.item_type,
            i.replacement_cost, i.record_number, i.isbn, i.status,
        )
        for i in Item.objects.select_related("branch")
    }  # fmt: skip


def _two_records():
    return [
        s.bib(
            control="1001",
            isbn="9780000000002",
            items=(
                s.koha_item(barcode="33999000000011", branch="CEN", price="19.95"),
                s.koha_item(
                    barcode="33999000000029",
                    branch="B01",
                    call_number="LP FIC ADA",
                    collection="Large print",
                ),  # fmt: skip
            ),
        ),
        s.bib(
            control="1002",
            title="Cooking for one /",
            subtitle=None,
            author=None,
            responsibility="edited by Sam Cole.",
            items=(s.holdings(barcode="33999000000037", branch="B02", h="641.5", i="COL"),),
        ),
    ]


def test_binary_marc_with_952_and_852(branches, tmp_path):
    path = s.write_marc(tmp_path / "c.mrc", _two_records())
    result = import_catalogue(path=path)
    assert (result.fmt, result.records, result.created, result.errors) == ("marc", 2, 3, [])
    items = _items()
    assert items["33999000000011"] == (
        "The Silent River: a novel", "Adams, Ada", "FIC ADA", "CEN", "Adult fiction", "Book",
        Decimal("19.95"), "1001", "9780000000002", "available",
    )  # fmt: skip
    assert items["33999000000029"][2:6] == ("LP FIC ADA", "B01", "Large print", "Book")
    # 852: branch from $b, call number $h + $i, author from 245 $c, the model's default cost.
    assert items["33999000000037"] == (
        "Cooking for one", "Sam Cole", "641.5 COL", "B02", "", "", Decimal("25.00"), "1002",
        "", "available",
    )  # fmt: skip


def test_marcxml_reads_the_same_as_binary(branches, tmp_path):
    import_catalogue(path=s.write_xml(tmp_path / "c.xml", _two_records()))
    from_xml = _items()
    Item.objects.all().delete()
    import_catalogue(path=s.write_marc(tmp_path / "c.mrc", _two_records()))
    assert _items() == from_xml and len(from_xml) == 3


def test_koha_biblionumber_wins_over_001_and_status_on_create(branches, tmp_path):
    record = s.bib(
        control="ocm123",
        koha_number="77",
        items=(
            s.koha_item(barcode="33999000000045", extra=(Subfield("1", "1"),)),
            s.koha_item(barcode="33999000000052", extra=(Subfield("0", "1"),)),
        ),
    )
    import_catalogue(path=s.write_marc(tmp_path / "c.mrc", [record]))
    items = _items()
    assert items["33999000000045"][7:] == ("77", "", "lost")
    assert items["33999000000052"][9] == "withdrawn"


def test_dry_run_counts_and_changes_nothing(branches, tmp_path):
    path = s.write_marc(tmp_path / "c.mrc", _two_records())
    result = import_catalogue(path=path, dry_run=True)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert not Item.objects.exists()
    import_catalogue(path=path)
    changed = _two_records()
    changed[0]["952"]["o"] = "FIC ADAMS"
    result = import_catalogue(path=s.write_marc(tmp_path / "d.mrc", changed), dry_run=True)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert _items()["33999000000011"][2] == "FIC ADA"


def test_same_file_twice_changes_nothing(branches, tmp_path):
    path = s.write_marc(tmp_path / "c.mrc", _two_records())
    import_catalogue(path=path)
    before = _items()
    result = import_catalogue(path=path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert _items() == before


def test_a_changed_record_updates_its_items(branches, tmp_path):
    import_catalogue(path=s.write_marc(tmp_path / "c.mrc", _two_records()))
    changed = _two_records()
    changed[0]["245"]["a"] = "The Quiet River :"
    changed[0].get_fields("952")[1]["a"] = "B02"
    result = import_catalogue(path=s.write_marc(tmp_path / "d.mrc", changed))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    items = _items()
    assert items["33999000000011"][0] == "The Quiet River: a novel"
    assert items["33999000000029"][0] == "The Quiet River: a novel"
    assert items["33999000000029"][3] == "B02"


def test_an_item_out_on_loan_keeps_its_status(branches, tmp_path):
    from custodian.circulation.services import check_out

    item = make_item(barcode="33999000000011", branch=branches["CEN"])
    patron = make_patron(home_branch=branches["CEN"])
    check_out(patron=patron, item=item, branch=branches["CEN"])
    # The file says the item is withdrawn; a file never changes a known item's status.
    records = _two_records()
    records[0].get_fields("952")[0].add_subfield("0", "1")
    result = import_catalogue(path=s.write_marc(tmp_path / "c.mrc", records))
    assert result.updated == 1
    item.refresh_from_db()
    assert item.status == Item.Status.ON_LOAN and item.current_loan.patron_id == patron.pk
    assert item.title == "The Silent River: a novel" and item.replacement_cost == Decimal("19.95")


def test_bad_records_are_numbered_and_nothing_is_written(branches, tmp_path):
    records = _two_records() + [
        s.bib(control="1003", items=(s.koha_item(barcode=None),)),
        s.bib(control="1004", items=(s.koha_item(barcode="33999000000060", branch="ZZZ"),)),
        s.bib(control="1005", items=(s.koha_item(barcode="33999000000011"),)),
        s.bib(control=None, items=(s.koha_item(barcode="33999000000078", price="lots"),)),
        s.bib(control="1007", title="", subtitle=None, items=(s.koha_item(barcode="3399"),)),
    ]
    result = import_catalogue(path=s.write_marc(tmp_path / "c.mrc", records))
    assert result.errors == [
        "record 3 (control number 1003): item barcode missing in 952 number 1 ($p)",
        "record 4 (control number 1004): branch code 'ZZZ' of item 33999000000060 is not a "
        "branch here (the branches are B01, B02, CEN)",
        "record 5 (control number 1005): item barcode 33999000000011 is also in record 1; a "
        "barcode belongs to one item",
        "record 6: price 'lots' in 952 number 1 is not an amount of money",
        "record 7 (control number 1007): no title (245 $a)",
    ]
    assert result.refused == 5
    assert not Item.objects.exists()


def test_a_record_without_items_is_noted_and_skipped(branches, tmp_path):
    records = [s.bib(control="2001"), *_two_records()]
    result = import_catalogue(path=s.write_marc(tmp_path / "c.mrc", records))
    assert result.without_items == [
        "record 1 (control number 2001) has no items; nothing to lend (skipped)"
    ]
    assert result.created == 3 and not result.errors


def test_a_value_too_wide_for_the_catalogue_is_refused(branches, tmp_path):
    record = s.bib(control="1", items=(s.koha_item(barcode="3" * 33, collection="x" * 61),))
    result = import_catalogue(path=s.write_marc(tmp_path / "c.mrc", [record]))
    assert result.errors == [
        "record 1 (control number 1): barcode in 952 number 1 is 33 characters; the most "
        "Custodian keeps is 32",
        "record 1 (control number 1): collection in 952 number 1 is 61 characters; the most "
        "Custodian keeps is 60",
    ]


def test_a_truncated_file_is_an_error_and_nothing_is_written(branches, tmp_path):
    whole = s.write_marc(tmp_path / "c.mrc", _two_records()).read_bytes()
    path = tmp_path / "cut.mrc"
    path.write_bytes(whole[:-40])
    result = import_catalogue(path=path)
    assert result.errors == [
        "record 2: cannot be read: the file ends in the middle of it (truncated)"
    ]
    assert not Item.objects.exists()


def test_a_bad_leader_is_an_error_and_nothing_is_written(branches, tmp_path):
    first, second = (r.as_marc() for r in _two_records())
    path = tmp_path / "bad.mrc"
    path.write_bytes(first + b"12x45" + second[5:])
    result = import_catalogue(path=path)
    assert len(result.errors) == 1
    assert result.errors[0].startswith("record 2: cannot be read: its leader does not start")
    assert not Item.objects.exists()
    # A leader whose base address points past the record: that record only.
    broken = bytearray(second)
    broken[12:17] = b"99999"
    path.write_bytes(bytes(broken) + first)
    result = import_catalogue(path=path)
    assert result.errors == ["record 1: cannot be read: Base address exceeds size of record"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "c.dat is empty"),
        (b"hello, this is not MARC", "c.dat is neither binary MARC"),
        (b"<collection><record><leader>", "c.dat is not well-formed MARCXML: line 1"),
        (b"<html><body>a web page</body></html>", "c.dat holds no MARC records"),
    ],
)
def test_a_file_that_is_not_marc_is_one_clear_error(branches, tmp_path, content, message):
    path = tmp_path / "c.dat"
    path.write_bytes(content)
    with pytest.raises(CatalogueFileError) as error:
        import_catalogue(path=path)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)
    assert not Item.objects.exists()


def test_a_missing_file_is_one_clear_error(tmp_path):
    with pytest.raises(CatalogueFileError, match="no file at"):
        import_catalogue(path=tmp_path / "nowhere.mrc")


@pytest.mark.parametrize(("name", "records", "items"), [("catalogue.mrc", 300, 489),
                                                        ("catalogue.xml", 120, 194)])  # fmt: skip
def test_the_sample_files_import(branches, name, records, items):
    """The files docs/import-catalogue.md points at, as CI imports them."""
    path = s.EXAMPLES / name
    result = import_catalogue(path=path)
    assert not result.errors
    assert (result.records, result.created, Item.objects.count()) == (records, items, items)
    assert result.without_items  # the e-resources, noted and skipped
    assert import_catalogue(path=path).unchanged == items
