"""Writing small patron files for the import tests, and running the commands as staff do."""

import csv
from pathlib import Path

import typer
from typer.testing import CliRunner

from custodian.interchange import cli as interchange_cli
from custodian.interchange.patrons import KOHA_COLUMNS

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def koha_row(n: int = 1, **values) -> dict:
    row = dict.fromkeys(KOHA_COLUMNS, "")
    row.update(
        cardnumber=f"2900000000{n:04d}",
        surname=f"Quillfeather{n}",
        firstname="Odalys",
        address=f"{n} Larkspur Ln",
        city="Glenmoor",
        state="CA",
        zipcode="95412",
        email=f"odalys{n}@example.org",
        phone="(707) 555-0123",
        dateofbirth="1987-02-13",
        branchcode="CEN",
        categorycode="PT",
        dateenrolled="2024-05-01",
        dateexpiry="2027-05-01",
        privacy="2",
    )
    row.update(values)
    return row


def write_koha(path: Path, rows: list[dict], columns=KOHA_COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as lines:
        return list(csv.DictReader(lines))


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Custodian (test harness)."""

    interchange_cli.register(app)
    return app


def run(*args):
    return CliRunner().invoke(_app(), [str(a) for a in args])
