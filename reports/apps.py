from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports read every domain app (through their selectors); no domain app imports reports."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core.models import GeneratedDocument
        from core.services import register_document_template

        register_document_template(
            GeneratedDocument.Kind.PLATFORM_SUMMARY, "reports/pdf/platform_summary.html"
        )
        register_document_template(
            GeneratedDocument.Kind.MONTHLY_REPORT, "reports/pdf/monthly_report.html"
        )
