"""Staff screens. Thin: each reads a form, calls the door, and renders what the door returns.

Messages name item barcodes, never patrons' names, card numbers or titles: messages live
in the session until shown, and sessions are not where patron records belong.
"""

import logging

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from custodian import door
from custodian.accounts.decorators import role_required
from custodian.accounts.roles import PATRON_DESK_ROLES
from custodian.desk.alerts import alert_for
from custodian.desk.forms import CardLookupForm, CheckInForm, ItemBarcodeForm

log = logging.getLogger(__name__)

# What the account page shows. The door narrows this to what the role needs to know.
ACCOUNT_FIELDS = (
    "registration.status",
    "registration.name",
    "loans.count",
    "loans.due_dates",
    "loans.titles",
    "overdue.status",
    "overdue.count",
    "lost.titles",
    "holds.count",
    "holds.titles",
    "charges.amount",
    "charges.details",
    "payments.records",
)
# Asked for only by roles that need to know it (the director, say): a clerk's page does not
# ask for what it could never show. Shown for patrons who keep a history; else says so.
HISTORY_FIELDS = ("history.titles",)


def found_lost_words(receipt) -> str:
    """What the desk is told when a checked-in item had been marked lost."""
    if not receipt.was_lost:
        return ""
    words = " It had been marked lost and is back in the collection now."
    if receipt.replacement_waived:
        words += (
            " What was still owed for its replacement has been taken off the borrower's account."
        )
    if receipt.refund_on is not None:
        words += (
            " The borrower had paid toward its replacement: this is their account; refund"
            " what they paid as the library's rules say."
        )
    return words


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("card_number")
@role_required(*PATRON_DESK_ROLES)
def find(request):
    """Find a patron by card number. POST only: a card number never goes into a URL."""
    form = CardLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reader = door.Reader.staff(request.user)
        try:
            handle = door.find_patron(reader=reader, card_number=form.cleaned_data["card_number"])
        except door.Refused as refusal:
            messages.error(request, refusal.message)
            return redirect("desk:find")
        if handle is None:
            messages.warning(
                request, "No patron account has that card number. Check it and try again."
            )
            return redirect("desk:find")
        return redirect("desk:patron", ref=handle.ref)
    return render(request, "desk/find.html", {"form": form, "checkin_form": CheckInForm()})


@require_http_methods(["GET"])
@role_required(*PATRON_DESK_ROLES)
def patron(request, ref):
    reader = door.Reader.staff(request.user)
    fields = ACCOUNT_FIELDS + door.needed_fields(reader=reader, fields=HISTORY_FIELDS)
    try:
        view = door.read_patron(
            reader=reader, patron_ref=ref, purpose="library_business", fields=fields
        )
    except door.PatronNotFound:
        messages.warning(request, "That patron account no longer exists.")
        return redirect("desk:find")
    return render(
        request,
        "desk/patron.html",
        {
            "view": view,
            "alert": alert_for(standing=view.standing, balance=view.balance, today=view.today),
            # Check-out stays open when the status was not released: the door still refuses.
            "may_check_out": view.standing is None or view.standing.usable,
            "history_asked": "history.titles" in view.requested,
            # Only when the page shows which loan is which (its title and due date).
            "may_mark_lost": {"loans.titles", "loans.due_dates"} <= set(view.released),
            "checkout_form": ItemBarcodeForm(auto_id="checkout_%s"),
            "checkin_form": CheckInForm(auto_id="checkin_%s", initial={"return_to": ref}),
        },
    )


@require_POST
@role_required(*PATRON_DESK_ROLES)
def check_out(request, ref):
    form = ItemBarcodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Scan or type the item's barcode.")
        return redirect("desk:patron", ref=ref)
    barcode = form.cleaned_data["barcode"]
    try:
        receipt = door.check_out(
            reader=door.Reader.staff(request.user), patron_ref=ref, item_barcode=barcode
        )
    except door.PatronNotFound:
        messages.warning(request, "That patron account no longer exists.")
        return redirect("desk:find")
    except door.DoorError as error:
        log.info("check-out refused for patron %s: %s", ref, type(error).__name__)
        messages.error(request, f"Item {barcode} was not checked out. {error.message}")
    else:
        messages.success(
            request, f"Checked out item {receipt.barcode}. Due {receipt.due_on:%A %-d %B %Y}."
        )
    return redirect("desk:patron", ref=ref)


@require_POST
@role_required(*PATRON_DESK_ROLES)
def check_in(request):
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Scan or type the item's barcode.")
        return redirect("desk:find")
    barcode = form.cleaned_data["barcode"]
    return_to = form.cleaned_data.get("return_to")
    try:
        receipt = door.check_in(reader=door.Reader.staff(request.user), item_barcode=barcode)
    except door.DoorError as error:
        log.info("check-in refused: %s", type(error).__name__)
        messages.error(request, f"Item {barcode} was not checked in. {error.message}")
    else:
        note = (
            " Put it on the hold shelf: a patron is waiting for it."
            if receipt.to_hold_shelf
            else ""
        )
        note += found_lost_words(receipt)
        messages.success(request, f"Checked in item {receipt.barcode}.{note}")
        if receipt.refund_on is not None:
            # The refund is done on the borrower's account: open it (a read like any other).
            return redirect(reverse("desk:patron", kwargs={"ref": receipt.refund_on}))
    if return_to:
        return redirect(reverse("desk:patron", kwargs={"ref": return_to}))
    return redirect("desk:find")
