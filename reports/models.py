from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import GeneratedDocument


class MonthlyReport(models.Model):
    """月次報告: one per calendar month, archived as a GeneratedDocument (snapshot, then PDF).

    The row is also the build's progress record, read by the admin's progress page while a
    worker snapshots and renders the month."""

    class Stage(models.TextChoices):
        QUEUED = "queued", _("queued")
        COLLECTING = "collecting", _("collecting the figures")
        RENDERING = "rendering", _("printing the PDF")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    document = models.OneToOneField(
        GeneratedDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monthly_report",
        verbose_name=_("document"),
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["progress", "updated_at"])

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="reports_monthly_report_first_day"
            ),
        ]
        permissions = [
            ("build_monthlyreport", _("Can build monthly reports")),
            ("export_for_audit", _("Can take the auditors' exports")),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"
