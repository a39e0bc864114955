"""The desk's side of the portal walk, run inside a demo library's own settings.

The walk (test_portal_walk.py) drives the patron's pages in Chromium; what happens at the
desk meanwhile (a clerk lends and takes back books, opens the record, answers a friend the
patron named, the Director takes a sealed order) goes through the same door and disclosure
services the desk screens call, as the demo's staff accounts. Run as

    python -m tests.browser.portal_desk ACTION CARD [ARG]

with the demo's environment; it prints one JSON answer. Card numbers are synthetic.
"""

from __future__ import annotations

import json
import sys


def _setup():
    from custodian import djangoenv

    djangoenv.setup()


def _staff(role: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(role=role, is_active=True).order_by("pk").first()


def _reader(role: str):
    from custodian.door import Reader

    return Reader.staff(_staff(role))


def _ref(card: str) -> str:
    from custodian.door import find_patron

    handle = find_patron(reader=_reader("desk"), card_number=card)
    return str(handle.ref)


def lend(card: str, count: str = "2") -> dict:
    """Check out `count` items from the shelf to the patron, as the desk clerk."""
    from custodian.door import check_out
    from custodian.records.models import Item

    reader, ref = _reader("desk"), _ref(card)
    items = Item.objects.filter(status="available").order_by("pk")[: int(count)]
    lent = []
    for item in items:
        check_out(reader=reader, patron_ref=ref, item_barcode=item.barcode)
        lent.append({"barcode": item.barcode, "title": item.title})
    return {"lent": lent}


def take_back(card: str, barcodes: str) -> dict:
    from custodian.door import check_in

    reader = _reader("desk")
    for barcode in barcodes.split(","):
        check_in(reader=reader, item_barcode=barcode)
    return {"returned": barcodes.split(",")}


def desk_history(card: str) -> dict:
    """What the desk sees of the patron's reading history (titles), read through the door."""
    from custodian.door import read_patron

    view = read_patron(
        reader=_reader("desk"),
        patron_ref=_ref(card),
        purpose="library_business",
        fields=["history.titles"],
    )
    history = view.get("history.titles")
    if history is None:  # the policy did not release it to the desk
        return {"released": False, "kept": None, "titles": []}
    return {
        "released": True,
        "kept": history.kept,
        "titles": [getattr(line, "title", str(line)) for line in history],
    }


def staff_read(card: str) -> dict:
    """The branch manager opens the patron's record (a read the patron should see)."""
    from custodian.door import read_patron

    read_patron(
        reader=_reader("branch_manager"),
        patron_ref=_ref(card),
        purpose="library_business",
        fields=["loans.titles"],
    )
    return {"read_by": "branch_manager"}


def friend_asks(card: str, name: str) -> dict:
    """`name` asks at the desk, in person with photo ID, what the patron has checked out."""
    from custodian.disclosure import services
    from custodian.disclosure.services import Intake

    screen = services.intake(
        user=_staff("desk"),
        data=Intake(
            requester_kind="authorized_agent",
            requester_name=name,
            channel="in_person",
            evidence=["photo_id"],
            card_number=card,
            requested=["loans.titles"],
        ),
    )
    decision = screen.decision
    return {
        "outcome": decision["outcome"],
        "release": decision.get("release", []),
        "authorization": decision.get("authorization"),
        "say_now": screen.say_now,
    }


def sealed_order(card: str) -> dict:
    """The Director takes a FISA order for the patron's loans: a sealed case."""
    from custodian.disclosure import services
    from custodian.disclosure.services import Intake

    screen = services.intake(
        user=_staff("director"),
        data=Intake(
            requester_kind="law_enforcement",
            channel="in_person",
            requested=["loans.titles"],
            officer_name="A. Agent",
            officer_badge="1",
            officer_agency="FBI",
            evidence=["officer_credentials"],
            card_number=card,
            instrument_type="fisa_order",
            instrument_signed_by="judge",
            instrument_court="fisa",
            instrument_scope=["loans.titles"],
        ),
    )
    return {"sealed": bool(screen.sealed), "request": str(screen.request.ref)}


ACTIONS = {
    f.__name__: f for f in (lend, take_back, desk_history, staff_read, friend_asks, sealed_order)
}

if __name__ == "__main__":
    _setup()
    action, *args = sys.argv[1:]
    print(json.dumps(ACTIONS[action](*args), default=str))
