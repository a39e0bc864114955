"""Portal screens: "My account" (loans, renewals, holds, the catalogue, money, the other
services) and "My reading history".

Thin views: every read of the patron's record goes through the door as the patron
(`request.patron_reader`), one audited read per page; every change through the door's
patron actions or services_account. What a renewal or a hold did is kept in the session
until the next page shows it as item barcodes and reason codes only, never a title: the
page puts the titles back from its own audited read.
"""

import functools

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from custodian import door
from custodian.errors import int_param
from custodian.portal import account_words as words
from custodian.portal import selectors_account, services_account
from custodian.portal.session import patron_required, sign_out

# Item barcodes and outcomes of the last renew or hold, for the next account page.
OUTCOMES_KEY = "portal_account_outcomes"
HISTORY_PER_PAGE = 25
MAX_BARCODE = 32


def _own(view):
    """A signed-in patron's page: if their record is gone (closed while signed in), they are
    signed out and sent to the sign-in page, not shown an error."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except door.PatronNotFound:
            sign_out(request)
            return redirect("portal:home")

    return patron_required(wrapper)


def _barcode(request) -> str:
    return (request.POST.get("barcode") or "").strip()[:MAX_BARCODE]


def _remember(request, outcomes: list[tuple[str, str, str]]) -> None:
    """(action, barcode, reason code or "") for the next page; nothing else."""
    request.session[OUTCOMES_KEY] = [list(o) for o in outcomes]


def _failure_code(error: door.DoorError) -> str:
    if isinstance(error, door.OwnActionRefused):
        return error.reason
    if isinstance(error, door.ItemNotFound):
        return "no_item"
    if isinstance(error, door.Refused):
        return "policy"
    return "refused"


# What the last action did, with the item's title and without (a cancelled hold is gone
# from the page's read, so its title is no longer there to show).
_DONE = {
    "renew": (_l("“%(title)s” was renewed."), _l("The item was renewed.")),
    "place_hold": (_l("A hold was placed on “%(title)s”."), _l("The hold was placed.")),
    "cancel_hold": (_l("The hold on “%(title)s” was cancelled."), _l("The hold was cancelled.")),
}
_NOT_DONE = {
    "renew": (_l("“%(title)s” was not renewed."), _l("The item was not renewed.")),
    "place_hold": (_l("No hold was placed on “%(title)s”."), _l("No hold was placed.")),
    "cancel_hold": (
        _l("The hold on “%(title)s” was not cancelled."),
        _l("The hold was not cancelled."),
    ),
}


def _outcome_lines(request, titles: dict[str, str]) -> list[dict]:
    """The last actions' results in words, titles from this page's own read."""
    lines = []
    for action, barcode, failure in request.session.pop(OUTCOMES_KEY, []):
        table = _NOT_DONE if failure else _DONE
        if action not in table:
            continue
        with_title, without = table[action]
        title = titles.get(barcode)
        text = str(with_title) % {"title": title} if title else str(without)
        lines.append(
            {"ok": not failure, "text": text, "why": words.reason(failure) if failure else ""}
        )
    return lines


def _service_rows(field: str, found) -> list[dict]:
    """One category's rows as what / when / until / detail, in words."""
    if field == "programs.records":
        attended = {True: _("Attended"), False: _("Did not attend"), None: ""}
        return [
            {
                "what": r.title,
                "when": r.starts_at,
                "until": None,
                "where": r.branch,
                "detail": attended[r.attended],
            }
            for r in found
        ]
    if field == "rooms.records":
        return [
            {
                "what": r.room,
                "when": r.starts_at,
                "until": r.ends_at,
                "where": r.branch,
                "detail": ngettext("%(n)d person", "%(n)d people", r.attendees)
                % {"n": r.attendees},
            }
            for r in found
        ]
    if field == "computer.records":
        return [
            {
                "what": _("Computer %(name)s") % {"name": r.workstation},
                "when": r.started_at,
                "until": r.ended_at,
                "where": r.branch,
                "detail": "" if r.ended_at else _("Still signed on"),
            }
            for r in found
        ]
    return [
        {
            "what": r.title,
            "when": r.requested_at,
            "until": None,
            "where": "",
            "detail": words.word(words.ILL_STATUS, r.status),
        }
        for r in found
    ]


def _categories(account: door.OwnAccount) -> list[dict]:
    """The services beyond loans and money, each with its rows or why there are none."""
    not_kept = selectors_account.not_kept()
    rows = {
        "programs.records": account.programs,
        "rooms.records": account.rooms,
        "computer.records": account.computers,
        "ill.records": account.ill,
    }
    shown = []
    for field, heading in words.CATEGORY_HEADINGS.items():
        found = rows[field]
        shown.append(
            {
                "key": field.split(".")[0],
                "heading": heading,
                "rows": _service_rows(field, found or ()),
                # Rows found are shown even where the profile says none are kept: the
                # patron sees what there is.
                "not_kept": field in not_kept and not found,
                "withheld": found is None and field not in not_kept,
            }
        )
    return shown


