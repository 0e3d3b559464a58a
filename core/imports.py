"""The one import mechanism of every admin import page (django-import-export resources).

Every admin with an import (`ImportMixin`) gets `JapaneseImportMixin` (by its class, or at
start-up: `bound_every_admin_import`), which gives the import page:

- the columns the file must have and those it may have, the accepted values of each choice
  column, and a template file (CSV for Excel and XLSX) with the exact headings and an example;
- the file read as Excel writes it: XLSX, CSV in UTF-8 (with or without BOM) or in cp932
  (Shift_JIS, Excel's CSV on Japanese Windows); headings matched by their folded form;
- missing required columns named in Japanese before any row is read; errors in Japanese per
  row and column, never a traceback or an exception's English text (those are logged);
- a check first (nothing written), showing every column it will write, the rows it skips as
  already registered and the errors; then the import on confirmation, all or nothing;
- files above `IMPORT_BACKGROUND_ROWS` rows checked and imported by a Celery task
  (`core.tasks.import_job_task`) while the page polls its progress (a meta refresh, as the
  monthly report's progress page); files above `IMPORT_MAX_BYTES` or `IMPORT_MAX_ROWS` refused.

A resource describes its columns with `import_columns()` (a list of `Column`) and its preview
with `preview_values(instance)`; without them both are derived from its fields and the model.
`ChoiceLabelWidget` reads a choice by its label or an obvious synonym (folded, unique prefix).
"""

import csv
import datetime
import io
import logging
import zipfile
from dataclasses import dataclass

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets
from import_export.admin import ImportMixin
from import_export.results import RowResult

from .import_jobs import ImportJob
from .japanese import fold, format_date

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 100
LISTED_ERRORS = 200
PROGRESS_EVERY = 200


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the user (Japanese)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- Columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    heading: str
    required: bool = False
    choices: tuple[str, ...] = ()
    example: str = ""
    note: str = ""


def folded_key(text) -> str:
    """How headings and choice labels are compared: folded (width, kana, case), no spaces."""
    return "".join(fold(str(text or "")).split())


def _model_field(model, attribute):
    try:
        return model._meta.get_field((attribute or "").split("__")[0])
    except FieldDoesNotExist:
        return None


def _example_for(model_field) -> str:
    if model_field is None:
        return ""
    if model_field.choices:
        return str(model_field.choices[0][1])
    if isinstance(model_field, models.DateTimeField):
        return "2026-04-01 10:00"
    if isinstance(model_field, models.DateField):
        return "2026-04-01"
    if isinstance(model_field, models.BooleanField):
        return "はい"
    if isinstance(model_field, models.IntegerField | models.DecimalField | models.FloatField):
        return "10"
    return ""


def _example_of(model_field, required: bool) -> str:
    """A value the template can show for a column the resource gives no example of: the first
    record of a required relation (a municipality), else one of the field's type."""
    if model_field is not None and model_field.is_relation and required:
        first = model_field.related_model._default_manager.order_by("pk").first()
        return str(first) if first is not None else ""
    return _example_for(model_field)


def _derived_columns(resource_class) -> list[Column]:
    """Columns of a resource that does not describe them: its import fields; required when the
    widget says so or the model field may not be blank; the model's choice labels; examples
    from the resource's `import_examples` (heading → value) or the field."""
    resource = resource_class()
    model = resource._meta.model
    examples = getattr(resource_class, "import_examples", {})
    columns = []
    for field in resource.get_import_fields():
        if field.attribute in (None, "id", "pk"):
            continue
        model_field = _model_field(model, field.attribute)
        widget_choices = getattr(field.widget, "labels", None)
        choices = tuple(widget_choices() if widget_choices else ())
        if not choices and model_field is not None and model_field.choices:
            choices = tuple(str(label) for _value, label in model_field.choices)
        required = bool(getattr(field.widget, "required", False)) or (
            model_field is not None
            and not model_field.blank
            and not model_field.has_default()
            and not getattr(model_field, "auto_now_add", False)
        )
        heading = str(field.column_name)
        if heading in examples:
            example = examples[heading]
        else:
            example = choices[0] if choices else _example_of(model_field, required)
        is_date = isinstance(model_field, models.DateField) and not isinstance(
            model_field, models.DateTimeField
        )
        columns.append(
            Column(
                heading=heading,
                required=required,
                choices=choices,
                example=example,
                note="2024/4/1、2024年4月1日" if is_date else "",
            )
        )
    return columns


