"""Disclosure screens: intake at the desk, the decision, cases, review, release, reports.

Thin: each view reads a form and calls `custodian.disclosure.services`, which checks the
role, audits every attempt and reads patron data only through the door.
"""

from __future__ import annotations

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from custodian import errors
from custodian.disclosure import forms, gateways, pdf, rendering, selectors, services, vocab
from custodian.disclosure.checklists import checklists, decision_page
from custodian.disclosure.services import DisclosureError, Forbidden, NotFound
from custodian.policy.explain import ask_for_proof

CASE_ROLES = ("desk", "branch_manager", "director", "designee")
BOARD_ROLES = ("director", "designee", "auditor")


def _forbidden(request, message):
    response = render(request, "disclosure/refused.html", {"message": message}, status=403)
    return response


def roles(*allowed):
    """Signed-in staff in one of `allowed` roles; anyone else is refused and audited."""

    def decorator(view):
        @wraps(view)
        @login_required
        def guarded(request, *args, **kwargs):
            if services.role_of(request.user) not in allowed:
                gateways.audit(
                    user=request.user, action=f"disclosure.{view.__name__}", outcome="refused"
                )
                return _forbidden(
                    request, "Your role does not open this screen. The attempt has been recorded."
                )
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except Forbidden as exc:
                return _forbidden(request, exc.message + " The attempt has been recorded.")

        return guarded

    return decorator


def _back(case):
    return redirect("disclosure:case", ref=case.ref)


def _flash_error(request, exc: DisclosureError):
    messages.error(request, exc.message)


# ---------------------------------------------------------------- intake and decision


# The intake itself is in intake_views.py (four short steps).


def _decision_context(request, screen, once=False):
    d = screen.decision
    must_do, officer_steps = checklists(screen)
    return {
        "screen": screen,
        "must_do": must_do,
        "officer_steps": officer_steps,
        # The page as shown: words to say, duties, each clause once (checklists.py).
        "page": decision_page(screen),
        "req": screen.request,
        "decision": d,
        "once": once,
        "outcome_label": vocab.OUTCOMES.get(d["outcome"], d["outcome"]),
        "released": [(f, vocab.FIELDS.get(f, f)) for f in d.get("release", [])],
        "withheld": [(f, vocab.FIELDS.get(f, f)) for f in d.get("withhold", [])],
        "can_tick": not once,
        "ask_for": ask_for_proof(d.get("needs_proof")),
        # What the clerk may tick when the requester gives it (nothing pre-ticked).
        "proof_choices": [
            (e, vocab.EVIDENCE[e]) for e in d.get("needs_proof") or () if e in vocab.EVIDENCE
        ],
    }


@require_POST
@roles(*services.INTAKE_ROLES)
def request_add_proof(request, ref):
    """The requester gave the proof the decision asked for: decide again, same request."""
    req = services.get_request(request.user, ref)
    try:
        screen = services.add_proof(
            user=request.user, req=req, evidence=request.POST.getlist("evidence")
        )
    except Forbidden:
        raise
    except DisclosureError as exc:
        messages.error(request, exc.message)
        return redirect("disclosure:request", ref=req.ref)
    return redirect("disclosure:request", ref=screen.request.ref)


@require_GET
@roles(*CASE_ROLES)
def request_detail(request, ref):
    req = services.get_request(request.user, ref)
    screen = services.desk_screen(user=request.user, req=req)
    return render(request, "disclosure/decision.html", _decision_context(request, screen))


@require_POST
@roles(*CASE_ROLES)
def checklist(request):
    form = forms.ChecklistForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That checklist change could not be read.")
        return redirect("disclosure:cases")
    try:
        item = services.set_checklist_item(
            user=request.user,
            item_id=form.cleaned_data["item"],
            done=form.cleaned_data["done"],
            note=form.cleaned_data["note"],
            covers=request.POST.getlist("covers"),
        )
    except (Forbidden, NotFound):
        raise
    except DisclosureError as exc:
        messages.error(request, exc.message)
        return redirect("disclosure:cases")
    messages.success(request, "Checklist updated.")
    nxt = request.POST.get("next", "")
    if nxt.startswith("/disclosure/"):
        return redirect(nxt)
    return redirect("disclosure:request", ref=item.request.ref)


# ---------------------------------------------------------------- cases


