"""`export_catalogue`: items out as MARC records with a 952 each, round-tripping with the
import, and nothing about loans or patrons in the file."""

import pymarc
import pytest

from custodian.circulation.services import check_out
from custodian.interchange.catalogue_export import export_catalogue
from custodian.interchange.catalogue_import import import_catalogue
from custodian.records.models import Branch, Item
from tests.interchange import catalogue_samples as s
from tests.records.factories import make_item, make_patron

pytestmark = pytest.mark.django_db


@pytest.fixture
def branches(db):
    return {code: Branch.objects.create(code=code, name=f"Branch {code}") for code in s.BRANCHES}


FIELDS = (
    "title", "author", "call_number", "branch__code", "collection", "item_type",
    "replacement_cost", "record_number", "isbn", "status",
)  # fmt: skip


def _catalogue() -> dict:
    return {row[0]: row[1:] for row in Item.objects.values_list("barcode", *FIELDS)}


@pytest.mark.parametrize("fmt", ["marc", "marcxml"])
@pytest.mark.parametrize("sample", ["catalogue.mrc", "catalogue.xml"])
def test_round_trip_gives_the_same_items(branches, tmp_path, fmt, sample):
    import_catalogue(path=s.EXAMPLES / sample)
    # Lost and withdrawn travel in the 952 ($1, $0); give a couple of items those.
    Item.objects.filter(pk=Item.objects.order_by("pk")[0].pk).update(status="lost")
    Item.objects.filter(pk=Item.objects.order_by("-pk")[0].pk).update(status="withdrawn")
    before = _catalogue()
    out = tmp_path / ("out.xml" if fmt == "marcxml" else "out.mrc")
    result = export_catalogue(path=out, fmt=fmt)
    assert result.items == len(before)
    # Into an empty catalogue: every item back with every field.
    Item.objects.all().delete()
    again = import_catalogue(path=out)
    assert not again.errors and again.records == result.records
    assert _catalogue() == before
    # And the export of that import is the same file.
    second = tmp_path / ("second" + out.suffix)
    export_catalogue(path=second, fmt=fmt)
    assert second.read_bytes() == out.read_bytes()


def test_items_of_one_record_are_one_record_again(branches, tmp_path):
    record = s.bib(
        control="555",
        isbn="9780000000002",
        items=tuple(
            s.koha_item(barcode=s.barcode(n), branch=b) for n, b in ((1, "CEN"), (2, "B01"))
        ),
    )
    import_catalogue(path=s.write_marc(tmp_path / "in.mrc", [record]))
    make_item(barcode="31000000000001", title="Made Here", branch=branches["B02"])
    make_item(barcode="31000000000002", title="Made Here", branch=branches["CEN"])
    export_catalogue(path=tmp_path / "out.mrc", fmt="marc")
    records = list(pymarc.MARCReader((tmp_path / "out.mrc").open("rb"), to_unicode=True))
    assert len(records) == 2
    made_here, imported = sorted(records, key=lambda r: r.get("001") is not None)
    assert made_here.get("001") is None and len(made_here.get_fields("952")) == 2
    assert imported["001"].data == "555" and imported["020"]["a"] == "9780000000002"
    assert imported["245"]["a"] == "The Silent River: a novel"
    assert imported["100"]["a"] == "Adams, Ada"
    assert [f["p"] for f in imported.get_fields("952")] == [s.barcode(1), s.barcode(2)]
    assert [f["a"] for f in imported.get_fields("952")] == ["CEN", "B01"]


def test_nothing_about_loans_or_patrons_leaves(branches, tmp_path):
    item = make_item(barcode="31000000000003", branch=branches["CEN"])
    patron = make_patron(
        home_branch=branches["CEN"], first_name="Zebulon", last_name="Quartermaine",
        email="zq@example.org", phone="555-0199", address="12 Secret Lane",
    )  # fmt: skip
    loan = check_out(patron=patron, item=item, branch=branches["CEN"])
    for fmt, name in (("marc", "out.mrc"), ("marcxml", "out.xml")):
        export_catalogue(path=tmp_path / name, fmt=fmt)
        data = (tmp_path / name).read_bytes()
        assert b"31000000000003" in data  # the item is there...
        for secret in (  # ...and nothing of who has it or until when
            patron.card_number, "Zebulon", "Quartermaine", "zq@example.org", "555-0199",
            "Secret Lane", str(patron.ref), loan.due_on.isoformat(),
            loan.due_on.strftime("%Y%m%d"), "on_loan",
        ):  # fmt: skip
            assert secret.encode() not in data, secret
        if fmt == "marcxml":
            record = pymarc.parse_xml_to_array(str(tmp_path / name))[0]
        else:
            record = next(iter(pymarc.MARCReader(data)))
        # Koha's loan subfields (due date, counts, last borrowed) are never written.
        assert not {"q", "l", "m", "n", "s"} & {sf.code for sf in record["952"].subfields}


def test_a_failed_export_leaves_no_file(branches, tmp_path, monkeypatch):
    make_item(barcode="31000000000004", branch=branches["CEN"])
    from custodian.interchange import catalogue_export

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(catalogue_export, "build_record", broken)
    with pytest.raises(RuntimeError):
        export_catalogue(path=tmp_path / "out.mrc", fmt="marc")
    assert list(tmp_path.iterdir()) == []