def read_choices_by_label(resource) -> None:
    """A choice column left with import-export's plain widget (which takes the stored code)
    reads the Japanese label and its synonyms instead, as the page lists them."""
    model = resource._meta.model
    for field in resource.fields.values():
        model_field = _model_field(model, field.attribute)
        if (
            model_field is not None
            and model_field.choices
            and "__" not in (field.attribute or "")
            and type(field.widget) in (widgets.Widget, widgets.CharWidget)
        ):
            field.widget = ChoiceLabelWidget(
                model_field.choices,
                required=not model_field.blank and not model_field.has_default(),
                default=model_field.get_default() if model_field.has_default() else "",
            )


def columns_of(resource_class) -> list[Column]:
    described = getattr(resource_class, "import_columns", None)
    return list(described()) if described else _derived_columns(resource_class)


# --- Choices by label -----------------------------------------------------------------------


class ChoiceMatcher:
    """Finds the value of the choice a cell names: its label, its value, a synonym, or the
    start of exactly one label (「その他」 for 「その他の団体」), compared folded (ＮＰＯ = NPO).
    The labels are folded once, so a file of 10,000 rows folds each cell once."""

    def __init__(self, choices, synonyms=None):
        self.exact = {}
        for value, label in choices:
            self.exact.setdefault(folded_key(value), value)
            self.exact[folded_key(label)] = value
        for synonym, value in (synonyms or {}).items():
            self.exact.setdefault(folded_key(synonym), value)
        self.labels = [(folded_key(label), value) for value, label in choices]

    def __call__(self, text):
        """The value, or None when nothing or more than one choice matches."""
        key = folded_key(text)
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        starting = {value for label, value in self.labels if label.startswith(key)}
        if len(key) >= 2 and len(starting) == 1:
            return starting.pop()
        return None


def choice_from_label(text, choices, synonyms=None):
    """ChoiceMatcher for one cell (see there)."""
    return ChoiceMatcher(choices, synonyms)(text)


class ChoiceLabelWidget(widgets.Widget):
    """A choice column written as its Japanese label (or a synonym, see choice_from_label)."""

    def __init__(self, choices, *, synonyms=None, required=False, default=None):
        self.choices = list(choices)
        self.synonyms = dict(synonyms or {})
        self.required = required
        self.default = default
        super().__init__()

    def labels(self) -> list[str]:
        return [str(label) for _value, label in self.choices]

    def clean(self, value, row=None, **kwargs):
        if not str(value or "").strip():
            if self.required:
                raise ValueError(_("Please enter one of: %(allowed)s") % self._allowed())
            return self.default
        if getattr(self, "_matcher", None) is None:
            self._matcher = ChoiceMatcher(self.choices, self.synonyms)
        chosen = self._matcher(value)
        if chosen is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s") % {"value": value, **self._allowed()}
            )
        return chosen

    def _allowed(self) -> dict:
        return {"allowed": "、".join(self.labels())}

    def render(self, value, obj=None, **kwargs):
        return next((str(label) for v, label in self.choices if v == value), "")


