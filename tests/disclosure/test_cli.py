import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from custodian.cli import app
from custodian.disclosure import services
from tests.disclosure.intakes import fisa_order, member_of_the_public

pytestmark = pytest.mark.django_db(transaction=True)


def test_transparency_report_leaves_sealed_cases_out(door, staff):
    services.intake(user=staff["desk"], data=member_of_the_public())
    services.intake(user=staff["desk"], data=fisa_order())
    year = dt.date.today().year
    result = CliRunner().invoke(app, ["transparency-report", "--year", str(year), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # One request: below the minimum cell size (10), so published as words, not a number.
    assert report["total"] == "fewer than 10"
    assert report["by_requester_kind"] == {"public": "fewer than 10"}
    assert "fisa_order" not in report["by_document_type"] and "omit" in report["note"]
    result = CliRunner().invoke(app, ["transparency-report", "--year", str(year)])
    assert result.exit_code == 0 and "omit" in result.output
