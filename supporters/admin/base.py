"""What the supporters admins share: the Japanese export picker, exports that load their
relations, refusals named by id, the certificate PDF answer (an export of personal data)."""

from core.admin_base import (
    DomainModelAdmin,
)
from core.exports import export_log_record
from core.pdf import JapaneseFontMissing, font_missing_response, pdf_bytes_response

from .. import services
from ..models import (
    Certificate,
)
from ..resources import (
    JapaneseExportForm,
)


def record_id(record):
    # Refusals name supporters' records by id, not by a person's name.
    return record.pk


class SupportersModelAdmin(DomainModelAdmin):
    """Base of this app's admins: Japanese export field picker, and exports that load the
    relations their columns use in the same query (`export_select_related`)."""

    export_form_class = JapaneseExportForm
    export_select_related: tuple[str, ...] = ()

    def get_export_queryset(self, request):
        queryset = super().get_export_queryset(request)
        if self.export_select_related:
            queryset = queryset.select_related(*self.export_select_related)
        return queryset


def certificates_response(request, certificates, filters, name):
    try:
        pdf = services.certificates_render(certificates=certificates)
    except JapaneseFontMissing as exc:
        return font_missing_response(exc)
    # Certificates carry names: printing them is an export of personal data.
    export_log_record(
        user=request.user,
        model=Certificate,
        filters=filters,
        file_format="PDF",
        row_count=len(certificates),
    )
    return pdf_bytes_response(pdf, filename=f"certificates-{name}.pdf", inline=False)