# --- Reading the file -----------------------------------------------------------------------


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else cp932 (Excel's CSV on Japanese Windows)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _(
            "The characters of the file cannot be read. Save it from Excel as “CSV UTF-8”, as "
            "“CSV” (Shift_JIS) or as an Excel workbook (.xlsx)."
        )
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(
            _("The file cannot be read as an Excel workbook (.xlsx) or as CSV.")
        ) from exc
    sheet = workbook.worksheets[0]
    return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def read_rows(data: bytes) -> list[list[str]]:
    if data[:4] == b"PK\x03\x04":  # an XLSX is a zip
        return _xlsx_rows(data)
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(decode_csv(data)))]
    except csv.Error as exc:
        raise ImportFileError(_("The file cannot be read as CSV.")) from exc


def read_dataset(data: bytes, columns: list[Column]) -> tablib.Dataset:
    """The file as a dataset with the resource's own headings (matched folded), blank lines
    left out; ImportFileError (Japanese) when it is empty or a required column is missing."""
    rows = [row for row in read_rows(data) if any(row)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    by_key = {folded_key(column.heading): column.heading for column in columns}
    headers = [by_key.get(folded_key(cell), cell) for cell in rows[0]]
    missing = [c.heading for c in columns if c.required and c.heading not in headers]
    if missing:
        raise ImportFileError(
            _(
                "The file lacks these required columns: %(columns)s. Download the template and "
                "use its first row as the headings."
            )
            % {"columns": "、".join(f"「{m}」" for m in missing)}
        )
    if len(rows) == 1:
        raise ImportFileError(_("The file has headings but no rows to import."))
    width = len(headers)
    dataset = ProgressDataset(headers=headers)
    for row in rows[1:]:
        dataset.append((row + [""] * width)[:width])
    return dataset


class ProgressDataset(tablib.Dataset):
    """A dataset that reports how many rows the import has gone through (`on_progress`)."""

    on_progress = None

    def __iter__(self):
        for number, row in enumerate(self._data, 1):
            if self.on_progress is not None and number % PROGRESS_EVERY == 0:
                self.on_progress(number)
            yield row.tuple


def count_rows(uploaded) -> int:
    """Data rows of a CSV (lines after the header) or of an XLSX's first sheet, without building
    the dataset."""
    uploaded.seek(0)
    head = uploaded.read(4)
    uploaded.seek(0)
    if head == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(uploaded.read()), read_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            return 0  # not a workbook: reading it says so
        finally:
            uploaded.seek(0)
        sheet = workbook.worksheets[0]
        return max(sum(1 for _row in sheet.iter_rows(values_only=True)) - 1, 0)
    lines = sum(chunk.count(b"\n") for chunk in uploaded.chunks())
    uploaded.seek(0)
    return max(lines - 1, 0)


# --- The upload form --------------------------------------------------------------------------


class BoundedImportForm(forms.Form):
    """The upload: a file within `IMPORT_MAX_BYTES` and `IMPORT_MAX_ROWS`, refused at once
    with a Japanese message before anything is parsed (tests/security walks every import)."""

    import_file = forms.FileField(label=gettext_lazy("File (CSV or Excel .xlsx)"))
    resource = forms.TypedChoiceField(
        label=gettext_lazy("Kind of list"), coerce=int, required=False, empty_value=0
    )

    def __init__(self, *args, resource_classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        names = [cls.get_display_name() for cls in resource_classes]
        if len(names) > 1:
            self.fields["resource"].choices = list(enumerate(names))
        else:
            self.fields["resource"].choices = [(0, "")]
            self.fields["resource"].widget = forms.HiddenInput()

    def clean_import_file(self):
        uploaded = self.cleaned_data["import_file"]
        if uploaded.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is too large (%(size)s KB; at most %(limit)s KB). Please split it "
                    "into smaller files and import them one after another."
                )
                % {"size": uploaded.size // 1024, "limit": settings.IMPORT_MAX_BYTES // 1024}
            )
        rows = count_rows(uploaded)
        if rows > settings.IMPORT_MAX_ROWS:
            raise forms.ValidationError(
                _(
                    "The file has too many rows (%(rows)s; at most %(limit)s). Please split it "
                    "into smaller files and import them one after another."
                )
                % {"rows": rows, "limit": settings.IMPORT_MAX_ROWS}
            )
        uploaded.counted_rows = rows
        return uploaded


# --- Running an import --------------------------------------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"core.import_job.{job_id}.rows"


def import_job_progress(job: ImportJob) -> int:
    """Percent of the rows the running check or import has gone through (read by the page)."""
    if job.finished or not job.total_rows:
        return 100 if job.finished else 0
    done = cache.get(_progress_key(job.pk)) or 0
    return min(99, done * 100 // job.total_rows)


def _resource_path(resource_class) -> str:
    return f"{resource_class.__module__}.{resource_class.__qualname__}"


# A job still checking or importing this long after its worker started it lost its worker: the
# task's hard time limit (core.tasks.import_job_task) is half of it.
IMPORT_JOB_STALE_AFTER = datetime.timedelta(hours=1)


def import_jobs_fail_stale(jobs=None) -> int:
    """Mark the jobs (all, or the given queryset) whose worker died as failed, with a Japanese
    sentence, instead of showing them as running forever; the import ran in one transaction, so
    nothing of it was saved. Returns how many."""
    jobs = ImportJob.objects.all() if jobs is None else jobs
    return jobs.filter(
        stage__in=(ImportJob.Stage.CHECKING, ImportJob.Stage.IMPORTING),
        updated_at__lt=timezone.now() - IMPORT_JOB_STALE_AFTER,
    ).update(
        stage=ImportJob.Stage.FAILED,
        content=b"",
        summary=_failure(_("The import stopped without finishing (its worker is gone).")),
        updated_at=timezone.now(),
    )


def import_jobs_expire() -> None:
    """Files and previews may hold personal data: a checked file nobody confirmed within a day
    is dropped, and a job is forgotten after a week (what was imported has its history rows).
    Run at every upload and daily (core.tasks.import_jobs_expire_task)."""
    now = timezone.now()
    ImportJob.objects.filter(created_at__lt=now - datetime.timedelta(days=7)).delete()
    ImportJob.objects.filter(
        stage=ImportJob.Stage.CHECKED, updated_at__lt=now - datetime.timedelta(days=1)
    ).update(stage=ImportJob.Stage.FAILED, content=b"", summary={})
    import_jobs_fail_stale()


def import_job_start(*, model, resource_class, uploaded, user) -> ImportJob:
    """Keep the uploaded file and check it: here when small, else in the background. Raises
    ImportFileError (Japanese) when the file cannot be read or lacks a required column."""
    import_jobs_expire()
    data = b"".join(uploaded.chunks())
    dataset = read_dataset(data, columns_of(resource_class))
    job = ImportJob.objects.create(
        model=model._meta.label,
        resource=_resource_path(resource_class),
        file_name=uploaded.name[:255],
        content=data,
        total_rows=len(dataset),
        stage=ImportJob.Stage.CHECKING,
        in_background=len(dataset) > settings.IMPORT_BACKGROUND_ROWS,
        user=user,
    )
    _dispatch(job, write=False)
    job.refresh_from_db()
    return job


def import_job_confirm(*, job: ImportJob, user) -> ImportJob:
    """Import a checked file (once: a second click finds it no longer waiting)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.stage != ImportJob.Stage.CHECKED or not job.summary.get("can_import"):
            raise ValidationError(_("This file is not waiting to be imported."))
        job.stage = ImportJob.Stage.IMPORTING
        job.save(update_fields=["stage", "updated_at"])
        if job.in_background:
            _dispatch(job, write=True)
    if not job.in_background:
        _dispatch(job, write=True)
    job.refresh_from_db()
    return job


def _dispatch(job: ImportJob, *, write: bool) -> None:
    if job.in_background:
        from .tasks import import_job_task  # tasks import this module

        import_job_task.delay_on_commit(job.pk, write)
    else:
        import_job_run(job.pk, write=write)


def import_job_run(job_id: int, *, write: bool) -> ImportJob:
    """Check (`write=False`: nothing is kept) or import the job's file, all or nothing, and
    record what happened on the job. Any unexpected error is logged and shown as a Japanese
    sentence; the file is dropped once imported or refused."""
    job = ImportJob.objects.get(pk=job_id)
    if job.stage == ImportJob.Stage.FAILED:
        return job  # waited in the queue so long it was given up (import_jobs_fail_stale)
    ImportJob.objects.filter(pk=job.pk).update(
        stage=ImportJob.Stage.IMPORTING if write else ImportJob.Stage.CHECKING,
        updated_at=timezone.now(),  # when the worker took it up: see IMPORT_JOB_STALE_AFTER
    )
    cache.set(_progress_key(job.pk), 0, 3600)
    try:
        resource = import_string(job.resource)()
        read_choices_by_label(resource)
        dataset = read_dataset(bytes(job.content), columns_of(type(resource)))
        dataset.on_progress = lambda rows: cache.set(_progress_key(job.pk), rows, 3600)
        result = resource.import_data(
            dataset,
            dry_run=not write,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            retain_instance_in_row_result=True,
            user=job.user,
        )
        summary = summarise(result, resource, write=write)
    except ImportFileError as exc:
        summary = _failure(exc.message)
    except Exception:
        logger.exception("Import %s (%s) failed", job.pk, job.resource)
        summary = _failure(_("The import stopped because of an error in the system."))
    if summary["can_import"] and not write:
        stage = ImportJob.Stage.CHECKED
    elif write and summary["can_import"]:
        stage = ImportJob.Stage.DONE
    else:
        stage = ImportJob.Stage.FAILED
    job.summary = summary
    job.stage = stage
    if stage != ImportJob.Stage.CHECKED:
        job.content = b""
    job.save(update_fields=["summary", "stage", "content", "updated_at"])
    cache.delete(_progress_key(job.pk))
    return job


def _failure(message) -> dict:
    return {
        "can_import": False,
        "new": 0,
        "skipped": 0,
        "invalid": 0,
        "errors": [{"line": None, "column": "", "message": str(message)}],
        "file_errors": [str(message)],
    }


def _column_name(resource, field_name: str) -> str:
    named = getattr(resource, "error_columns", {})
    if field_name in named:
        return named[field_name]
    if field_name in resource.fields:
        return str(resource.fields[field_name].column_name)
    for field in resource.fields.values():
        if field.attribute == field_name:
            return str(field.column_name)
    model_field = _model_field(resource._meta.model, field_name)
    return str(model_field.verbose_name) if model_field is not None else ""


def _row_errors(result, resource) -> list[dict]:
    """Every problem as (line of the spreadsheet, column, Japanese message); the heading is
    line 1, so data row n is line n + 1. Exceptions are logged, never shown."""
    errors = []
    for row in result.invalid_rows:
        error = row.error
        if hasattr(error, "error_dict"):
            for field_name, field_errors in error.message_dict.items():
                column = "" if field_name == "__all__" else _column_name(resource, field_name)
                errors += [
                    {"line": row.number + 1, "column": column, "message": str(m)}
                    for m in field_errors
                ]
        else:
            errors += [{"line": row.number + 1, "column": "", "message": str(m)} for m in error]
    for number, row_errors in result.row_errors():
        for error in row_errors:
            logger.warning("Import row %s failed", number, exc_info=error.error)
            errors.append(
                {
                    "line": number + 1,
                    "column": "",
                    "message": _(
                        "This row could not be read. Check its values against the template."
                    ),
                }
            )
    for error in result.base_errors:
        logger.warning("Import failed", exc_info=error.error)
        messages_ = (
            getattr(error.error, "messages", None)
            if isinstance(error.error, ValidationError)
            else None
        )
        text = messages_ or [_("The import stopped because of an error in the system.")]
        errors += [{"line": None, "column": "", "message": str(m)} for m in text]
    return sorted(errors, key=lambda e: e["line"] or 0)


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return format_date(value)
    return str(value)


def preview_values(resource, instance, columns) -> list[str]:
    """The row as it will be written, column by column, choices as their labels."""
    own = getattr(resource, "preview_values", None)
    if own is not None:
        values = own(instance)
        return [_display(values.get(c.heading)) for c in columns]
    by_heading = {str(f.column_name): f for f in resource.get_import_fields()}
    cells = []
    for column in columns:
        field = by_heading.get(column.heading)
        if field is None or not field.attribute:
            cells.append("")
            continue
        name = field.attribute.split("__")[0]
        model_field = _model_field(type(instance), name)
        if model_field is not None and model_field.choices:
            cells.append(str(getattr(instance, f"get_{name}_display")()))
        else:
            cells.append(_display(getattr(instance, name, None)))
    return cells


def summarise(result, resource, *, write: bool) -> dict:
    columns = columns_of(type(resource))
    errors = _row_errors(result, resource)
    totals = result.totals
    invalid = totals[RowResult.IMPORT_TYPE_INVALID] + totals[RowResult.IMPORT_TYPE_ERROR]
    preview, skipped = [], []
    for row in result.rows:
        if row.import_type == RowResult.IMPORT_TYPE_NEW and len(preview) < PREVIEW_ROWS:
            if row.instance is not None:
                preview.append(preview_values(resource, row.instance, columns))
        elif row.import_type == RowResult.IMPORT_TYPE_SKIP and len(skipped) < PREVIEW_ROWS:
            skipped.append(row.object_repr or "")
    return {
        "can_import": not errors,
        "written": write and not errors,
        "new": totals[RowResult.IMPORT_TYPE_NEW],
        "skipped": totals[RowResult.IMPORT_TYPE_SKIP],
        "invalid": invalid,
        "errors": errors[:LISTED_ERRORS],
        "more_errors": max(len(errors) - LISTED_ERRORS, 0),
        "headings": [c.heading for c in columns],
        "preview": preview,
        "skipped_names": skipped,
    }


# --- Template files ---------------------------------------------------------------------------


def template_csv(columns: list[Column]) -> bytes:
    """Headings and one example row, UTF-8 with BOM (Excel on Japanese Windows opens it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.heading for c in columns])
    writer.writerow([c.example for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(columns: list[Column]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.heading for c in columns])
    sheet.append([c.example for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, 1):
        width = max(12, 2 * len(column.heading) + 4, 2 * len(column.example))
        sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- The admin ---------------------------------------------------------------------------------


class JapaneseImportMixin(ImportMixin):
    """The import page of an admin (see the module's docstring). An admin declares its import
    as import-export does (`resource_classes` or `get_import_resource_classes`)."""

    import_form_class = BoundedImportForm
    import_template_name = "admin/core/import.html"
    import_job_template_name = "admin/core/import_job.html"

    def get_urls(self):
        prefix = "{}_{}".format(*self.get_model_info())
        replaced = {f"{prefix}_import", f"{prefix}_process_import"}
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_action), name=f"{prefix}_import"),
            path(
                "import/template.<str:kind>",
                view(self.import_template_view),
                name=f"{prefix}_import_template",
            ),
            path("import/<int:job_id>/", view(self.import_job_view), name=f"{prefix}_import_job"),
            *[u for u in super().get_urls() if getattr(u, "name", None) not in replaced],
        ]

    def _import_resource_class(self, request, index):
        classes = self.get_import_resource_classes(request)
        try:
            return classes[int(index or 0)]
        except (IndexError, ValueError) as exc:
            raise Http404 from exc

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource_classes = self.get_import_resource_classes(request)
        form = self.import_form_class(
            request.POST or None, request.FILES or None, resource_classes=resource_classes
        )
        if request.method == "POST" and form.is_valid():
            resource_class = self._import_resource_class(request, form.cleaned_data["resource"])
            try:
                job = import_job_start(
                    model=self.model,
                    resource_class=resource_class,
                    uploaded=form.cleaned_data["import_file"],
                    user=request.user,
                )
            except ImportFileError as exc:
                form.add_error("import_file", exc.message)
            else:
                return redirect(self._job_url(job))
        info = self.get_model_info()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(name)s") % {"name": self.model._meta.verbose_name_plural},
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
            "imports": [
                {
                    "name": cls.get_display_name(),
                    "columns": columns_of(cls),
                    "csv_url": reverse(f"admin:{info[0]}_{info[1]}_import_template", args=["csv"])
                    + f"?resource={index}",
                    "xlsx_url": reverse(f"admin:{info[0]}_{info[1]}_import_template", args=["xlsx"])
                    + f"?resource={index}",
                }
                for index, cls in enumerate(resource_classes)
            ],
            "several": len(resource_classes) > 1,
            "max_rows": settings.IMPORT_MAX_ROWS,
            "max_kb": settings.IMPORT_MAX_BYTES // 1024,
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def import_template_view(self, request, kind):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if kind not in ("csv", "xlsx"):
            raise Http404
        columns = columns_of(self._import_resource_class(request, request.GET.get("resource")))
        name = _("%(name)s_import_template") % {"name": self.model._meta.verbose_name_plural}
        if kind == "csv":
            response = HttpResponse(template_csv(columns), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                template_xlsx(columns),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.{kind}")
        return response

    def _job_url(self, job):
        info = self.get_model_info()
        return reverse(f"admin:{info[0]}_{info[1]}_import_job", args=[job.pk])

    def import_job_view(self, request, job_id):
        if not self.has_import_permission(request):
            raise PermissionDenied
        jobs = ImportJob.objects.filter(model=self.model._meta.label)
        import_jobs_fail_stale(jobs.filter(pk=job_id))
        job = get_object_or_404(jobs, pk=job_id)
        if job.user_id != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied  # the file may hold personal data: its importer's only
        if request.method == "POST":
            try:
                job = import_job_confirm(job=job, user=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            return redirect(self._job_url(job))  # the page says what was imported
        info = self.get_model_info()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(name)s") % {"name": self.model._meta.verbose_name_plural},
            "opts": self.model._meta,
            "job": job,
            "summary": job.summary,
            "progress": import_job_progress(job),
            "running": job.stage in (ImportJob.Stage.CHECKING, ImportJob.Stage.IMPORTING),
            "done_message": done_message(job) if job.stage == ImportJob.Stage.DONE else "",
            "import_url": reverse(f"admin:{info[0]}_{info[1]}_import"),
            "changelist_url": reverse(f"admin:{info[0]}_{info[1]}_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_job_template_name], context)


def done_message(job: ImportJob) -> str:
    summary = job.summary
    text = _("%(new)s rows were imported.") % {"new": summary.get("new", 0)}
    if summary.get("skipped"):
        text += _(" %(skipped)s rows already registered were skipped.") % {
            "skipped": summary["skipped"]
        }
    return text


def bound_every_admin_import(site=None) -> list[str]:
    """Give every registered admin with an import (import-export's `ImportMixin`) this module's
    import page, so that no import escapes the limits, the encodings and the Japanese errors.
    Called once at start-up (core.apps); returns the admins it changed."""
    from django.contrib import admin

    changed = []
    for model, model_admin in (site or admin.site)._registry.items():
        if isinstance(model_admin, ImportMixin) and not isinstance(
            model_admin, JapaneseImportMixin
        ):
            cls = type(model_admin)
            model_admin.__class__ = type(cls.__name__, (JapaneseImportMixin, cls), {})
            changed.append(model._meta.label)
        if isinstance(model_admin, JapaneseImportMixin):
            model_admin.import_form_class = BoundedImportForm
    return changed
