from simple_history.admin import SimpleHistoryAdmin

from .exports import LoggedExportMixin


class DomainModelAdmin(LoggedExportMixin, SimpleHistoryAdmin):
    """Base for every domain record's admin: change history and logged, formula-safe CSV export.

    Subclasses set `resource_classes` to a SafeModelResource.
    """

    show_full_result_count = False