@require_GET
@roles(*CASE_ROLES)
def case_list(request):
    status = errors.choice_param(
        request, "status", ("open", "approved", "released", "declined", "closed")
    )
    cases = list(selectors.cases_for(request.user, status=status)[:200])
    gateways.audit(user=request.user, action="disclosure.case_list", outcome="allowed")
    return render(
        request,
        "disclosure/case_list.html",
        {
            "cases": selectors.case_rows(cases),
            "status": status or "",
            "queue": selectors.case_rows(selectors.my_queue(request.user)[:100]),
            "reminders": selectors.reminders(request.user),
        },
    )


def _case_context(request, case):
    user = request.user
    req = case.request
    role = services.role_of(user)
    custodian = role in services.CUSTODIAN_ROLES
    manager_case = (
        role == "branch_manager" and case.assigned_role == "branch_manager" and not case.sealed
    )
    allowed = services.releasable_fields(case)
    closed = case.closed_at is not None
    try:
        counsel = case.counsel_review
    except Exception:  # noqa: BLE001 - no counsel review on this case
        counsel = None
    screen = services.desk_screen(user=user, req=req)
    must_do, officer_steps = checklists(screen)
    written = list(case.written_decisions.select_related("by"))
    written_required = services.written_decision_required(case)
    step, step_words = selectors.next_step(
        case, counsel=counsel, written=written, written_required=written_required
    )
    waits_on = selectors.waits_on(case)
    return {
        "step": step,
        "step_words": step_words,
        "waits_on": selectors.WAITS_ON.get(waits_on, "Nobody"),
        "due": counsel.due_by
        if counsel is not None and counsel.recorded_at is None
        else (case.due_on if waits_on else None),
        "engine_fields": services.engine_fields(case),
        "case": case,
        "req": req,
        "screen": screen,
        "must_do": must_do,
        "officer_steps": officer_steps,
        "decision": case.decision,
        "outcome_label": vocab.OUTCOMES.get(case.decision["outcome"], case.decision["outcome"]),
        "events": list(case.events.select_related("actor")),
        "reviews": list(case.reviews.select_related("by")),
        "written": written,
        "releases": [
            {
                "rel": r,
                "fields": [vocab.FIELDS.get(f, f) for f in r.fields],
                # The files are for the custodians, and for the releaser's one hand-over.
                "files": custodian or services.hand_over_pending(user, r),
            }
            for r in case.releases.select_related("by")
        ],
        "costs": list(case.costs.all()),
        "counsel": counsel,
        "invoice": services.invoice(case) if case.cost_recovery else None,
        # A closed case takes no further step (the services refuse with 409 too).
        "can_review": (custodian or manager_case)
        and case.status not in ("released", "closed")
        and not closed,
        "can_decide": custodian and not closed,
        "can_release": services.can_release(user, case) and case.status == "approved",
        "can_cost": (custodian or manager_case) and case.cost_recovery,
        "can_unseal": role == "director" and case.sealed,
        "can_close": (custodian or manager_case) and case.closed_at is None,
        "written_required": written_required,
        "can_override": role == "director" and not closed,
        "review_form": forms.ReviewForm(),
        "decision_form": forms.WrittenDecisionForm(
            asked=services.fields_within_face(case),
            engine=services.engine_fields(case),
            director=role == "director",
        ),
        "release_form": forms.ReleaseForm(
            allowed=allowed,
            initial={"date_from": req.instrument_date_from, "date_to": req.instrument_date_to},
        ),
        "cost_form": forms.CostForm(
            initial={"hourly_rate": Decimal(services.hourly_rate_cents()) / 100}
        ),
        "counsel_form": forms.CounselReviewForm(),
        "note_form": forms.NoteForm(),
        "reason_form": forms.ReasonForm(),
        "fields_label": vocab.FIELDS,
        "instrument_label": vocab.INSTRUMENT_TYPES.get(req.instrument_type, ""),
        "kind_label": vocab.REQUESTER_KINDS.get(req.requester_kind, ""),
        "channel_label": vocab.CHANNELS.get(req.channel, ""),
        "officer_procedure": services.uses_officer_checklist(req),
    }


@require_GET
@roles(*CASE_ROLES)
def case_detail(request, ref):
    case = services.get_case(request.user, ref)
    return render(request, "disclosure/case.html", _case_context(request, case))


