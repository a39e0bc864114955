"""Portal screens: take my data (/my/data/): what the download holds, and the download
itself as JSON, PDF or a printable page. Each download is one door read (audited once as
the patron's own) built in memory and sent; nothing is written to disk, and the project's
NoStoreMiddleware marks every answer `Cache-Control: no-store`."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from custodian import door
from custodian.portal import takeout
from custodian.portal.session import patron_required


def _attachment(body: bytes, *, content_type: str, extension: str) -> HttpResponse:
    # The file name carries the day only: no name or card number in a download's name.
    name = f"my-library-data-{timezone.localdate().isoformat()}.{extension}"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@patron_required
def data(request):
    sections = [{"label": s.label, "about": s.about} for s in takeout.SECTIONS.values()]
    return render(request, "portal/data.html", {"sections": sections})


@require_GET
@patron_required
def data_json(request):
    taken = door.take_my_data(reader=request.patron_reader)
    return _attachment(
        takeout.json_bytes(taken), content_type="application/json; charset=utf-8", extension="json"
    )


@require_GET
@patron_required
def data_pdf(request):
    taken = door.take_my_data(reader=request.patron_reader)
    return _attachment(takeout.pdf_bytes(taken), content_type="application/pdf", extension="pdf")


@require_GET
@patron_required
def data_print(request):
    taken = door.take_my_data(reader=request.patron_reader)
    return render(
        request,
        "portal/data_print.html",
        {"taken": taken, "sections": takeout.page_sections(taken)},
    )


urlpatterns = [
    path("data/", data, name="data"),
    path("data/json/", data_json, name="data_json"),
    path("data/pdf/", data_pdf, name="data_pdf"),
    path("data/print/", data_print, name="data_print"),
]
