"""Regional councils (孤独・孤立対策推進法 第15–18条) and their confidential case workflow.

The council, its agencies, members and pledges are administered data. Everything under `Case`
is confidential: personal fields are encrypted in the application (council.fields), every read
goes through `Case.objects.visible_to(user)` (council.access) and is logged in `AccessLog`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.limits import PUBLIC_TEXT_MAX, STAFF_TEXT_MAX, STAFF_TEXT_VALIDATOR

from .fields import EncryptedDateField, EncryptedTextField


class Council(models.Model):
    """A regional council under 孤独・孤立対策推進法 第15条 (or a body with the same role).

    The council itself is public (its founding is publicly notified); its cases are not.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="councils",
        verbose_name=_("city or town"),
        help_text=_("Empty for a prefecture-wide council."),
    )
    prefecture = models.CharField(_("prefecture"), max_length=10)
    publicly_notified_on = models.DateField(_("publicly notified on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["prefecture", "name"]

    def __str__(self):
        return self.name


class Agency(models.Model):
    """A member agency of a council: an organisation of the member register (第15条)."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("council")
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="council_agencies",
        verbose_name=_("organisation"),
    )
    is_coordinating_body = models.BooleanField(
        _("coordinating body"), default=False, help_text=_("調整機関 (第17条); one per council.")
    )
    joined_on = models.DateField(_("joined on"), default=datetime.date.today)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council agency")
        verbose_name_plural = _("council agencies")
        ordering = ["council", "-is_coordinating_body", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "organisation"], name="council_agency_once_per_council"
            ),
            models.UniqueConstraint(
                fields=["council"],
                condition=models.Q(is_coordinating_body=True),
                name="council_one_coordinating_body",
            ),
        ]

    def __str__(self):
        return self.organisation.name


class CouncilMember(models.Model):
    """A named person working on council business for an agency, with a role in the council."""

    class Role(models.TextChoices):
        INTAKE = "intake", _("intake staff")
        CASE_WORKER = "case_worker", _("case worker")
        SUPERVISOR = "supervisor", _("supervisor")

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="members", verbose_name=_("council")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="members", verbose_name=_("agency")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="council_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role in the council"), max_length=20, choices=Role.choices)
    can_override_consent = models.BooleanField(
        _("may share without consent"),
        default=False,
        help_text=_("May share a case with an agency or refer it without recorded consent."),
    )
    started_on = models.DateField(_("started on"), default=datetime.date.today)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "agency", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user"],
                condition=models.Q(ended_on__isnull=True),
                name="council_member_once_per_council",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        from core.roles import COUNCIL_MEMBER

        errors = {}
        if self.agency_id and self.council_id and self.agency.council_id != self.council_id:
            errors["agency"] = _("The agency is not a member of this council.")
        if (
            self.role == self.Role.INTAKE
            and self.agency_id
            and not self.agency.is_coordinating_body
        ):
            errors["role"] = _("Intake staff belong to the council's coordinating body.")
        if self.user_id:
            if self.user.is_superuser:
                errors["user"] = _("A superuser account cannot be a council member.")
            elif not self.user.groups.filter(name=COUNCIL_MEMBER).exists():
                errors["user"] = _(
                    "The account must have the 協議会構成員 role (two-factor authentication)."
                )
        if errors:
            raise ValidationError(errors)


def pledge_upload_to(instance, filename):
    return f"council/pledges/{instance.member_id}/{filename}"


class SecrecyPledge(models.Model):
    """秘密保持誓約 (第18条). No pledge in force, no access."""

    member = models.ForeignKey(
        CouncilMember, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("member")
    )
    version = models.CharField(_("pledge version"), max_length=30)
    signed_on = models.DateField(_("signed on"))
    signed_copy = models.FileField(_("signed copy"), upload_to=pledge_upload_to, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("secrecy pledge")
        verbose_name_plural = _("secrecy pledges")
        ordering = ["member", "-signed_on"]

    def __str__(self):
        return f"{self.version} ({self.signed_on})"


class Category(models.Model):
    """A consultation category (生活困窮, ひきこもり, …): data, not code."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("consultation category")
        verbose_name_plural = _("consultation categories")
        ordering = ["display_order", "pk"]

    def __str__(self):
        return self.name


class Route(models.TextChoices):
    MUNICIPAL_COUNCIL = "municipal_council", _("a municipality's council could not handle it")
    NO_COUNCIL = "no_council", _("municipality without a council")
    PREFECTURE_AGENCY = "prefecture_agency", _("prefecture-level agency")
    HELP_DESK = "help_desk", _("生活困りごと相談窓口")
    SUPPORTER = "supporter", _("a supporter's concern")
    OTHER = "other", _("other")


class CaseRecord(models.Model):
    """Base of the case's records: their text is the kind and id only, never content, so no
    repr (logs, admin LogEntry, error pages) can carry case data."""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.model_name} #{self.pk}"


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, *, now=None):
        """The one rule deciding which cases `user` may see (see council.access)."""
        from .access import visible_cases

        return visible_cases(self, user, now=now)

    def open(self):
        return self.exclude(status=Case.Status.CLOSED)


