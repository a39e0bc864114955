"""Read-only admin views: the log can be browsed, never edited."""

from django.contrib import admin

from custodian.audit.models import AuditCheckpoint, AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "seq",
        "recorded_at",
        "actor",
        "role",
        "action",
        "purpose",
        "patron_ref",
        "outcome",
    ]
    list_filter = ["action", "outcome", "role"]
    search_fields = ["patron_ref", "actor"]
    exclude = ["body"]


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["tree_size", "signed_at", "root_hash"]
