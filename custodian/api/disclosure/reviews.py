"""The legal review and the Director's written decision."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja.responses import Status

from custodian.api.disclosure._common import _case_after, router
from custodian.api.disclosure.schemas import ERRORS, CaseOut, ReviewIn, WrittenDecisionIn
from custodian.disclosure import services


@router.post(
    "/cases/{ref}/reviews",
    response={201: CaseOut, **ERRORS},
    summary="Record the legal review",
    operation_id="custodian_api_disclosure_add_review",
)
def add_review(request: HttpRequest, ref: UUID, payload: ReviewIn):
    return Status(
        201,
        _case_after(request, ref, "disclosure.review", services.review, **payload.model_dump()),
    )


@router.post(
    "/cases/{ref}/written-decisions",
    response={201: CaseOut, **ERRORS},
    summary="Record the director's written decision",
    operation_id="custodian_api_disclosure_add_written_decision",
)
def add_written_decision(request: HttpRequest, ref: UUID, payload: WrittenDecisionIn):
    return Status(
        201,
        _case_after(
            request,
            ref,
            "disclosure.written_decision",
            services.write_decision,
            **payload.model_dump(),
        ),
    )
