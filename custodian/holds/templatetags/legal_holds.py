"""`{% case_legal_holds case %}`: the legal holds a disclosure case placed, and the form to
place one, on the case page (Director and designee; a sealed case's, the Director only)."""

from django import template

from custodian.holds import services
from custodian.holds.forms import HoldForm

register = template.Library()


@register.inclusion_tag("holds/_case_holds.html", takes_context=True)
def case_legal_holds(context, case):
    user = context["request"].user
    if not services.may_manage(user) or (case.sealed and user.role not in services.SEALED_ROLES):
        return {"show": False}
    holds = services.case_holds(case)
    return {
        "show": True,
        "case": case,
        "rows": [
            {
                "hold": h,
                "what": services.categories_in_words(h.categories),
                "range": services.range_in_words(h),
            }
            for h in holds
        ],
        "can_place": case.closed_at is None and bool(case.request.patron_ref),
        "names_no_patron": not case.request.patron_ref,
        "form": HoldForm(auto_id="case_hold_%s"),
        "csrf_token": context.get("csrf_token"),
    }