@_own
@require_http_methods(["GET"])
def account(request):
    acct = door.read_own_account(reader=request.patron_reader)
    titles = {line.barcode: line.title for line in (acct.loans or ()) + (acct.holds or ())}
    return render(
        request,
        "portal/account.html",
        {
            "account": acct,
            "outcomes": _outcome_lines(request, titles),
            "standing_words": words.CARD_STANDING.get(acct.standing.status)
            if acct.standing and not acct.standing.usable
            else None,
            "overdue_count": sum(1 for loan in acct.loans or () if loan.overdue),
            "holds": [
                {"line": h, "status": words.word(words.HOLD_STATUS, h.status)}
                for h in acct.holds or ()
            ],
            "charges": [
                {"line": c, "kind": words.word(words.CHARGE_KINDS, c.kind)}
                for c in acct.charges or ()
            ],
            "payments": [
                {"line": p, "method": words.word(words.PAYMENT_METHODS, p.method)}
                for p in acct.payments or ()
            ],
            "categories": _categories(acct),
        },
    )


@_own
@require_POST
def renew(request):
    """Renew one loan (`barcode`) or every loan (`all`), each its own audited door call."""
    reader = request.patron_reader
    if request.POST.get("all"):
        acct = door.read_own_account(
            reader=reader, fields=("loans.titles", "loans.due_dates", "lost.titles")
        )
        barcodes = [loan.barcode for loan in acct.loans or () if not loan.lost]
    else:
        barcodes = [_barcode(request)] if _barcode(request) else []
    if not barcodes:
        messages.info(request, _("Nothing was renewed: choose a loan to renew."))
        return redirect("portal:account")
    outcomes = []
    for barcode in barcodes:
        try:
            door.renew_own(reader=reader, item_barcode=barcode)
        except door.DoorError as error:
            outcomes.append(("renew", barcode, _failure_code(error)))
        else:
            outcomes.append(("renew", barcode, ""))
    _remember(request, outcomes)
    return redirect(f"{_account_url()}#loans")


def _account_url() -> str:
    return reverse("portal:account")


@_own
@require_http_methods(["GET", "POST"])
def catalogue(request):
    """Search the catalogue by title or barcode. POST, so the words typed stay out of the
    address bar, the browser's history and the server's access log; nothing is stored."""
    query = ""
    results = None
    if request.method == "POST":
        query = " ".join((request.POST.get("q") or "").split())[: selectors_account.MAX_QUERY]
        results = [
            {"item": item, "status": words.word(words.ITEM_STATUS, item.status)}
            for item in selectors_account.search_catalogue(query=query)
        ]
    too_short = request.method == "POST" and len(query) < selectors_account.MIN_QUERY
    return render(
        request,
        "portal/catalogue.html",
        {
            "query": query,
            "results": None if too_short else results,
            "too_short": too_short,
            "min_query": selectors_account.MIN_QUERY,
            "max_results": selectors_account.MAX_RESULTS,
        },
    )


@_own
@require_http_methods(["GET", "POST"])
def holds(request):
    """Place (`place`) or cancel (`cancel`) a hold on the item `barcode`. GET shows the
    holds on the account page."""
    if request.method == "GET":
        return redirect(f"{_account_url()}#holds")
    action = request.POST.get("action")
    barcode = _barcode(request)
    if action not in ("place", "cancel") or not barcode:
        messages.error(request, _("Choose an item first."))
        return redirect("portal:catalogue" if action == "place" else "portal:account")
    do = door.place_own_hold if action == "place" else door.cancel_own_hold
    name = "place_hold" if action == "place" else "cancel_hold"
    try:
        do(reader=request.patron_reader, item_barcode=barcode)
    except door.DoorError as error:
        _remember(request, [(name, barcode, _failure_code(error))])
    else:
        _remember(request, [(name, barcode, "")])
    return redirect(f"{_account_url()}#holds")


@_own
@require_http_methods(["GET", "POST"])
def history(request):
    """Reading history: whether it is kept and since when, the kept titles (paged), and the
    switch. Turning it off asks first, saying how many titles go."""
    reader = request.patron_reader
    if request.method == "POST":
        choice = request.POST.get("keep")
        if choice == "on":
            services_account.set_own_reading_history(reader=reader, keep=True)
            messages.success(
                request,
                _("Your reading history is on. Items you return from now on will be kept here."),
            )
            return redirect("portal:history")
        if choice == "off":
            if request.POST.get("confirm") != "yes":
                page = door.read_own_history(reader=reader, page=1, per_page=1)
                return render(request, "portal/history_off.html", {"history": page})
            done = services_account.set_own_reading_history(reader=reader, keep=False)
            messages.success(
                request,
                ngettext(
                    "Your reading history is off. %(count)d title was deleted.",
                    "Your reading history is off. %(count)d titles were deleted.",
                    done.deleted,
                )
                % {"count": done.deleted},
            )
            return redirect("portal:history")
        messages.error(request, _("Choose whether to keep your reading history."))
        return redirect("portal:history")
    page = int_param(request, "page", default=1, low=1, high=100_000)
    shown = door.read_own_history(reader=reader, page=page, per_page=HISTORY_PER_PAGE)
    return render(request, "portal/history.html", {"history": shown})


urlpatterns = [
    path("account/", account, name="account"),
    path("renew/", renew, name="renew"),
    path("catalogue/", catalogue, name="catalogue"),
    path("holds/", holds, name="holds"),
    path("reading-history/", history, name="history"),
]
