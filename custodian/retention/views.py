"""The Retention screen (/staff/retention/): the profile's schedule in words, each rule with
the clause it cites, and today's dry run. For the IT person, the director and auditors; it
reads counts only and changes nothing."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from custodian.accounts.decorators import role_required
from custodian.accounts.models import Role
from custodian.retention.selectors import retention_report

ROLES = (Role.IT_ADMIN, Role.DIRECTOR, Role.AUDITOR)


@require_GET
@role_required(*ROLES)
def schedule(request):
    return render(request, "retention/schedule.html", {"report": retention_report()})
