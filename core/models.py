from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in: secretariat staff, coordinators, hub operators, council members,
    auditors and member organisations' contacts. Nobody signs up; accounts are invited."""

    email = models.EmailField(_("email address"), unique=True)
    # Raised when the account is deactivated: every session signed with an older value ends for
    # good, so re-activating the account does not bring an old session back (core.security).
    session_epoch = models.PositiveIntegerField(_("session generation"), default=0, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_session_auth_hash(self):
        if not self.session_epoch:  # never deactivated: the hash Django has always used
            return super().get_session_auth_hash()
        return salted_hmac(
            "core.User.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()

    def __str__(self):
        # A person by their name (family name first), else their address: never the login name,
        # an internal code (COORD, user12) nobody is called by. Used by every page and export.
        full_name = " ".join(part for part in (self.last_name, self.first_name) if part)
        return full_name or self.email or self.username

    @property
    def mfa_required(self) -> bool:
        if settings.DEBUG and self.email.lower().endswith("@kirin-pf.example"):
            # The run command's demo logins (core.demo.DEMO_DOMAIN), development only: a newcomer
            # looks around without an authenticator (the login page says so). The deploy check
            # refuses an installation with such an account.
            return False
        return self.groups.filter(role_policy__mfa_required=True).exists()


class RolePolicy(models.Model):
    """Per-group settings Django's Group has no field for."""

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="role_policy", verbose_name=_("group")
    )
    mfa_required = models.BooleanField(
        _("two-factor authentication required"),
        default=False,
        help_text=_("Members of this group must set up an authenticator app before anything else."),
    )

    class Meta:
        verbose_name = _("role policy")
        verbose_name_plural = _("role policies")

    def __str__(self):
        return str(self.group)


class Municipality(models.Model):
    """A city or town the platform covers. Figures are from the 2020 census (令和2年国勢調査)."""

    name = models.CharField(_("name"), max_length=50)
    name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=10)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    aged_65_plus_percent = models.DecimalField(
        _("aged 65 and over (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    community_cafeterias = models.PositiveIntegerField(
        _("community cafeterias"), null=True, blank=True
    )
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["display_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["prefecture", "name"], name="municipality_unique_name_in_prefecture"
            ),
        ]

    def __str__(self):
        return self.name


class Notification(models.Model):
    """One e-mail sent (or being sent) for a purpose, about an object, for a period.

    The unique constraint is what makes reminders idempotent: the same purpose, object, period
    and recipient can only ever be recorded once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")

    purpose = models.CharField(_("purpose"), max_length=100)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    period = models.CharField(_("period"), max_length=32)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "content_type", "object_id", "period", "recipient"],
                name="notification_once_per_purpose_object_period_recipient",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.purpose} {self.period} → {self.recipient}"


class ExportLog(models.Model):
    """Every export of data, for auditors. Append-only: the admin offers no edit or delete."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("exported by"),
    )
    model_label = models.CharField(_("model"), max_length=100)
    filters = models.TextField(_("filters"), blank=True)
    file_format = models.CharField(_("format"), max_length=20)
    row_count = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.model_label} ({self.row_count})"


class GeneratedDocument(models.Model):
    """A document snapshotted now and rendered (possibly later, by a task) to PDF.

    `snapshot` holds exactly what will be printed, so rendering twice prints the same thing.
    """

    class Kind(models.TextChoices):
        PLATFORM_SUMMARY = "platform_summary", _("platform summary")
        MONTHLY_REPORT = "monthly_report", _("monthly report")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be rendered")
        RENDERED = "rendered", _("rendered")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    snapshot = models.JSONField(_("snapshot"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # Set for a scheduled document ("2026-12" for a monthly one): one per kind and period, so a
    # task that runs twice makes one document (like core.notifications' reminders).
    period = models.CharField(_("period"), max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]
        permissions = [("print_platform_summary", _("Can print the platform summary"))]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=~models.Q(period=""),
                name="generateddocument_once_per_kind_period",
            ),
        ]

    def __str__(self):
        return self.title


from .contact import SecretariatContact  # noqa: E402, F401  (a core model kept in its own module)
from .import_jobs import ImportJob  # noqa: E402, F401  (a core model kept in its own module)
from .security_log import SecurityEvent  # noqa: E402, F401  (a core model kept in its own module)
