"""The IT administrator's screens for staff accounts, at /staff/people/.

Only the IT administrator opens them (everyone else: a 403, audited by `role_required`).
The director does not: the role that reads patron records should not also be the one that
hands out roles, so no one can give themselves more access unseen (docs/staff.md).

Thin: every change is a call to custodian/accounts/services.py with the signed-in person as
actor, the same functions (and the same audit entries) as `custodian staff ...`. The pages
show staff accounts only, never patron data. Changes are POSTs (CSRF-checked).
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from custodian.accounts import forms, selectors, services
from custodian.accounts.decorators import role_required
from custodian.accounts.models import Role, StaffUser
from custodian.accounts.services import StaffError

STAFF_ADMIN_ROLES = (Role.IT_ADMIN,)


def _account(pk: int) -> StaffUser:
    try:
        return StaffUser.objects.select_related("branch").get(pk=pk)
    except StaffUser.DoesNotExist:
        raise Http404("No staff account with that number.") from None


def _as(request) -> dict:
    return {"actor": request.user.get_username(), "actor_role": request.user.role}


def _refused(request, error: StaffError) -> None:
    # The services' lines are written for the command line too; the screen shows them as is.
    messages.error(request, str(error).replace("`custodian staff list`", "the list"))


@require_GET
@role_required(*STAFF_ADMIN_ROLES)
def people(request):
    return render(
        request,
        "accounts/people.html",
        {"rows": selectors.staff_rows(), "it_admins": selectors.active_it_admins()},
    )


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
@role_required(*STAFF_ADMIN_ROLES)
def create(request):
    form = forms.NewStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_staff(
                username=data["username"],
                role=data["role"],
                password=data["password1"],
                branch=data["branch"] or None,
                **_as(request),
            )
        except StaffError as e:
            _refused(request, e)
        else:
            messages.success(request, f"Created {user.username}: {user.get_role_display()}.")
            return redirect("accounts:person", pk=user.pk)
    forms.focus_first_error(form)
    return render(request, "accounts/person_new.html", {"form": form})


@require_GET
@role_required(*STAFF_ADMIN_ROLES)
def person(request, pk: int):
    user = _account(pk)
    row = selectors.staff_row(user.pk)
    form = forms.RoleBranchForm(
        initial={"role": user.role, "branch": user.branch.code if user.branch else ""}
    )
    return render(
        request,
        "accounts/person.html",
        {"account": user, "row": row, "form": form, "is_me": user.pk == request.user.pk},
    )


@require_POST
@role_required(*STAFF_ADMIN_ROLES)
def change(request, pk: int):
    """Role and branch from one form: each that differs is one audited change."""
    user = _account(pk)
    form = forms.RoleBranchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role and a branch from the lists; nothing changed.")
        return redirect("accounts:person", pk=user.pk)
    try:
        # One transaction: a refused role change (the last IT administrator) also undoes
        # the branch change and its audit entry, so a refusal changes nothing.
        with transaction.atomic():
            moved = services.set_branch(
                username=user.username, branch=form.cleaned_data["branch"] or None, **_as(request)
            )
            role_changed = services.set_role(
                username=user.username, role=form.cleaned_data["role"], **_as(request)
            )
    except StaffError as e:
        _refused(request, e)
        return redirect("accounts:person", pk=user.pk)
    user.refresh_from_db()
    if not (moved or role_changed):
        messages.info(request, "Nothing changed: that is already the role and branch.")
    else:
        where = user.branch.name if user.branch else "no branch"
        messages.success(request, f"{user.username} is now {user.get_role_display()}, {where}.")
    if user.pk == request.user.pk and user.role not in STAFF_ADMIN_ROLES:
        return redirect("accounts:home")  # they no longer open this screen
    return redirect("accounts:person", pk=user.pk)


@require_POST
@role_required(*STAFF_ADMIN_ROLES)
def deactivate(request, pk: int):
    user = _account(pk)
    if request.POST.get("confirm") != "yes":
        # Deactivation is not undone from here: the box says the IT person means it.
        messages.error(request, "Tick the box to confirm the deactivation; nothing changed.")
        return redirect("accounts:person", pk=user.pk)
    try:
        changed = services.deactivate(username=user.username, **_as(request))
    except StaffError as e:
        _refused(request, e)
        return redirect("accounts:person", pk=user.pk)
    if changed:
        messages.success(request, f"{user.username} can no longer sign in.")
    else:
        messages.info(request, f"{user.username} was already unable to sign in; nothing changed.")
    return redirect("accounts:people")


@require_POST
@role_required(*STAFF_ADMIN_ROLES)
def unlock(request, pk: int):
    user = _account(pk)
    if services.unlock(username=user.username, **_as(request)):
        messages.success(request, f"{user.username} may sign in again.")
    else:
        messages.info(request, f"{user.username} had no failed sign-ins; nothing changed.")
    return redirect("accounts:person", pk=user.pk)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
@role_required(*STAFF_ADMIN_ROLES)
def password(request, pk: int):
    user = _account(pk)
    form = forms.PasswordForm(request.POST or None, account=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(
                username=user.username, password=form.cleaned_data["password1"], **_as(request)
            )
        except StaffError as e:
            _refused(request, e)
        else:
            messages.success(request, f"New password set for {user.username}.")
            return redirect("accounts:person", pk=user.pk)
    forms.focus_first_error(form)
    return render(request, "accounts/person_password.html", {"account": user, "form": form})
