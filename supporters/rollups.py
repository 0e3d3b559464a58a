"""Monthly roll-up of the supporters: what the progress dashboard and the monthly and
fiscal-year reports read instead of counting every supporter.

One row per municipality, school district, status, month of registration and (for a withdrawn
supporter) month of withdrawal, with the number of supporters. supporters.services.rollups moves
a supporter from one row to another in the same transaction as the registration, correction or
status change (an atomic UPDATE … SET supporters = supporters + 1); `manage.py
supporters_check_rollups` proves the rows equal the supporters counted the same way
(`--rebuild` recomputes them). Two registrations racing to open the same new row may open it
twice: every read sums, so the figures stay right, and a rebuild merges them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupporterMonth(models.Model):
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        "supporters.SchoolDistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school district"),
    )
    status = models.CharField(_("status"), max_length=10)
    month = models.DateField(_("month registered"))  # its first day
    withdrawn_month = models.DateField(_("month withdrawn"), null=True, blank=True)
    supporters = models.IntegerField(_("supporters"))

    class Meta:
        verbose_name = _("monthly supporter roll-up")
        verbose_name_plural = _("monthly supporter roll-ups")
        indexes = [
            models.Index(
                fields=["municipality", "district", "status", "month"],
                name="supporters_month_key",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.status} {self.supporters}"


class SessionAttendanceCount(models.Model):
    """How many attendances a training session has, kept by the database itself: triggers on
    supporters_attendance add and subtract in the same statement as any insert, delete or move
    (migration 0010), so every writer — service, import, admin, a raw INSERT — keeps it right.
    A table of its own rather than a column of the session, so that saving a session loaded
    earlier can never write an old count back. Read by the dashboard and reports instead of
    counting every attendance; `supporters_check_rollups` compares it with the attendances."""

    session = models.OneToOneField(
        "supporters.TrainingSession",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="attendance_count",
        verbose_name=_("training session"),
    )
    attendances = models.IntegerField(_("attendances"), default=0)

    class Meta:
        verbose_name = _("attendance count")
        verbose_name_plural = _("attendance counts")

    def __str__(self):
        return f"{self.session_id}: {self.attendances}"
