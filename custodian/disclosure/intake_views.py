"""The intake screens: four short steps, server-rendered, that work without JavaScript.

The answers in progress live in the signed-in clerk's session (server-side), never in a
URL; the copy is deleted when the request is submitted or the clerk starts over. The last
step hands everything to `services.intake`, the same service the API uses, so the engine,
the audit and the case are as they always were.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from custodian.disclosure import services
from custodian.disclosure.intake_forms import (
    DOCUMENT_HOLDERS,
    FORMS,
    NO_DOCUMENT,
    STEP_TITLES,
    STEPS,
    grouped,
    to_intake,
)
from custodian.disclosure.services import DisclosureError, Forbidden
from custodian.disclosure.views import _decision_context, roles

SESSION_KEY = "disclosure_intake"
URL_NAMES = {
    "who": "disclosure:intake",
    "how": "disclosure:intake_how",
    "shows": "disclosure:intake_shows",
    "wants": "disclosure:intake_wants",
}


def _state(request) -> dict:
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("answers"), dict):
        state = {"answers": {}, "done": []}
    return state


def _save(request, state: dict) -> None:
    request.session[SESSION_KEY] = state


def _kind(state) -> str:
    return state["answers"].get("who", {}).get("requester_kind", "")


def _has_document(state) -> bool:
    shown = state["answers"].get("shows", {}).get("instrument_type") or NO_DOCUMENT
    return _kind(state) in DOCUMENT_HOLDERS and shown != NO_DOCUMENT


def _form(step, state, data=None, files=None):
    kwargs = {"kind": _kind(state)}
    if step == "wants":
        kwargs["has_document"] = _has_document(state)
    if data is None:
        return FORMS[step](initial=state["answers"].get(step, {}), **kwargs)
    return FORMS[step](data, files, **kwargs)


def _stored(step, state):
    """The step's form bound to what was kept for it, to check it again before deciding."""
    raw = state["answers"].get(step, {})
    data = MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in raw.items()})
    return _form(step, state, data)


def _render(request, step, state, form, status=200):
    idx = STEPS.index(step)
    answers = state["answers"]
    so_far = []
    if idx > 0 and _kind(state):
        so_far.append(("kind", _kind(state)))
    if idx > 1 and answers.get("how", {}).get("channel"):
        so_far.append(("channel", answers["how"]["channel"]))
    context = {
        "form": form,
        "step": step,
        "number": idx + 1,
        "count": len(STEPS),
        "title": STEP_TITLES[step],
        "action": reverse(URL_NAMES[step]),
        "first": idx == 0,
        "last": idx == len(STEPS) - 1,
        "steps": [
            {"title": STEP_TITLES[s], "current": s == step, "done": s in state["done"]}
            for s in STEPS
        ],
        "so_far": so_far,
    }
    if "requested" in form.fields:
        context["requested_groups"] = grouped(form, "requested", "requested_groups")
    if "instrument_scope" in form.fields:
        context["scope_groups"] = grouped(form, "instrument_scope", "instrument_scope_groups")
    return render(request, "disclosure/intake.html", context, status=status)


def _step(request, step):
    state = _state(request)
    idx = STEPS.index(step)
    # The steps come in order: a later one asked for early sends the clerk back.
    for earlier in STEPS[:idx]:
        if earlier not in state["done"]:
            return redirect(URL_NAMES[earlier])
    if request.method == "GET":
        return _render(request, step, state, _form(step, state))
    form = _form(step, state, request.POST, request.FILES)
    if request.POST.get("go") == "back" and idx > 0:
        # Keep what was typed, checked or not, so forward shows it again.
        state["answers"][step] = form.raw()
        _save(request, state)
        return redirect(URL_NAMES[STEPS[idx - 1]])
    if not form.is_valid():
        form.mark_errors()
        return _render(request, step, state, form, status=400)
    if step == "who" and form.cleaned_data["requester_kind"] != _kind(state):
        state["done"] = []  # another kind of requester: the later steps ask other things
    state["answers"][step] = form.raw()
    if step not in state["done"]:
        state["done"].append(step)
    _save(request, state)
    if step == "wants":
        return _submit(request, state, form)
    return redirect(URL_NAMES[STEPS[idx + 1]])


def _step_holding(field, state):
    for step in STEPS:
        if field and field in _form(step, state).fields:
            return step
    return "wants"


def _submit(request, state, wants):
    cleaned = {}
    for step in STEPS[:-1]:
        form = _stored(step, state)
        if not form.is_valid():
            form.mark_errors()
            return _render(request, step, state, form, status=400)
        cleaned.update(form.cleaned_data)
    cleaned.update(wants.cleaned_data)
    try:
        screen = services.intake(
            user=request.user, data=to_intake(cleaned), scan=wants.cleaned_data.get("scan")
        )
    except Forbidden:
        raise
    except DisclosureError as exc:
        step = _step_holding(exc.field, state)
        form = wants if step == "wants" else _stored(step, state)
        form.is_valid()
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        form.mark_errors()
        return _render(request, step, state, form, status=400)
    request.session.pop(SESSION_KEY, None)
    if screen.sealed:
        # Shown once, to the person who received the order; never listed again for anyone
        # but the director and designees.
        return render(
            request, "disclosure/decision.html", _decision_context(request, screen, once=True)
        )
    return redirect("disclosure:request", ref=screen.request.ref)


@require_http_methods(["GET", "POST"])
@roles(*services.INTAKE_ROLES)
def intake(request):
    return _step(request, "who")


@require_http_methods(["GET", "POST"])
@roles(*services.INTAKE_ROLES)
def intake_how(request):
    return _step(request, "how")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("card_number")
@roles(*services.INTAKE_ROLES)
def intake_shows(request):
    return _step(request, "shows")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("card_number")
@roles(*services.INTAKE_ROLES)
def intake_wants(request):
    return _step(request, "wants")


@require_POST
@roles(*services.INTAKE_ROLES)
def intake_cancel(request):
    """Start over: forget the answers in progress; nothing was recorded."""
    if request.session.pop(SESSION_KEY, None) is not None:
        messages.info(request, "Started over. Nothing was recorded.")
    return redirect(URL_NAMES["who"])
