"""つながりサポーター: trainings, sign-ups, attendance, certificates, supporters and targets.

Personal data (Supporter, Registration, Attendance, Certificate, NoticeRecipient) is visible to
the secretariat only; see core/roles.py for who sees what.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.japanese import bigrams, fold
from core.limits import STAFF_TEXT_MAX, STAFF_TEXT_VALIDATOR
from core.pg_indexes import trigram_index
from core.querysets import InForceQuerySet


class ValidFromQuerySet(InForceQuerySet):
    """Rule sets and consent texts: in force from `valid_from`, until a newer one starts."""

    start_field = "valid_from"


class SupporterRuleSet(models.Model):
    """The numbers the supporter scheme runs on, in force from a date (newest applicable wins)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    refresher_interval_months = models.PositiveSmallIntegerField(
        _("refresher interval (months)"),
        help_text=_("A supporter is due for a refresher this many months after the last training."),
    )
    refresher_reminder_days = models.PositiveSmallIntegerField(
        _("refresher reminder (days before due)"),
    )
    signup_limit_per_hour = models.PositiveSmallIntegerField(
        _("sign-ups allowed per hour from one address"),
    )
    self_cancel_hours = models.PositiveSmallIntegerField(
        _("self-cancellation until (hours before the start)"),
        default=24,
        help_text=_(
            "A resident may cancel from the confirmation e-mail until this many hours "
            "before the session starts."
        ),
    )
    waitlist_offer_hours = models.PositiveSmallIntegerField(
        _("waiting-list offer valid for (hours)"),
        default=48,
        help_text=_("A freed place offered to the first person waiting is held this long."),
    )
    history = HistoricalRecords()
    objects = ValidFromQuerySet.as_manager()

    class Meta:
        verbose_name = _("supporter rule set")
        verbose_name_plural = _("supporter rule sets")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refresher_interval_months__gt=0),
                name="supporter_rules_interval_positive",
            ),
            models.CheckConstraint(
                condition=Q(signup_limit_per_hour__gt=0),
                name="supporter_rules_signup_limit_positive",
            ),
        ]

    def __str__(self):
        return str(self.valid_from)