def _case_post(action):
    """A POST on a case: fetch it (role-checked, audited), run `action`, go back to it."""

    def decorator(fn):
        @wraps(fn)
        def view(request, ref):
            case = services.get_case(request.user, ref, action=f"disclosure.{fn.__name__}")
            try:
                fn(request, case)
            except (Forbidden, NotFound):
                raise
            except DisclosureError as exc:
                _flash_error(request, exc)
            return _back(case)

        return require_POST(roles(*CASE_ROLES)(view))

    return decorator


def _form_or_error(form):
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}".strip(": ")
            for k, v in form.errors.items()
        )
        raise DisclosureError(f"Please correct the form — {errors}")
    return form.cleaned_data


@_case_post("note")
def case_note(request, case):
    d = _form_or_error(forms.NoteForm(request.POST))
    services.add_note(user=request.user, case=case, note=d["note"])
    messages.success(request, "Note added to the timeline.")


@_case_post("review")
def case_review(request, case):
    form = forms.ReviewForm(request.POST)
    d = _form_or_error(form)
    rv = services.review(
        user=request.user,
        case=case,
        instrument_valid=form.valid_value(),
        counsel_consulted=d["counsel_consulted"],
        board_consulted=d["board_consulted"],
        emergency_confirmed=d["emergency_confirmed"],
        notes=d["notes"],
    )
    messages.success(
        request, f"Review recorded. The policy engine now says: {vocab.OUTCOMES[rv.outcome]}."
    )


@_case_post("written_decision")
def case_decision(request, case):
    form = forms.WrittenDecisionForm(
        request.POST,
        asked=services.fields_within_face(case),
        engine=services.engine_fields(case),
        director=services.role_of(request.user) == "director",
    )
    d = _form_or_error(form)
    wd = services.write_decision(
        user=request.user,
        case=case,
        disclose=d["disclose"],
        text=d["text"],
        basis=d["basis"],
        fields=d.get("fields") or [],
        override=d.get("override") or False,
        override_reason=d.get("override_reason") or "",
        counsel_name=d.get("override_counsel") or "",
        counsel_reviewed_on=d.get("counsel_reviewed_on"),
    )
    messages.success(
        request,
        "Written decision recorded, with the Director's override."
        if wd.override
        else "Written decision recorded.",
    )


@_case_post("release")
def case_release(request, case):
    form = forms.ReleaseForm(request.POST, allowed=services.releasable_fields(case))
    if not form.is_valid():
        # On a closed case no field is releasable: say why, not which field was wrong.
        services.refuse_if_closed(case, services.release_closed_message)
    d = _form_or_error(form)
    rel = services.release(
        user=request.user,
        case=case,
        handed_to=d["handed_to"],
        fields=d["fields"],
        date_from=d["date_from"],
        date_to=d["date_to"],
    )
    messages.success(
        request, f"Disclosure package {rel.ref} produced and handed to {rel.handed_to}."
    )


@_case_post("cost")
def case_cost(request, case):
    d = _form_or_error(forms.CostForm(request.POST))
    rate = int(d["hourly_rate"] * 100) if d.get("hourly_rate") is not None else None
    services.add_cost(
        user=request.user,
        case=case,
        description=d["description"],
        staff_minutes=d["staff_minutes"],
        hourly_rate_cents=rate,
    )
    messages.success(request, "Staff time recorded.")


@_case_post("counsel_review")
def case_counsel(request, case):
    d = _form_or_error(forms.CounselReviewForm(request.POST))
    services.record_counsel_review(
        user=request.user, case=case, counsel_name=d["counsel_name"], conclusion=d["conclusion"]
    )
    messages.success(request, "Counsel's review recorded.")


@_case_post("unseal")
def case_unseal(request, case):
    d = _form_or_error(forms.ReasonForm(request.POST))
    services.unseal(user=request.user, case=case, reason=d["reason"])
    messages.success(request, "The case is unsealed.")


@_case_post("close")
def case_close(request, case):
    d = _form_or_error(forms.ReasonForm(request.POST))
    services.close_case(user=request.user, case=case, note=d["reason"])
    messages.success(request, "Case closed.")


# ---------------------------------------------------------------- files and reports


def _file(field, filename, content_type):
    field.open("rb")
    return FileResponse(field, content_type=content_type, as_attachment=False, filename=filename)


