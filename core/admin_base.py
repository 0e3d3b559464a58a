from django.contrib import messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from .exports import LoggedExportMixin
from .japanese import fold


class ReadOnlyMixin:
    """For records written only by services (or append-only): viewable, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FoldedSearchMixin:
    """Search a folded column with a folded term: width and kana do not matter."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))


class DomainModelAdmin(LoggedExportMixin, SimpleHistoryAdmin):
    """Base for every domain record's admin: change history and logged, formula-safe CSV export.

    Subclasses set `resource_classes` to a SafeModelResource.
    """

    show_full_result_count = False


def report_refusal(modeladmin, request, exc: ValidationError, *, about=None, level=messages.ERROR):
    """A service's refusal as admin messages, prefixed with the record it concerns."""
    prefix = f"{about}: " if about is not None else ""
    for message in exc.messages:
        modeladmin.message_user(request, f"{prefix}{message}", level=level)


def apply_to_each(modeladmin, request, records, action, *, about=str, level=messages.ERROR) -> int:
    """Run `action(record)` (a service call) for each record; a refusal is reported against
    `about(record)` and the others go on. Returns how many succeeded."""
    done = 0
    for record in records:
        try:
            action(record)
            done += 1
        except ValidationError as exc:
            report_refusal(modeladmin, request, exc, about=about(record), level=level)
    return done
