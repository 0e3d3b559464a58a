from simple_history.admin import SimpleHistoryAdmin

from .exports import LoggedExportMixin


class ReadOnlyMixin:
    """For records written only by services (or append-only): viewable, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DomainModelAdmin(LoggedExportMixin, SimpleHistoryAdmin):
    """Base for every domain record's admin: change history and logged, formula-safe CSV export.

    Subclasses set `resource_classes` to a SafeModelResource.
    """

    show_full_result_count = False
