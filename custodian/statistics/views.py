"""The statistics page for staff: a year, what to count, one or two breakdowns; charts, the
table with small figures suppressed, and the same table as CSV.

Mounted at /staff/statistics/. The counts name no patron, so no door read is involved; the
page is still for the people who report on the library (director, designee, branch
managers, the IT administrator who runs the reports, auditors), not the desk.
"""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from custodian.accounts.decorators import role_required
from custodian.accounts.models import Role
from custodian.errors import choice_param, int_param
from custodian.statistics import charts
from custodian.statistics.models import ACTS
from custodian.statistics.selectors import BREAKDOWNS, ITEM_ACTS, BadChoice, report, years

STATISTICS_ROLES = (
    Role.DIRECTOR,
    Role.DESIGNEE,
    Role.BRANCH_MANAGER,
    Role.IT_ADMIN,
    Role.AUDITOR,
)


def _cell(fig, n):
    return {"text": fig.words(n), "hidden": not fig.shown}


def _table(result):
    n = result.min_cell_size
    body = [
        {
            "label": label,
            "cells": [_cell(f, n) for f in cells],
            "total": _cell(total, n),
        }
        for label, cells, total in result.rows()
    ]
    foot = {
        "cells": [_cell(f, n) for f in result.table.col_totals],
        "total": _cell(result.table.total, n),
    }
    return body, foot


def _choices(request):
    today = timezone.localdate()
    year = int_param(request, "year", default=today.year, low=1900, high=9999)
    act = choice_param(request, "counting", tuple(ACTS)) or "checkout"
    rows = choice_param(request, "rows", tuple(BREAKDOWNS)) or "branch"
    cols = choice_param(request, "columns", (*BREAKDOWNS, "none")) or "month"
    by = (rows,) if cols in ("none", rows) else (rows, cols)
    return year, act, by


@require_GET
@role_required(*STATISTICS_ROLES)
def statistics(request):
    year, act, by = _choices(request)
    error = ""
    try:
        result = report(year=year, by=by, act=act)
    except BadChoice as exc:
        error = f"{str(exc)[0].upper()}{str(exc)[1:]}."
        by = ("branch", "month")
        result = report(year=year, by=by, act=act)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="statistics-{year}-{act}-{"-".join(by)}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow([result.title])
        writer.writerows(result.csv_rows())
        writer.writerow([result.as_json()["note"]])
        return response
    today = timezone.localdate()
    shown_years = sorted({*years(), today.year, year}, reverse=True)
    body, foot = _table(result)
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "statistics/statistics.html",
        {
            "report": result,
            "error": error,
            "year": year,
            "act": act,
            "rows": by[0],
            "columns": by[1] if len(by) == 2 else "none",
            "years": shown_years,
            "acts": ACTS,
            "item_acts": ITEM_ACTS,
            "breakdowns": BREAKDOWNS,
            "bar_chart": charts.bars(result, ident="chart-totals"),
            "line_chart": charts.lines(result, ident="chart-months"),
            "csv_query": query.urlencode(),
            "two_way": len(by) == 2,
            "rows_label": BREAKDOWNS[by[0]],
            "body": body,
            "foot": foot,
            "note": result.as_json()["note"],
        },
    )
