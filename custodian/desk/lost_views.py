"""Marking a loan lost at the desk: a confirmation page that says in plain words what will
happen, then the act. The URL names the loan by its line on the account page only; the
confirmation posts the item's barcode, as the other desk forms do."""

import logging

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from custodian import door
from custodian.accounts.decorators import role_required
from custodian.accounts.roles import PATRON_DESK_ROLES
from custodian.desk.forms import ItemBarcodeForm

log = logging.getLogger(__name__)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(*PATRON_DESK_ROLES)
def mark_lost(request, ref, line):
    reader = door.Reader.staff(request.user)
    if request.method == "POST":
        return _mark_lost(request, reader, ref)
    try:
        preview = door.lost_preview(reader=reader, patron_ref=ref, line=line)
    except door.PatronNotFound:
        messages.warning(request, "That patron account no longer exists.")
        return redirect("desk:find")
    except door.DoorError as error:
        messages.error(request, error.message)
        return redirect("desk:patron", ref=ref)
    return render(request, "desk/mark_lost.html", {"ref": ref, "preview": preview})


def _mark_lost(request, reader, ref):
    form = ItemBarcodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was marked lost: the item was not named.")
        return redirect("desk:patron", ref=ref)
    barcode = form.cleaned_data["barcode"]
    try:
        receipt = door.mark_lost(reader=reader, patron_ref=ref, item_barcode=barcode)
    except door.PatronNotFound:
        messages.warning(request, "That patron account no longer exists.")
        return redirect("desk:find")
    except door.DoorError as error:
        log.info("mark lost refused for patron %s: %s", ref, type(error).__name__)
        messages.error(request, f"Item {barcode} was not marked lost. {error.message}")
    else:
        charged = (
            f" A replacement charge of ${receipt.charge} was added to the account."
            if receipt.charge is not None
            else " No charge was added: the item has no replacement cost."
        )
        messages.success(request, f"Item {receipt.barcode} is marked lost.{charged}")
    return redirect("desk:patron", ref=ref)
