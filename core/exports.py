"""CSV export for the admin: formula-safe cells and an audit record of every export."""

import csv
import re

from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict, StreamingHttpResponse
from import_export import resources
from import_export.admin import ExportActionMixin

from .models import ExportLog

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain number (as import-export renders one: "-5", "-2.500", "1,234") is no formula: it stays
# as it is, so a negative ledger quantity is still a number in the spreadsheet.
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def escape_formula(value):
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_PREFIXES)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
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


def safe_resource_classes(model, resource_classes):
    """The export resources of an admin, refusing any that could export a live formula.

    Without declared resources import-export builds a plain ModelResource for the model; here
    that default is a SafeModelResource."""
    if not resource_classes:
        return [resources.modelresource_factory(model, resource_class=SafeModelResource)]
    unsafe = [cls for cls in resource_classes if not issubclass(cls, SafeModelResource)]
    if unsafe:
        raise ImproperlyConfigured(
            f"Export resources {unsafe} of {model._meta.label} must subclass "
            "core.exports.SafeModelResource (formula-safe cells)."
        )
    return list(resource_classes)


class LoggedExportMixin(ExportActionMixin):
    """Export button and action whose every export is recorded in the export log, and whose every
    resource escapes formulas (safe_resource_classes)."""

    def get_export_resource_classes(self, request):
        return safe_resource_classes(self.model, super().get_export_resource_classes(request))

    def get_resource_classes(self, request):
        # import-export's own default (no resource_classes) is a plain ModelResource.
        if not self.resource_classes and not self.resource_class:
            return safe_resource_classes(self.model, [])
        return super().get_resource_classes(request)

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


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_streaming_response(*, header, rows, filename: str):
    """A CSV for Excel on Japanese Windows, streamed: UTF-8 with a BOM, every cell formula-safe,
    one line at a time (constant memory, first byte at once). The caller logs the export."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([escape_formula(cell) for cell in header])
        for row in rows:
            yield writer.writerow([escape_formula(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