@require_GET
@roles(*CASE_ROLES)
def case_scan(request, ref):
    case = services.get_case(request.user, ref, action="disclosure.scan")
    if not case.request.scan:
        raise Http404("No scan")
    ext = {
        "application/pdf": "pdf",
        "image/png": "png",
        "image/jpeg": "jpg",
        "image/gif": "gif",
        "image/tiff": "tif",
        "image/webp": "webp",
    }.get(case.request.scan_content_type, "bin")
    return _file(case.request.scan, f"document-{case.ref}.{ext}", case.request.scan_content_type)


def _package(request, ref, release_ref, kind):
    return services.open_package(
        user=request.user,
        case_ref=ref,
        release_ref=release_ref,
        kind=kind,
        action="disclosure.package",
    )


def _no_store(response):
    # A package is patron data and desk terminals are shared: never cache it.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@roles(*CASE_ROLES)
def release_file(request, ref, release_ref, kind):
    """The package file (PDF or JSON): for the custodians, or the releaser's one hand-over."""
    if kind not in ("pdf", "json"):
        raise Http404("No such package")
    access = _package(request, ref, release_ref, kind)
    if not access.open:
        return _forbidden(request, access.message + " The attempt has been recorded.")
    rel = access.release
    if kind == "pdf":
        resp = HttpResponse(access.pdf(), content_type="application/pdf")
    else:
        # The bytes as stored: their SHA-256 is on record with the release.
        resp = HttpResponse(access.json_bytes(), content_type="application/json")
    resp["Content-Disposition"] = f'inline; filename="package-{rel.ref}.{kind}"'
    return _no_store(resp)


@require_GET
@roles(*CASE_ROLES)
def package_page(request, ref, release_ref):
    """A package's facts for everyone on the case; its records for the custodians only."""
    access = _package(request, ref, release_ref, "page")
    if not access.sees_case:
        return _forbidden(
            request, "Your role may not open this case. The attempt has been recorded."
        )
    rel = access.release
    context = {
        "case": access.case,
        "rel": rel,
        "access": access,
        "fields": [vocab.FIELDS.get(f, f) for f in rel.fields],
        "sections": rendering.package_sections(access.document()) if access.open else [],
    }
    return _no_store(render(request, "disclosure/package.html", context))


@require_GET
@roles(*CASE_ROLES)
def incident_report(request, ref):
    case = services.get_case(request.user, ref, action="disclosure.incident_report")
    report = services.incident_report(case)
    if request.GET.get("format") == "pdf":
        resp = HttpResponse(pdf.incident_pdf(report), content_type="application/pdf")
        resp["Content-Disposition"] = f'inline; filename="incident-{case.ref}.pdf"'
        return resp
    return render(
        request, "disclosure/incident_report.html", {**report, "printed_at": timezone.now()}
    )


@require_GET
@roles(*CASE_ROLES)
def invoice(request, ref):
    case = services.get_case(request.user, ref, action="disclosure.invoice")
    if not case.cost_recovery:
        raise Http404("No invoice: the requester does not bear costs in this case.")
    inv = services.invoice(case)
    if request.GET.get("format") == "pdf":
        resp = HttpResponse(pdf.invoice_pdf(inv), content_type="application/pdf")
        resp["Content-Disposition"] = f'inline; filename="invoice-{case.ref}.pdf"'
        return resp
    return render(
        request,
        "disclosure/invoice.html",
        {"inv": inv, "case": case, "total": Decimal(inv["total_cents"]) / 100},
    )


@require_GET
@roles(*BOARD_ROLES)
def board(request):
    # Out of range or not a year: a 400 that says so, not a silently different report.
    year = errors.int_param(request, "year", default=timezone.localdate().year, low=1900, high=9999)
    report = selectors.transparency(year)
    gateways.audit(user=request.user, action="disclosure.transparency", outcome="allowed")
    return render(
        request,
        "disclosure/board.html",
        {
            "report": report,
            "year": year,
            "kinds": vocab.REQUESTER_KINDS,
            "instruments": vocab.INSTRUMENT_TYPES,
            "outcomes": vocab.OUTCOMES,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        },
    )


@require_GET
@roles(*CASE_ROLES)
def home(request):
    return redirect(
        reverse("disclosure:cases")
        if services.role_of(request.user) != "desk"
        else reverse("disclosure:intake")
    )
