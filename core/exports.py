"""CSV export for the admin: formula-safe cells and an audit record of every export."""

import csv
import re

from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import QueryDict, StreamingHttpResponse
from django.utils.text import format_lazy
from import_export import resources
from import_export.admin import ExportActionMixin
from import_export.forms import SelectableFieldsExportForm

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


# Never exported: keys, tokens and hashes mean nothing to a person and some are secrets; folded
# search columns are copies of a name.
_INTERNAL_FIELD = re.compile(
    r"(^|_)(token|hash|idempotency_key|password|secret|search_text|search_bigrams|blind_index)"
    r"(_|$)"
)
# A related record's column named after the relation alone (「団体」, not 「団体（名称）」).
_NAME_FIELDS = {"name", "title", "full_name"}


def _column_label(model, path: str) -> str:
    """The Japanese column name of a model field path: 「市町村」 for municipality__name,
    「団体（ふりがな）」 for organisation__name_kana, 「ID」 for id."""
    parts = path.split("__")
    if parts == ["id"]:
        return "ID"
    labels, current = [], model
    for part in parts:
        model_field = current._meta.get_field(part)
        labels.append(model_field.verbose_name)
        if not model_field.is_relation:
            break
        current = model_field.related_model
    if len(labels) == 1 or parts[-1] in _NAME_FIELDS:
        return labels[0]
    return format_lazy("{}（{}）", labels[0], labels[-1])


def _name_of(model):
    """The field that names a record of `model` for a person (a related record is exported by
    it; its __str__ may read further relations, one query per row)."""
    names = {f.name for f in model._meta.concrete_fields}
    return next((n for n in (*_NAME_FIELDS, "reference", "version") if n in names), None)


class _ExcelReadyMetaclass(type(resources.ModelResource)):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        model = new_class._meta.model
        if model is not None:
            for field_name, field in new_class.fields.items():
                if field.column_name == field_name:  # auto-created: name it in Japanese
                    field.column_name = _column_label(model, field_name)
                    field._excel_path = field_name
        return new_class


class SafeModelResource(resources.ModelResource, metaclass=_ExcelReadyMetaclass):
    """Base for every export resource, Excel-ready: Japanese column names (the model fields'
    verbose names, for every column not declared with its own), choice labels instead of codes,
    related records by name, no internal fields (tokens, hashes), and no cell that can run as a
    spreadsheet formula. The CSV itself carries a BOM (core.csv_format.ExcelCSV)."""

    def get_export_order(self):
        return [
            name
            for name in super().get_export_order()
            if not _INTERNAL_FIELD.search(name)
            and not (
                name in self.fields and _INTERNAL_FIELD.search(self.fields[name].attribute or "")
            )
        ]

    def _model_field(self, field):
        """The model field of an auto-created single-field column (None for declared columns,
        paths and relations to a record without a name, which keep import-export's value)."""
        path = getattr(field, "_excel_path", None)
        if path is None or "__" in path or path == "id":
            return None
        model_field = self._meta.model._meta.get_field(path)
        if model_field.is_relation and _name_of(model_field.related_model) is None:
            return None
        return model_field

    def export(self, queryset=None, **kwargs):
        # Related records are shown by name: fetch them with the rows, not one query per row.
        if isinstance(queryset, QuerySet):
            related, many = [], []
            for field in self.get_export_fields(kwargs.get("export_fields")):
                model_field = self._model_field(field)
                if model_field is not None and model_field.many_to_many:
                    many.append(model_field.name)
                elif model_field is not None and model_field.is_relation:
                    related.append(model_field.name)
            if related:
                queryset = queryset.select_related(*related)
            if many:
                queryset = queryset.prefetch_related(*many)
        return super().export(queryset, **kwargs)

    def export_field(self, field, instance, **kwargs):
        model_field = self._model_field(field)
        if model_field is None or callable(
            getattr(self, f"dehydrate_{self.get_field_name(field)}", None)
        ):
            value = super().export_field(field, instance, **kwargs)
        elif model_field.many_to_many:
            name = _name_of(model_field.related_model)
            records = getattr(instance, model_field.name).all()
            value = "、".join(str(getattr(record, name)) for record in records)
        elif model_field.is_relation:
            related = getattr(instance, model_field.name)
            value = "" if related is None else getattr(related, _name_of(type(related)))
        elif model_field.choices:
            code = getattr(instance, model_field.attname)
            value = str(dict(model_field.flatchoices).get(code, code or ""))
        else:
            value = super().export_field(field, instance, **kwargs)
        return escape_formula(value)


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


class JapaneseExportForm(SelectableFieldsExportForm):
    """The export page's column picker labels each column by its Japanese column name only, not
    by the English attribute name import-export derives ("Name Kana (ふりがな)")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field else field_name


class LoggedExportMixin(ExportActionMixin):
    """Export button and action whose every export is recorded in the export log, and whose every
    resource escapes formulas (safe_resource_classes)."""

    export_form_class = JapaneseExportForm

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
