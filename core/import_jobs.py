"""ImportJob: one uploaded spreadsheet on its way into the database (core.imports).

The row holds the file itself until the import is finished (a worker in another container
reads it from here), what the check found (counts, errors per row and column, a preview) and
where the work stands. The file is dropped once the import is done or refused: it may hold
personal data (a supporters' list)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Stage(models.TextChoices):
        CHECKING = "checking", _("checking the file")
        CHECKED = "checked", _("checked: waiting for confirmation")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    model = models.CharField(_("model"), max_length=100)
    resource = models.CharField(_("import definition"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"), blank=True, default=b"")
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    in_background = models.BooleanField(_("in the background"), default=False)
    summary = models.JSONField(_("result"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.stage in (self.Stage.CHECKED, self.Stage.DONE, self.Stage.FAILED)
