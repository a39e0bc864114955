"""Staff accounts in the admin site: the IT administrator's tool. Patron records are not
registered here at all: the admin would be a way round the door."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from custodian.accounts.models import StaffUser


@admin.register(StaffUser)
class StaffUserAdmin(UserAdmin):
    list_display = ["username", "role", "branch", "is_active", "last_login"]
    list_filter = ["role", "is_active", "branch"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Library role", {"fields": ("role", "branch")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Library role", {"fields": ("role", "branch")}),
    )
