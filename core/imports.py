"""Limits on admin imports: a file too large or with too many rows is refused at once, with a
Japanese message, before anything is parsed or previewed (the preview of a large register ran
past the request timeout). Every admin with an import uses `BoundedImportForm` (tests/security
walks them)."""

import io
import zipfile

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.forms import ImportForm


def count_rows(uploaded) -> int:
    """Data rows of a CSV (lines after the header) or of an XLSX's first sheet, without building
    the dataset."""
    uploaded.seek(0)
    head = uploaded.read(4)
    uploaded.seek(0)
    if head == b"PK\x03\x04":  # an XLSX is a zip
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(uploaded.read()), read_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            return 0  # not a workbook: import-export reports the format error
        finally:
            uploaded.seek(0)
        sheet = workbook.worksheets[0]
        return max(sum(1 for _row in sheet.iter_rows(values_only=True)) - 1, 0)
    lines = sum(chunk.count(b"\n") for chunk in uploaded.chunks())
    uploaded.seek(0)
    return max(lines - 1, 0)


class BoundedImportForm(ImportForm):
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
        return uploaded


def bound_every_admin_import(site=None) -> list[str]:
    """Give every registered admin with an import the bounded form (unless it already has a
    subclass of it). Called once at start-up (core.apps); returns the admins it changed."""
    from django.contrib import admin
    from import_export.admin import ImportMixin

    changed = []
    for model, model_admin in (site or admin.site)._registry.items():
        if isinstance(model_admin, ImportMixin) and not issubclass(
            model_admin.import_form_class, BoundedImportForm
        ):
            if model_admin.import_form_class is not ImportForm:
                continue  # a form of its own: the registry test names it
            model_admin.import_form_class = BoundedImportForm
            changed.append(model._meta.label)
    return changed
