"""PINs from the system being left: a bcrypt hash (Koha's) is kept checkable, never bare."""

import bcrypt
import pytest

from custodian.circulation.patrons import verify_pin
from custodian.interchange.patron_import import import_file
from custodian.interchange.pin_hashes import bcrypt_setting, layer_bcrypt
from custodian.records.models import Branch
from custodian.records.selectors import patron_by_card
from tests.interchange.patron_files import koha_row, write_koha

pytestmark = pytest.mark.django_db
CARD = "29000000000001"


@pytest.fixture(autouse=True)
def branch():
    Branch.objects.create(code="CEN", name="Central")


def _koha_hash(pin: str) -> str:
    # As Koha writes them: "$2a$", cost 8.
    return bcrypt.hashpw(pin.encode(), bcrypt.gensalt(8, prefix=b"2a")).decode()


def test_a_bcrypt_hash_verifies_then_becomes_an_argon2_hash(tmp_path):
    source = _koha_hash("2468")
    import_file(path=write_koha(tmp_path / "p.csv", [koha_row(1, password=source)]))
    patron = patron_by_card(CARD)
    layered = patron.pin_hash
    # Stored as an Argon2 hash over the bcrypt hash: neither the PIN nor the bcrypt hash.
    assert layered.startswith("$argon2id$") and source not in layered and "2468" not in layered
    assert bcrypt_setting(layered) == source.encode()[:29]
    assert not verify_pin(patron=patron, pin="1357")
    assert patron_by_card(CARD).pin_hash == layered  # a wrong PIN changes nothing
    assert verify_pin(patron=patron, pin="2468")
    upgraded = patron_by_card(CARD).pin_hash
    assert upgraded != layered and upgraded.startswith("$argon2id$")
    assert bcrypt_setting(upgraded) is None  # an ordinary Argon2 hash of the PIN now
    assert verify_pin(patron=patron_by_card(CARD), pin="2468")
    assert not verify_pin(patron=patron_by_card(CARD), pin="1357")


def test_reimporting_the_same_hash_is_no_change_and_a_newer_pin_here_wins(tmp_path):
    source = _koha_hash("2468")
    path = write_koha(tmp_path / "p.csv", [koha_row(1, password=source)])
    import_file(path=path)
    assert import_file(path=path).report.unchanged == 1
    # Another hash from the source replaces a layered one...
    other = write_koha(tmp_path / "q.csv", [koha_row(1, password=_koha_hash("1111"))])
    assert import_file(path=other).report.updated == 1
    assert verify_pin(patron=patron_by_card(CARD), pin="1111")
    # ...but once the patron's PIN is Custodian's own, the old system's hash does not undo it.
    assert import_file(path=path).report.unchanged == 1
    assert verify_pin(patron=patron_by_card(CARD), pin="1111")


@pytest.mark.parametrize("prefix", [b"2a", b"2b"])
def test_layering_takes_each_bcrypt_version(prefix):
    source = bcrypt.hashpw(b"0000", bcrypt.gensalt(4, prefix=prefix)).decode()
    assert bcrypt_setting(layer_bcrypt(source)) == source.encode()[:29]
    with pytest.raises(ValueError):
        layer_bcrypt("not a hash")
