"""The release and what follows it: the package, staff time and the invoice, counsel's review."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, JsonResponse
from ninja.responses import Status

from custodian.api.disclosure._common import (
    CASE_ROLES,
    _case,
    _case_after,
    _on_case,
    _release_out,
    _role_guard,
    router,
)
from custodian.api.disclosure.schemas import (
    ERRORS,
    CaseOut,
    CostIn,
    CounselIn,
    ReleaseIn,
    ReleaseOut,
)
from custodian.disclosure import services


@router.post(
    "/cases/{ref}/releases",
    response={201: ReleaseOut, **ERRORS},
    summary="Produce the disclosure package",
    operation_id="custodian_api_disclosure_add_release",
)
def add_release(request: HttpRequest, ref: UUID, payload: ReleaseIn):
    _, rel = _on_case(
        request,
        ref,
        "disclosure.release",
        services.release,
        handed_to=payload.handed_to,
        fields=list(payload.fields) if payload.fields else None,
        date_from=payload.date_from,
        date_to=payload.date_to,
    )
    return Status(201, _release_out(rel))


@router.get(
    "/cases/{ref}/releases/{release_ref}",
    response={200: dict, **ERRORS},
    summary="The JSON disclosure package (the Director, designees, or the releaser's one hand-over)",
    operation_id="custodian_api_disclosure_get_package",
)
def get_package(request: HttpRequest, ref: UUID, release_ref: UUID):
    """The package's records go through the door: the Director and designees get them; the
    releaser, if another role, once (the hand-over); anyone else on the case gets 403 (the
    case's `releases` say when and to whom it went). Every fetch is audited with its fields."""
    _role_guard(request, CASE_ROLES, "disclosure.package")
    access = services.open_package(
        user=request.user,
        case_ref=ref,
        release_ref=release_ref,
        kind="json",
        action="disclosure.package",
    )
    if not access.open:
        raise services.Forbidden(access.message + " The attempt has been recorded.")
    response = JsonResponse(access.document())
    # Patron data on a shared desk terminal: never cached.
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/cases/{ref}/costs",
    response={201: dict, **ERRORS},
    summary="Record staff time (requester pays)",
    operation_id="custodian_api_disclosure_add_cost",
)
def add_cost(request: HttpRequest, ref: UUID, payload: CostIn):
    _, c = _on_case(request, ref, "disclosure.cost", services.add_cost, **payload.model_dump())
    return Status(
        201,
        {
            "description": c.description,
            "staff_minutes": c.staff_minutes,
            "hourly_rate_cents": c.hourly_rate_cents,
            "amount_cents": c.amount_cents,
        },
    )


@router.get(
    "/cases/{ref}/invoice",
    response={200: dict, **ERRORS},
    summary="The invoice for the requester",
    operation_id="custodian_api_disclosure_get_invoice",
)
def get_invoice(request: HttpRequest, ref: UUID):
    case = _case(request, ref, "disclosure.invoice")
    if not case.cost_recovery:
        raise services.NotFound("No invoice: the requester does not bear costs in this case.")
    inv = services.invoice(case)
    inv["lines"] = [{**line, "at": line["at"].isoformat()} for line in inv["lines"]]
    return inv


@router.post(
    "/cases/{ref}/counsel-review",
    response={201: CaseOut, **ERRORS},
    summary="Record counsel's review of an emergency release",
    operation_id="custodian_api_disclosure_add_counsel_review",
)
def add_counsel_review(request: HttpRequest, ref: UUID, payload: CounselIn):
    return Status(
        201,
        _case_after(
            request,
            ref,
            "disclosure.counsel_review",
            services.record_counsel_review,
            **payload.model_dump(),
        ),
    )
