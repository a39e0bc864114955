"""Where a signed-in staff member lands: the desk, or a page saying what their role does."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def home(request):
    if request.user.opens_patron_accounts:
        return redirect("desk:find")
    return render(request, "accounts/home.html")
