"""CSV export for the admin: formula-safe cells and an audit record of every export."""

from django.contrib.admin.views.main import SEARCH_VAR
from django.http import QueryDict
from import_export import resources
from import_export.admin import ExportActionMixin

from .models import ExportLog

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeModelResource(resources.ModelResource):
    """Base for every export resource: no exported cell can run as a spreadsheet formula."""

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))


def export_filters_for_log(query: QueryDict) -> str:
    """The export's filters as a query string, without the free-text search: a search term may be
    a person's name, and the log is read by auditors."""
    filters = query.copy()
    if filters.get(SEARCH_VAR):
        filters[SEARCH_VAR] = "***"
    return filters.urlencode(safe="*")


def export_log_record(*, user, model, filters: str, file_format: str, row_count: int) -> ExportLog:
    return ExportLog.objects.create(
        user=user,
        model_label=model._meta.label,
        filters=filters,
        file_format=file_format,
        row_count=row_count,
    )


class LoggedExportMixin(ExportActionMixin):
    """Export button and action whose every export is recorded in the export log."""

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        request.export_row_count = len(data)
        return data

    def get_export_data(self, file_format, request, queryset, **kwargs):
        export_data = super().get_export_data(file_format, request, queryset, **kwargs)
        export_log_record(
            user=request.user,
            model=self.model,
            filters=export_filters_for_log(request.GET),
            file_format=file_format.get_title(),
            row_count=request.export_row_count,
        )
        return export_data
