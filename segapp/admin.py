"""Django admin: read-mostly views for operators."""

from django.contrib import admin

from segapp.models import Customer, Document, Event, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "file_type", "status", "original_filename", "rows_read", "rows_imported")
    list_filter = ("status", "file_type", "source")
    readonly_fields = [field.name for field in ImportJob._meta.fields]


class ThroughPrivacyCentre(admin.ModelAdmin):
    """Customers' data is removed by erasure and retention only (they reach every copy)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(ThroughPrivacyCentre):
    list_display = ("pseudonym", "segmentation_consent", "created_at")
    search_fields = ("pseudonym",)
    # Consent changes go through the privacy centre: history, withdrawal from runs, audit.
    readonly_fields = ("pseudonym", "segmentation_consent", "consent_updated_at")


@admin.register(Document)
class DocumentAdmin(ThroughPrivacyCentre):
    list_display = ("id", "kind", "channel", "created_at", "rating")
    list_filter = ("kind",)
    raw_id_fields = ("customer", "import_job")


@admin.register(Event)
class EventAdmin(ThroughPrivacyCentre):
    list_display = ("id", "event_type", "created_at", "amount")
    raw_id_fields = ("customer", "import_job")
