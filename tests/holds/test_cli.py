"""`custodian holds list`: counts only, no patron, case or instrument."""

import json

import pytest
from typer.testing import CliRunner

from custodian.cli import app
from custodian.holds import services
from tests.holds.conftest import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_holds_list_gives_counts_only(director, patron):
    sealed = make_case(patron=patron, by=director, sealed=True)
    services.place_hold(user=director, patron_ref=patron.ref, reason="Court order 12")
    services.place_hold(user=director, patron_ref=patron.ref, reason="Sealed order", case=sealed)
    released = services.place_hold(user=director, patron_ref=patron.ref, reason="Letter")
    services.release_hold(user=director, hold=released, reason="Withdrawn")
    result = CliRunner().invoke(app, ["holds", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "in_force_from_a_case": 0,
        "in_force_by_hand": 1,
        "in_force_sealed": 1,
        "released": 1,
    }
    table = CliRunner().invoke(app, ["holds", "list"])
    assert table.exit_code == 0
    for secret in ("Court order 12", "Sealed order", str(patron.ref), patron.last_name):
        assert secret not in table.output