class ConsentText(models.Model):
    """A version of the text people agree to about how their personal data is used."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    body = models.TextField(_("text"), max_length=STAFF_TEXT_MAX, validators=[STAFF_TEXT_VALIDATOR])
    valid_from = models.DateField(_("valid from"))
    history = HistoricalRecords()
    objects = ValidFromQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["-valid_from", "-pk"]

    def __str__(self):
        return self.version


class SchoolDistrict(models.Model):
    """A junior-high school district (中学校区) with its target number of supporters."""

    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="school_districts",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    target = models.PositiveSmallIntegerField(_("target number of supporters"), default=0)
    is_placeholder = models.BooleanField(
        _("placeholder"),
        default=False,
        help_text=_("Demo data: the name is not a real school district."),
    )
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school district")
        verbose_name_plural = _("school districts")
        ordering = ["municipality__display_order", "display_order", "pk"]
        permissions = [("view_dashboard", _("Can view the supporter progress dashboard"))]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="school_district_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


class Affiliation(models.TextChoices):
    WELFARE_COMMISSIONER = "welfare_commissioner", _("welfare commissioner (民生委員)")
    MEMBER_STAFF = "member_staff", _("member organisation staff")
    PROFESSIONAL = "professional", _("professional")
    STUDENT = "student", _("student")
    RESIDENT = "resident", _("resident")
    OTHER = "other", _("other")


class TrainingSession(models.Model):
    """A training session: 養成研修, 更新研修, 出前研修, for professionals, or video viewing."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("initial training")
        REFRESHER = "refresher", _("refresher training")
        OUTREACH = "outreach", _("outreach training")
        PROFESSIONAL = "professional", _("training for professionals")
        VIDEO = "video", _("remote video viewing")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    # A past session entered from the tables kept before the platform has only what those
    # tables have: the day, venue or audience, municipality and how many came (issue 9).
    counts_only = models.BooleanField(
        _("past record (head count only)"),
        default=False,
        help_text=_(
            "Held before the platform kept records: only the day, venue or audience, "
            "municipality and number of participants are known."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    held_on = models.DateField(
        _("held on"), help_text=_("The day of the session (for a session with times, its start).")
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        SchoolDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("school district"),
    )
    audience = models.CharField(
        _("intended audience"),
        max_length=200,
        help_text=_("For example: 医療生協 組合員, 民生児童委員, residents of a district."),
        blank=True,
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    has_lecture = models.BooleanField(_("lecture"), default=True)
    has_group_work = models.BooleanField(_("group work"), default=True)
    programme = models.TextField(
        _("programme"), blank=True, max_length=STAFF_TEXT_MAX, validators=[STAFF_TEXT_VALIDATOR]
    )
    instructor = models.CharField(_("instructor"), max_length=200, blank=True)
    host_organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_trainings",
        verbose_name=_("host member organisation"),
    )
    is_public = models.BooleanField(
        _("open to public sign-up"),
        default=True,
        help_text=_("Shown on the public calendar with a sign-up form."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    unrecorded_participants = models.PositiveIntegerField(
        _("participants not recorded by name"),
        default=0,
        help_text=_("For sessions held before the platform kept attendance by name."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["-held_on", "-id"], name="training_held_on_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="training_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="training_capacity_positive"),
            # A session run on the platform is as strict as ever; a past record needs a venue
            # or an audience, and is neither open to sign-up nor waiting to be held.
            models.CheckConstraint(
                condition=(
                    Q(counts_only=False)
                    & Q(starts_at__isnull=False, ends_at__isnull=False, capacity__isnull=False)
                    & ~Q(kind="")
                )
                | (
                    Q(counts_only=True, is_public=False, status="held")
                    & (~Q(venue="") | ~Q(audience=""))
                ),
                name="training_complete_unless_counts_only",
            ),
        ]

    def __str__(self):
        if self.title:
            return self.title
        return f"{self.venue or self.audience} {self.held_on}"

    def save(self, *args, **kwargs):
        # The day is the local day of the start for a session with times (reports count by it).
        if self.starts_at is not None:
            self.held_on = timezone.localtime(self.starts_at).date()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "starts_at" in update_fields:
                kwargs["update_fields"] = {*update_fields, "held_on"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = training_session_field_errors(
            {f.name: getattr(self, f.attname) for f in self._meta.concrete_fields}
        )
        if errors:
            raise ValidationError(errors)


# What a session must have besides its municipality: everything for a session run on the
# platform, the day and a venue or an audience for a past head-count record.
_REQUIRED_ON_PLATFORM = ("kind", "title", "starts_at", "ends_at", "venue", "audience", "capacity")


def training_session_field_errors(data: dict) -> dict:
    """Field errors (Japanese via gettext) of a session's values, by what kind of record it is.
    Shared by the model's clean() and supporters.services.training_session_check."""
    errors = {}
    if data.get("counts_only"):
        if not data.get("held_on"):
            errors["held_on"] = [_("Please enter the day the session was held.")]
        if not data.get("venue") and not data.get("audience"):
            errors["venue"] = [_("Please enter the venue or the audience.")]
        if data.get("status") not in (None, TrainingSession.Status.HELD):
            errors["status"] = [_("A past record is a session that was held.")]
        return errors
    for name in _REQUIRED_ON_PLATFORM:
        if data.get(name) in (None, ""):
            errors[name] = [_("This field is required.")]
    return errors


class TsunagariMeeting(models.Model):
    """つながりミーティング: a district workshop with residents and student facilitators."""

    held_on = models.DateField(_("held on"))
    venue = models.CharField(_("venue"), max_length=200)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="tsunagari_meetings",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        SchoolDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tsunagari_meetings",
        verbose_name=_("school district"),
    )
    resident_participants = models.PositiveIntegerField(_("resident participants"), default=0)
    student_participants = models.PositiveIntegerField(_("student participants"), default=0)
    notes = models.TextField(
        _("notes"), blank=True, max_length=STAFF_TEXT_MAX, validators=[STAFF_TEXT_VALIDATOR]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Tsunagari meeting")
        verbose_name_plural = _("Tsunagari meetings")
        ordering = ["-held_on", "pk"]

    def __str__(self):
        return f"{self.venue} {self.held_on}"


class SupporterQuerySet(models.QuerySet):
    def counted(self):
        """Supporters who count towards targets: registered and not withdrawn."""
        return self.filter(status__in=Supporter.COUNTED_STATUSES)


class Supporter(models.Model):
    """A registered つながりサポーター. Personal data: visible to the secretariat only."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("supporter status", "active")
        PAUSED = "paused", pgettext_lazy("supporter status", "paused")
        WITHDRAWN = "withdrawn", pgettext_lazy("supporter status", "withdrawn")

    # Who counts towards targets and in the platform's figures.
    COUNTED_STATUSES = (Status.ACTIVE, Status.PAUSED)

    full_name = models.CharField(_("full name"), max_length=100)
    full_name_kana = models.CharField(_("full name (kana)"), max_length=200, blank=True)
    search_text = models.CharField(_("search text"), max_length=400, blank=True, editable=False)
    # Its two-character runs as words (core.japanese.bigrams): two-character search words.
    search_bigrams = models.TextField(_("search bigrams"), blank=True, default="", editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    receives_line = models.BooleanField(_("receives information by LINE"), default=False)
    line_name = models.CharField(_("LINE name"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="supporters",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        SchoolDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supporters",
        verbose_name=_("school district"),
    )
    affiliation = models.CharField(
        _("affiliation"), max_length=30, choices=Affiliation.choices, default=Affiliation.RESIDENT
    )
    affiliation_detail = models.CharField(_("affiliation (detail)"), max_length=200, blank=True)
    consent_text = models.ForeignKey(
        ConsentText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent text version"),
    )
    consented_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"))
    last_trained_on = models.DateField(_("last trained on"), null=True, blank=True)
    badge_handed_on = models.DateField(_("badge handed out on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    history = HistoricalRecords(
        # Erasure must reach the history too: only ids and status are kept there.
        excluded_fields=[
            "full_name",
            "full_name_kana",
            "search_text",
            "search_bigrams",
            "email",
            "phone",
            "line_name",
            "affiliation_detail",
        ]
    )

    objects = SupporterQuerySet.as_manager()

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        ordering = ["full_name_kana", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(receives_line=True) | Q(line_name=""),
                name="supporter_line_name_only_with_line",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(status_changed_on__isnull=False),
                name="supporter_withdrawn_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "last_trained_on"]),
            models.Index(fields=["full_name_kana", "id"], name="supporter_kana_order"),
            # PostgreSQL only (core.pg_indexes): the admin's folded search and e-mail/phone.
            trigram_index("search_text", name="supporter_search_trgm"),
            trigram_index("search_bigrams", name="supporter_bigrams_trgm"),
            trigram_index("email", name="supporter_email_trgm"),
            trigram_index("phone", name="supporter_phone_trgm"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        # Derived column for width/kana-insensitive search in SQL.
        self.search_text = fold(f"{self.full_name} {self.full_name_kana}")
        self.search_bigrams = bigrams(self.search_text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"full_name", "full_name_kana"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text", "search_bigrams"}
        super().save(*args, **kwargs)


class Registration(models.Model):
    """A resident's sign-up for a training session, from the public form (no account)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        CANCELLED = "cancelled", _("cancelled")
        # CiviEvent's "On waitlist" and "Pending from waitlist": waiting for a place, then
        # offered a freed place until `offer_expires_at` (the offer holds the seat).
        WAITLISTED = "waitlisted", _("on the waiting list")
        OFFERED = "offered", _("offered a place")

    # Statuses that hold a seat, and those that keep the address from signing up again.
    SEAT_STATUSES = ("registered", "offered")
    ACTIVE_STATUSES = ("registered", "waitlisted", "offered")

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("training session"),
    )
    full_name = models.CharField(_("full name"), max_length=100)
    full_name_kana = models.CharField(_("full name (kana)"), max_length=200)
    email = models.EmailField(_("e-mail"))
    email_key = models.CharField(max_length=254, editable=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        SchoolDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school district"),
    )
    affiliation = models.CharField(
        _("affiliation"), max_length=30, choices=Affiliation.choices, default=Affiliation.RESIDENT
    )
    receives_line = models.BooleanField(_("receives information by LINE"), default=False)
    line_name = models.CharField(_("LINE name"), max_length=100, blank=True)
    consent_text = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent text")
    )
    consented_at = models.DateTimeField(_("consented at"))
    token = models.UUIDField(_("submission token"), default=uuid.uuid4, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    supporter = models.ForeignKey(
        Supporter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("supporter"),
    )
    offer_expires_at = models.DateTimeField(_("offer valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    history = HistoricalRecords(
        excluded_fields=["full_name", "full_name_kana", "email", "email_key", "phone", "line_name"]
    )

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email_key"],
                condition=Q(status__in=["registered", "waitlisted", "offered"]),
                name="registration_once_per_session_email",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_expiry",
            ),
        ]
        indexes = [
            # The expiry check scans open offers only.
            models.Index(
                fields=["offer_expires_at"],
                condition=Q(status="offered"),
                name="registration_open_offers",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} / {self.session}"

    def save(self, *args, **kwargs):
        self.email_key = (self.email or "").strip().casefold()
        super().save(*args, **kwargs)


class Attendance(models.Model):
    """A supporter (or future supporter) who attended a session; counts survive erasure."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("training session"),
    )
    supporter = models.ForeignKey(
        Supporter,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("supporter"),
    )
    registration = models.OneToOneField(
        Registration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendance",
        verbose_name=_("sign-up"),
    )
    walk_in = models.BooleanField(_("walk-in"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "supporter"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self):
        # Ids only: this text is copied into Django's admin log, which erasure cannot reach.
        return f"{self.session} / #{self.supporter_id}"


class AttendanceSubmission(models.Model):
    """One submitted attendance form: its token makes a double-submitted form a no-op."""

    token = models.UUIDField(_("submission token"), unique=True)
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("training session"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    class Meta:
        verbose_name = _("attendance submission")
        verbose_name_plural = _("attendance submissions")

    def __str__(self):
        return str(self.token)


class SerialCounter(models.Model):
    """A named counter, locked with select_for_update to hand out gap-free serial numbers."""

    name = models.CharField(max_length=50, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")

    def __str__(self):
        return f"{self.name}: {self.last_value}"


class Certificate(models.Model):
    """A 修了証: a snapshot of what is printed, so printing again gives the same page."""

    attendance = models.OneToOneField(
        Attendance,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("attendance"),
    )
    number = models.PositiveIntegerField(_("serial number"), unique=True)
    issued_on = models.DateField(_("issued on"))
    name_on_certificate = models.CharField(_("name on certificate"), max_length=100)
    session_title = models.CharField(_("session"), max_length=200)
    completed_on = models.DateField(_("completed on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    history = HistoricalRecords(excluded_fields=["name_on_certificate"])

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["number"]

    def __str__(self):
        return self.serial

    @property
    def serial(self) -> str:
        return f"第{self.number:05d}号"


class SupporterNotice(models.Model):
    """An e-mail notice to supporters chosen by filters; recipients are recorded one by one."""

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=STAFF_TEXT_MAX, validators=[STAFF_TEXT_VALIDATOR])
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        SchoolDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school district"),
    )
    status_filter = models.CharField(
        _("supporter status"), max_length=20, blank=True, choices=Supporter.Status.choices
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # From the add form: the same form submitted twice records (and e-mails) one notice.
    token = models.UUIDField(
        _("submission token"), null=True, blank=True, unique=True, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notice to supporters")
        verbose_name_plural = _("notices to supporters")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject


class NoticeRecipient(models.Model):
    """Who a notice went to (the address as it was), and when."""

    notice = models.ForeignKey(
        SupporterNotice,
        on_delete=models.PROTECT,
        related_name="recipients",
        verbose_name=_("notice"),
    )
    supporter = models.ForeignKey(
        Supporter,
        on_delete=models.PROTECT,
        related_name="notices_received",
        verbose_name=_("supporter"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        ordering = ["notice", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "supporter"], name="notice_recipient_once"),
        ]

    def __str__(self):
        return f"{self.notice} → {self.supporter_id}"


from .rollups import SessionAttendanceCount, SupporterMonth  # noqa: E402,F401  (roll-ups)