class Case(models.Model):
    """One person (and household) the council supports. Personal fields are encrypted."""

    class Status(models.TextChoices):
        INTAKE = "intake", _("intake")
        NEEDS = "needs", _("needs hearing")
        PLANNING = "planning", _("planning")
        SUPPORT = "support", _("support")
        CLOSED = "closed", _("closed")

    class Footing(models.TextChoices):
        CONSENT = "consent", _("with the person's consent")
        SUPPORT_MEETING = "support_meeting", _("支援会議 (statutory secrecy, no consent yet)")

    class Consent(models.TextChoices):
        GIVEN = "given", _("同意あり")
        UNCONFIRMED = "unconfirmed", _("未確認")
        REFUSED = "refused", _("同意なし")

    reference = models.CharField(_("case reference"), max_length=20, unique=True)
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="cases", verbose_name=_("council")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INTAKE
    )
    received_on = models.DateField(_("intake date"))
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("city or town"),
    )
    categories = models.ManyToManyField(
        Category, related_name="+", blank=True, verbose_name=_("consultation categories")
    )
    footing = models.CharField(_("legal footing"), max_length=20, choices=Footing.choices)
    consent = models.CharField(
        _("consent to information sharing"),
        max_length=12,
        choices=Consent.choices,
        default=Consent.UNCONFIRMED,
    )
    # Personal: encrypted.
    person_name = EncryptedTextField(_("full name"))
    person_kana = EncryptedTextField(_("reading of the name"))
    date_of_birth = EncryptedDateField(_("date of birth"), blank=True, default="")
    address = EncryptedTextField(_("home address"), blank=True, default="")
    contact = EncryptedTextField(_("phone or e-mail"), blank=True, default="")
    household = EncryptedTextField(_("household"), blank=True, default="")
    summary = EncryptedTextField(_("consultation"), blank=True, default="")
    consent_basis = EncryptedTextField(
        _("basis for sharing without consent"), blank=True, default=""
    )
    blind_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Non-personal dates kept for statistics after erasure.
    plan_approved_on = models.DateField(_("first plan approved on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=20, blank=True)
    personal_erased_on = models.DateField(_("personal data erased on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["blind_index"])

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["council", "status"])]

    def __str__(self):
        return self.reference


class CaseParticipant(CaseRecord):
    """A named user who may see a 支援会議 (no-consent) case besides intake staff."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="council_participant_once")
        ]


class CaseAssignment(CaseRecord):
    """A case shared with an agency (情報共有). Needs consent or a logged override."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    override_reason = EncryptedTextField(_("reason for sharing without consent"), blank=True)
    support_started_on = models.DateField(_("support started on"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=models.Q(ended_at__isnull=True),
                name="council_assignment_once_while_active",
            )
        ]


class NeedsHearing(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hearings")
    heard_on = models.DateField(_("heard on"))
    heard_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    person_wishes = EncryptedTextField(_("what the person wants"))
    family_wishes = EncryptedTextField(_("what the family wants"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-heard_on", "-pk"]


class CaseMeeting(CaseRecord):
    """支援調整会議: where a plan is decided."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("held on"))
    attendees = EncryptedTextField(_("attendees"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]


class SupportPlan(CaseRecord):
    """A version of the support plan. It takes effect when a supervisor approves it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REQUESTED = "requested", _("waiting for approval")
        APPROVED = "approved", _("approved (in effect)")
        RETURNED = "returned", _("returned")
        SUPERSEDED = "superseded", _("superseded")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField(_("version"))
    meeting = models.ForeignKey(
        CaseMeeting, on_delete=models.PROTECT, related_name="plans", verbose_name=_("case meeting")
    )
    goals = EncryptedTextField(_("goals and policy"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="council_plan_version"),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="approved"),
                name="council_one_plan_in_effect",
            ),
        ]


class PlanRole(CaseRecord):
    """Who does what by when, per agency, in a plan."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="roles")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    task = EncryptedTextField(_("task"))
    due_on = models.DateField(_("by"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]


class Approval(CaseRecord):
    """A request for a supervisor's decision on a plan or a closure."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("support plan")
        CLOSURE = "closure", _("closure")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, null=True, related_name="+")
    closure_reason = models.CharField(_("closure reason"), max_length=20, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = EncryptedTextField(_("decision note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(outcome="pending"),
                name="council_one_pending_approval_per_kind",
            )
        ]


class ClosureReason(models.TextChoices):
    RESOLVED = "resolved", _("the situation was resolved")
    HANDED_OVER = "handed_over", _("handed over to another service")
    DECLINED = "declined", _("the person declined support")
    MOVED = "moved", _("moved away")
    DIED = "died", _("died")
    OTHER = "other", _("other")


class SupportRecord(CaseRecord):
    """支援経過記録: what an agency did, when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    done_on = models.DateField(_("date"))
    content = EncryptedTextField(_("what was done"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-done_on", "-pk"]


class FollowUp(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("check on"))
    done_on = models.DateField(_("checked on"), null=True, blank=True)
    note = EncryptedTextField(_("result"), blank=True)
    needs_changed = models.BooleanField(_("needs changed"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on", "done_on"])]


class Flag(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    raised_on = models.DateField(_("date"))
    concern = EncryptedTextField(_("concern"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-pk"]


class Transfer(CaseRecord):
    """A case passed to another council; the receiving intake accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined by the receiving council")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    to_council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="+", verbose_name=_("to council")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="council_one_pending_transfer",
            )
        ]


class BreakGlass(CaseRecord):
    """緊急閲覧: time-limited access to a case by a council member outside it, with a reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"))
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at"]


class CaseExample(models.Model):
    """事例: an anonymised example drafted after closure; public to platform staff once a second
    council member approves it. Not personal by construction (checked), so not encrypted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, related_name="examples")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="examples")
    title = models.CharField(_("example title"), max_length=200)
    body = models.TextField(
        _("example"), max_length=STAFF_TEXT_MAX, validators=[STAFF_TEXT_VALIDATOR]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case example")
        verbose_name_plural = _("case examples")
        ordering = ["-approved_at", "-pk"]

    def __str__(self):
        return self.title


class SupporterConcern(CaseRecord):
    """つなぎ: a supporter's concern from the public form, for the intake of that municipality."""

    class Urgency(models.TextChoices):
        URGENT = "urgent", _("urgent (within days)")
        SOON = "soon", _("soon (within weeks)")
        NOT_URGENT = "not_urgent", _("not urgent")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        OPENED = "opened", _("opened as a case")
        DISMISSED = "dismissed", _("no case needed")

    receipt_number = models.CharField(max_length=20, unique=True)
    submission_token = models.UUIDField(unique=True)
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="concerns")
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    supporter_name = EncryptedTextField(_("your name"), max_length=100)
    supporter_email = EncryptedTextField(_("your e-mail"), max_length=254)
    supporter_phone = EncryptedTextField(_("your phone"), blank=True, max_length=30)
    concern = EncryptedTextField(_("your concern"), max_length=PUBLIC_TEXT_MAX)
    urgency = models.CharField(_("how urgent"), max_length=12, choices=Urgency.choices)
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-submitted_at"]


class AccessLog(models.Model):
    """One row per case view, print, export, search, refusal… No case text. Append-only: the
    database refuses UPDATE (and DELETE on PostgreSQL), see migration 0003."""

    class Action(models.TextChoices):
        LIST = "list", _("list")
        VIEW = "view", _("view")
        SEARCH = "search", _("search")
        PRINT = "print", _("print")
        EXPORT = "export", _("export")
        WRITE = "write", _("write")
        REFUSED = "refused", _("refused")
        BREAK_GLASS = "break_glass", _("break-glass access")
        OVERRIDE = "override", _("shared without consent")
        ERASED = "erased", _("personal data erased")
        KEYS_ROTATED = "keys_rotated", _("keys rotated")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, blank=True)
    council_id = models.BigIntegerField(_("council"), null=True, db_index=True)
    case_id = models.BigIntegerField(_("case id"), null=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    path = models.CharField(_("page"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        permissions = [("view_access_counts", _("Can see access counts per user and action"))]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action}"
