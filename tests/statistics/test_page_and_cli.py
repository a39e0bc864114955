"""The staff page, its CSV and `custodian stats`: the same suppressed figures everywhere."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from custodian.cli import app
from custodian.statistics.models import Tally
from tests.records.factories import make_branch

pytestmark = pytest.mark.django_db

ROLES = ("desk", "branch_manager", "director", "designee", "it_admin", "auditor")


@pytest.fixture
def staff(db, django_user_model):
    return {
        r: django_user_model.objects.create_user(username=f"{r}-user", password=None, role=r)
        for r in ROLES
    }


@pytest.fixture
def counts():
    """Two branches: Central busy every month; Hill with one small month (3 in March)."""
    central, hill = make_branch(name="Central"), make_branch(name="Hill")
    for month in range(1, 13):
        Tally.objects.create(
            act="checkout",
            branch=central,
            year=2025,
            month=month,
            collection="Adult fiction",
            item_type="Book",
            age_band="18-64",
            n=100 + month,
        )
        Tally.objects.create(
            act="checkout",
            branch=hill,
            year=2025,
            month=month,
            collection="Adult fiction",
            item_type="Book",
            age_band="65+",
            n=3 if month == 3 else 40,
        )
    return central, hill


def test_the_page_is_for_the_reporting_roles_and_audits_a_refusal(client, staff, counts):
    from custodian.audit.models import AuditEntry

    for role in ("director", "designee", "branch_manager", "it_admin", "auditor"):
        client.force_login(staff[role])
        assert client.get("/staff/statistics/?year=2025").status_code == 200, role
    client.force_login(staff["desk"])
    before = AuditEntry.objects.count()
    assert client.get("/staff/statistics/?year=2025").status_code == 403
    assert AuditEntry.objects.filter(action="denied").count() == 1
    assert AuditEntry.objects.count() == before + 1
    client.logout()
    assert client.get("/staff/statistics/").status_code == 302  # to sign in


def test_the_page_shows_words_for_small_figures_charts_and_no_codes(client, staff, counts):
    client.force_login(staff["director"])
    html = client.get("/staff/statistics/?year=2025&rows=branch&columns=month").content.decode()
    assert "Check-outs in 2025, by branch and month" in html
    assert "fewer than 10" in html and "withheld" in html
    assert ">3<" not in html  # the small figure itself
    # Two charts, each with a title and a description, and the figures in a table too.
    assert html.count('<svg class="chart"') == 2 and html.count("<title id=") == 2
    assert '<table id="statistics-table"' in html
    for code in ("checkout", "item_type", "age_band", "18-64"):
        assert f">{code}<" not in html
    assert "<script" not in html


def test_bad_choices_are_refused_or_explained(client, staff, counts):
    client.force_login(staff["director"])
    assert client.get("/staff/statistics/?year=12").status_code == 400
    assert client.get("/staff/statistics/?rows=patron").status_code == 400
    html = client.get(
        "/staff/statistics/?year=2025&counting=computer_session&rows=collection"
    ).content.decode()
    assert "not counted by collection" in html


def test_the_csv_download_has_the_same_suppressed_figures(client, staff, counts):
    client.force_login(staff["director"])
    response = client.get("/staff/statistics/?year=2025&rows=branch&columns=month&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    head = rows[1]
    assert head[:4] == ["Branch", "Jan", "Feb", "Mar"]
    hill = next(r for r in rows if r[0] == "Hill")
    assert hill[3] == "fewer than 10"
    assert sum(1 for r in rows[2:] for v in r[1:] if v == "withheld") >= 3
    assert not any(v == "3" for r in rows for v in r)


def test_cli_prints_the_same_table_as_csv_json_and_text(counts):
    runner = CliRunner()
    out = runner.invoke(app, ["stats", "--year", "2025", "--by", "branch,month", "--csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.reader(io.StringIO(out.output)))
    assert rows[0][:2] == ["Branch", "Jan"] and rows[-1][0] == "Total"
    hill = next(r for r in rows if r[0] == "Hill")
    assert hill[3] == "fewer than 10"
    data = json.loads(
        runner.invoke(app, ["stats", "--year", "2025", "--by", "branch,month", "--json"]).output
    )
    assert data["min_cell_size"] == 10
    hill = next(r for r in data["rows"] if r["label"] == "Hill")
    assert hill["figures"]["Mar"] == "fewer than 10"
    assert "withheld" in hill["figures"].values()  # its complement in the row
    by_band = json.loads(
        runner.invoke(app, ["stats", "--year", "2025", "--by", "age_band", "--json"]).output
    )
    assert by_band["rows"][2] == {"label": "18 to 64", "count": 1278}
    text = runner.invoke(app, ["stats", "--year", "2025", "--by", "age_band"])
    assert text.exit_code == 0 and "65 and over" in text.output and "fewer than" in text.output


def test_cli_errors_name_the_choices_and_change_nothing(counts):
    runner = CliRunner()
    before = list(Tally.objects.values_list("n", flat=True))
    bad = runner.invoke(app, ["stats", "--year", "2025", "--by", "branch,patron"])
    assert bad.exit_code == 2
    assert "error: no breakdown called 'patron'; choose from branch, month" in bad.output
    both = runner.invoke(app, ["stats", "--csv", "--json"])
    assert both.exit_code == 2 and "error: choose --csv or --json" in both.output
    act = runner.invoke(app, ["stats", "--counting", "looks"])
    assert act.exit_code == 2 and "choose from checkout, return" in act.output
    assert list(Tally.objects.values_list("n", flat=True)) == before
