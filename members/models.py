"""The member register under the platform 規約 and 一般団体入会要領.

Article references in docstrings (規約第N条 / 要領第N条) say which rule a model carries; the rules
themselves are enforced in members/services/ and backed here by constraints. members/RULES.md
maps each article to the code and the test that enforce it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.japanese import bigrams, fold
from core.limits import (
    PUBLIC_TEXT_MAX,
    PUBLIC_TEXT_VALIDATOR,
    STAFF_TEXT_MAX,
    STAFF_TEXT_VALIDATOR,
)
from core.pg_indexes import trigram_index
from core.querysets import InForceQuerySet


class OrganisationType(models.TextChoices):
    """What kind of body an organisation is. Deliberately no "individual" (要領第2条3(3))."""

    NPO = "npo", _("NPO corporation")
    SOCIAL_WELFARE_CORPORATION = "social_welfare", _("social welfare corporation")
    GENERAL_ASSOCIATION = "general_association", _("general incorporated association")
    PUBLIC_ASSOCIATION = "public_association", _("public interest incorporated association")
    GENERAL_FOUNDATION = "general_foundation", _("general incorporated foundation")
    PUBLIC_FOUNDATION = "public_foundation", _("public interest incorporated foundation")
    VOLUNTARY = "voluntary", _("voluntary association")
    COMPANY = "company", _("private company")
    COOPERATIVE = "cooperative", _("cooperative")
    SOCIAL_WELFARE_COUNCIL = "welfare_council", _("social welfare council")
    MEDICAL = "medical", _("medical organisation")
    PUBLIC_BODY = "public_body", _("public body")
    OTHER = "other", _("other organisation")


# 要領第1条: public bodies and the social welfare council are outside the 要領; the secretariat
# registers them directly, and they do not use the public join form.
DIRECTLY_REGISTERED_TYPES = frozenset(
    {OrganisationType.PUBLIC_BODY, OrganisationType.SOCIAL_WELFARE_COUNCIL}
)

# Fields of an organisation that it may choose to publish in the directory (要領第3条3). Name,
# kana, type, tier, municipalities and fields of activity are always public.
PUBLISHABLE_FIELDS = (
    ("representative_name", _("representative")),
    ("postal_code", _("postal code")),
    ("address", _("address")),
    ("phone", _("phone")),
    ("email", _("e-mail")),
    ("website", _("website")),
    ("strengths", _("what we can offer")),
)
PUBLISHABLE_FIELD_NAMES = tuple(name for name, _label in PUBLISHABLE_FIELDS)


def publishable_labels(names) -> str:
    """The chosen directory fields in words, in the form's order (「住所、電話番号」), or —."""
    chosen = set(names or [])
    return "、".join(str(label) for name, label in PUBLISHABLE_FIELDS if name in chosen) or "—"


# What the applicant declares on the 入会申込書 (要領第2条3(1)(2), 規約): printed ticked on 別紙1.
APPLICANT_DECLARATIONS = (
    "declares_isolation_activity",
    "declares_no_antisocial_ties",
    "declares_agreement",
)

# The entries of the 入会申込書 (別紙1) that make an organisation's register entry, in form order:
# shared by the public join form, the admin organisation form and the services that copy them.
REGISTER_ENTRY_FIELDS = (
    "name",
    "name_kana",
    "organisation_type",
    "representative_name",
    "contact_name",
    "postal_code",
    "address",
    "phone",
    "email",
    "website",
    "municipality",
    "active_municipalities",
    "activity_fields",
    "activity_summary",
    "strengths",
    "public_fields",
)


# --- Rules in force (規約第9条(1)) -----------------------------------------------------------


class RuleSetQuerySet(InForceQuerySet):
    """`in_force_on(day)`: the version in force on `day` (latest effective date not after it)."""

    start_field = "effective_from"
    tie_breakers = ("-version",)


class RuleSet(models.Model):
    """The numbers of the 規約 and 要領, versioned with an effective date (規約第9条(1)).

    A version after the first is created only by a passed 規定の改廃 agenda item, which it links to.
    Fractions are kept as integer numerator/denominator and compared with integer arithmetic.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("effective from"), unique=True)
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"))
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"))
    resolution_numerator = models.PositiveSmallIntegerField(_("resolution numerator"))
    resolution_denominator = models.PositiveSmallIntegerField(_("resolution denominator"))
    written_numerator = models.PositiveSmallIntegerField(_("written resolution numerator"))
    written_denominator = models.PositiveSmallIntegerField(_("written resolution denominator"))
    readmission_bar_years = models.PositiveSmallIntegerField(
        _("years before an expelled organisation may rejoin")
    )
    no_contact_years = models.PositiveSmallIntegerField(
        _("years without contact that are a ground for expulsion")
    )
    no_contact_warning_days = models.PositiveSmallIntegerField(
        _("days before that point when the secretariat is reminded")
    )
    subject_may_vote = models.BooleanField(
        _("the organisation an item is about may vote on it"), default=False
    )
    adopted_by_item = models.OneToOneField(
        "AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_rule_set",
        verbose_name=_("adopted by agenda item"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum_numerator__gt=0)
                & models.Q(quorum_denominator__gte=models.F("quorum_numerator")),
                name="ruleset_quorum_fraction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(resolution_numerator__gt=0)
                & models.Q(resolution_denominator__gte=models.F("resolution_numerator")),
                name="ruleset_resolution_fraction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(written_numerator__gt=0)
                & models.Q(written_denominator__gte=models.F("written_numerator")),
                name="ruleset_written_fraction_valid",
            ),
        ]

    def __str__(self):
        return _("Rules v%(version)s (from %(date)s)") % {
            "version": self.version,
            "date": self.effective_from.isoformat(),
        }


# --- The register: organisations and memberships (規約第4–6条, 要領第1条, 第3条) -------------


class ActivityField(models.Model):
    """A field of activity (子ども食堂, 居場所づくり, …); data, so the secretariat can add more."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")
        ordering = ["display_order", "pk"]

    def __str__(self):
        return self.name


def organisation_search_text(parts) -> str:
    """Folded parts (name, kana, ...) joined by one space, so the name is followed by a space."""
    return " ".join(fold(part) for part in parts)


def organisation_name_key(name: str) -> str:
    """The name as the duplicate check compares it: folded (width, kana, case) and without
    spaces, so 「ＮＰＯ法人　やず」 and 「NPO法人やず」 are the same organisation."""
    return "".join(fold(name).split())


class Organisation(models.Model):
    """An organisation known to the platform (never an individual)."""

    DERIVED_FIELDS = (  # set_derived_fields()
        "search_text",
        "staff_search_text",
        "search_bigrams",
        "staff_search_bigrams",
        "name_key",
    )

    name = models.CharField(_("organisation name"), max_length=200)
    name_kana = models.CharField(_("organisation name (kana)"), max_length=300, blank=True)
    organisation_type = models.CharField(
        _("organisation type"),
        max_length=30,
        choices=OrganisationType.choices,
        default=OrganisationType.OTHER,
    )
    representative_name = models.CharField(_("representative"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
        help_text=_("Where the organisation is based."),
    )
    active_municipalities = models.ManyToManyField(
        "core.Municipality",
        blank=True,
        related_name="active_organisations",
        verbose_name=_("municipalities where active"),
    )
    activity_fields = models.ManyToManyField(
        ActivityField,
        blank=True,
        related_name="organisations",
        verbose_name=_("fields of activity"),
    )
    activity_summary = models.TextField(
        _("activities"), blank=True, max_length=PUBLIC_TEXT_MAX, validators=[PUBLIC_TEXT_VALIDATOR]
    )
    strengths = models.TextField(
        _("what we can offer"),
        blank=True,
        max_length=PUBLIC_TEXT_MAX,
        validators=[PUBLIC_TEXT_VALIDATOR],
    )
    public_fields = models.JSONField(
        _("fields shown in the public directory"), default=list, blank=True
    )
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    search_text = models.TextField(_("search text (folded)"), blank=True, editable=False)
    # What the secretariat's search reads: the name, its kana and the offer whether published
    # or not, folded like search_text — one indexed column instead of two searched with OR.
    staff_search_text = models.TextField(
        _("staff search text (folded)"), blank=True, default="", editable=False
    )
    # The two-character runs of both as words (core.japanese.bigrams): two-character words.
    search_bigrams = models.TextField(_("search bigrams"), blank=True, default="", editable=False)
    staff_search_bigrams = models.TextField(
        _("staff search bigrams"), blank=True, default="", editable=False
    )
    # The folded name alone: the register import's duplicate check reads it by an exact match
    # on its index, a whole batch of names in one query.
    name_key = models.CharField(
        _("name (folded)"), max_length=400, blank=True, default="", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_kana", "name"]
        indexes = [
            # The lists' order (the admin adds -pk to make it total).
            models.Index(fields=["name_kana", "name", "-id"], name="organisation_kana_order"),
            # The import's duplicate check (organisation_name_key()).
            models.Index(fields=["name_key"], name="organisation_name_key"),
            # PostgreSQL only (core.pg_indexes): folded search, the import's duplicate check
            # (a prefix LIKE), and the secretariat's search.
            trigram_index("search_text", name="organisation_search_trgm"),
            trigram_index("staff_search_text", name="organisation_staff_search_trgm"),
            trigram_index("search_bigrams", name="organisation_bigrams_trgm"),
            trigram_index("staff_search_bigrams", name="organisation_staff_bi_trgm"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                *Organisation.DERIVED_FIELDS,
            }
        super().save(*args, **kwargs)

    def set_derived_fields(self) -> None:
        """A derived copy of this row's own fields, kept by save() so that every path that
        saves an organisation (services, admin, factories) keeps the directory search right;
        the bulk import calls it itself. The public directory searches it, so it holds only
        what the organisation publishes (要領第3条3): the offer only when "strengths" is a
        public field."""
        searchable = [self.name, self.name_kana]
        if "strengths" in (self.public_fields or []):
            searchable.append(self.strengths)
        self.search_text = organisation_search_text(searchable)
        self.staff_search_text = organisation_search_text(
            [self.name, self.name_kana, self.strengths]
        )
        self.search_bigrams = bigrams(self.search_text)
        self.staff_search_bigrams = bigrams(self.staff_search_text)
        self.name_key = organisation_name_key(self.name)

    @property
    def is_directly_registered_type(self) -> bool:
        return self.organisation_type in DIRECTLY_REGISTERED_TYPES


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)

    def steering(self):
        return self.filter(tier=Membership.Tier.STEERING)

    def general(self):
        return self.filter(tier=Membership.Tier.GENERAL)


class ExpulsionGround(models.TextChoices):
    """規約第6条(1)–(5)."""

    NO_CONTACT = "no_contact", _("(1) no contact for the set period")
    BREACH = "breach", _("(2) breach of the rules or serious damage to the platform's credibility")
    DISSOLVED = "dissolved", _("(3) dissolved or ceased activity")
    ANTISOCIAL = "antisocial", _("(4) is or is linked to an antisocial force")
    OBSTRUCTION = "obstruction", _("(5) otherwise seriously obstructs operations")


class Membership(models.Model):
    """An organisation's membership in one tier, from when to when, and why it ended.

    An organisation with no open membership is struck off the register (要領第4条); its closed
    memberships are its history.
    """

    class Tier(models.TextChoices):
        STEERING = "steering", _("steering member")
        GENERAL = "general", _("general member")

    class EndReason(models.TextChoices):
        WITHDRAWN = "withdrawn", _("withdrew")
        EXPELLED = "expelled", _("expelled")
        STEERING_LEFT = "steering_left", _("left the steering members by resolution")
        TIER_CHANGED = "tier_changed", _("tier changed by resolution")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=EndReason.choices, blank=True
    )
    expulsion_ground = models.CharField(
        _("ground for expulsion"), max_length=20, choices=ExpulsionGround.choices, blank=True
    )
    end_note = models.TextField(
        _("note on ending"),
        blank=True,
        max_length=STAFF_TEXT_MAX,
        validators=[STAFF_TEXT_VALIDATOR],
    )
    application = models.ForeignKey(
        "Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("application"),
    )
    started_by_item = models.ForeignKey(
        "AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="started_memberships",
        verbose_name=_("started by resolution"),
    )
    ended_by_item = models.ForeignKey(
        "AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_memberships",
        verbose_name=_("ended by resolution"),
    )
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name_kana", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(ended_on__isnull=True),
                name="membership_one_active_per_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(models.Q(ended_on__isnull=True) & models.Q(end_reason=""))
                | (models.Q(ended_on__isnull=False) & ~models.Q(end_reason="")),
                name="membership_end_reason_iff_ended",
            ),
            models.CheckConstraint(
                condition=(models.Q(end_reason="expelled") & ~models.Q(expulsion_ground=""))
                | (~models.Q(end_reason="expelled") & models.Q(expulsion_ground="")),
                name="membership_expulsion_ground_iff_expelled",
            ),
            models.CheckConstraint(
                condition=~models.Q(end_reason="expelled") | models.Q(tier="general"),
                name="membership_only_general_expelled",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_tier_display()})"


# --- Applications, notices and contact accounts (要領第2–5条) --------------------------------


class Application(models.Model):
    """入会申込書 (要領第2条, 別紙1), submitted on the public form (the secretariat types a paper
    application into the same form, so every application gets the same checks)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    submission_token = models.UUIDField(
        _("submission token"), unique=True, default=uuid.uuid4, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    # What the applicant states (別紙1).
    name = models.CharField(_("organisation name"), max_length=200)
    name_kana = models.CharField(_("organisation name (kana)"), max_length=300)
    organisation_type = models.CharField(
        _("organisation type"), max_length=30, choices=OrganisationType.choices
    )
    representative_name = models.CharField(_("representative"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=8)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("e-mail"))
    website = models.URLField(_("website"), blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    active_municipalities = models.ManyToManyField(
        "core.Municipality",
        blank=True,
        related_name="+",
        verbose_name=_("municipalities where active"),
    )
    activity_fields = models.ManyToManyField(
        ActivityField, blank=True, related_name="+", verbose_name=_("fields of activity")
    )
    # Typed by the public: bounded here as in the form (core.limits, issue 11).
    activity_summary = models.TextField(
        _("activities"), max_length=PUBLIC_TEXT_MAX, validators=[PUBLIC_TEXT_VALIDATOR]
    )
    strengths = models.TextField(
        _("what we can offer"),
        blank=True,
        max_length=PUBLIC_TEXT_MAX,
        validators=[PUBLIC_TEXT_VALIDATOR],
    )
    public_fields = models.JSONField(
        _("fields shown in the public directory"), default=list, blank=True
    )
    declares_isolation_activity = models.BooleanField(
        _("our activities relate to measures against loneliness and isolation")
    )
    declares_no_antisocial_ties = models.BooleanField(
        _("we have no relation to organised crime or other antisocial forces")
    )
    declares_agreement = models.BooleanField(_("we agree to the platform rules"))
    is_reapplication = models.BooleanField(_("we were a member before"), default=False)
    reapplication_reasons = models.TextField(
        _("reasons for re-applying"),
        blank=True,
        max_length=PUBLIC_TEXT_MAX,
        validators=[PUBLIC_TEXT_VALIDATOR],
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    # The secretariat's review (要領第2条2–3).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("organisation"),
        help_text=_("For a re-application, the organisation already in the register."),
    )
    checked_activity = models.BooleanField(
        _("checked: activities relate to isolation"), default=False
    )
    checked_no_antisocial = models.BooleanField(
        _("checked: no relation to antisocial forces"), default=False
    )
    checked_is_organisation = models.BooleanField(
        _("checked: an organisation, not an individual"), default=False
    )
    decision_reason = models.TextField(
        _("reason for the decision"),
        blank=True,
        max_length=STAFF_TEXT_MAX,
        validators=[STAFF_TEXT_VALIDATOR],
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(declares_isolation_activity=True)
                & models.Q(declares_no_antisocial_ties=True)
                & models.Q(declares_agreement=True),
                name="application_declarations_made",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    organisation_type__in=[
                        "welfare_council",
                        "public_body",
                    ]  # DIRECTLY_REGISTERED_TYPES
                ),
                name="application_not_for_directly_registered_types",
            ),
            models.CheckConstraint(
                condition=models.Q(is_reapplication=False) | ~models.Q(reapplication_reasons=""),
                name="application_reapplication_has_reasons",
            ),
            models.CheckConstraint(
                condition=models.Q(status="submitted")
                | (models.Q(decided_on__isnull=False) & ~models.Q(decision_reason="")),
                name="application_decision_has_date_and_reason",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.name}"


class MemberNotice(models.Model):
    """変更届 (別紙2, 要領第3条2) or 退会届 (別紙3, 要領第4条1) from a member organisation."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("change notice")
        WITHDRAWAL = "withdrawal", _("withdrawal notice")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the secretariat")
        APPLIED = "applied", _("applied")
        DECLINED = "declined", _("declined")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(
        _("reason"), blank=True, max_length=PUBLIC_TEXT_MAX, validators=[PUBLIC_TEXT_VALIDATOR]
    )
    effective_on = models.DateField(_("effective on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(
        _("reason for declining"),
        blank=True,
        max_length=STAFF_TEXT_MAX,
        validators=[STAFF_TEXT_VALIDATOR],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member notice")
        verbose_name_plural = _("member notices")
        ordering = ["-submitted_at"]
        constraints = [
            # A double submit (or two contacts at once) leaves one pending notice of a kind.
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=models.Q(status="pending"),
                name="membernotice_one_pending_per_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="membernotice_declined_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.organisation}"


class OrganisationContact(models.Model):
    """A member organisation's contact person who may sign in (invited by the secretariat)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_contact",
        verbose_name=_("user"),
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation contact")
        verbose_name_plural = _("organisation contacts")

    def __str__(self):
        return f"{self.user} ({self.organisation})"


class ContactEvent(models.Model):
    """A recorded interaction with an organisation; keeps its last-contact date (規約第6条(1))."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("meeting attendance")
        REPLY = "reply", _("reply")
        EVENT = "event", _("event")
        NOTICE = "notice", _("change notice")
        OTHER = "other", _("other")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contact_events",
        verbose_name=_("organisation"),
    )
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self):
        return f"{self.organisation} {self.occurred_on}"


# --- The platform meeting (規約第8–12条) -----------------------------------------------------


class Meeting(models.Model):
    """A platform meeting (規約第8–12条) or a written resolution without a meeting (第12条5)."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("platform meeting")
        WRITTEN = "written", _("written resolution")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    # Printed in the minutes (議事録): when the meeting opened and closed.
    opened_at = models.TimeField(_("opening time"), null=True, blank=True)
    closed_at = models.TimeField(_("closing time"), null=True, blank=True)
    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("rules applied"),
    )
    chair = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chair"),
    )
    guests = models.TextField(
        _("others asked to attend (no vote)"),
        blank=True,
        max_length=STAFF_TEXT_MAX,
        validators=[STAFF_TEXT_VALIDATOR],
        help_text=_("規約第10条3: people other than steering members asked to attend."),
    )
    notice_sent_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    reply_by = models.DateField(
        _("replies due by"),
        null=True,
        blank=True,
        help_text=_("For a written resolution: the date by which steering members reply."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before the reply date"), default=3
    )
    minutes_note = models.TextField(
        _("notes for the minutes"),
        blank=True,
        max_length=STAFF_TEXT_MAX,
        validators=[STAFF_TEXT_VALIDATOR],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("platform meeting")
        verbose_name_plural = _("platform meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.held_on.isoformat()})"


class AgendaItem(models.Model):
    """An item the meeting resolves (規約第9条) and its outcome."""

    class Kind(models.TextChoices):
        RULES = "rules", _("establishing or amending rules")
        STEERING_SELECT = "steering_select", _("selecting a steering member")
        STEERING_LEAVE = "steering_leave", _("a steering member leaving")
        EXPEL = "expel", _("expelling a general member")
        OTHER = "other", _("other matters")

    # Items about one organisation's membership (規約第9条(2)(3)): they name it.
    MEMBERSHIP_KINDS = (Kind.STEERING_SELECT, Kind.STEERING_LEAVE, Kind.EXPEL)

    class Outcome(models.TextChoices):
        PENDING = "pending", _("not yet decided")
        PASSED = "passed", _("passed")
        REJECTED = "rejected", _("voted down")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, max_length=STAFF_TEXT_MAX, validators=[STAFF_TEXT_VALIDATOR]
    )
    subject = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("organisation concerned"),
    )
    expulsion_ground = models.CharField(
        _("ground for expulsion"), max_length=20, choices=ExpulsionGround.choices, blank=True
    )
    proposed_rules = models.JSONField(
        _("proposed rule values"),
        default=dict,
        blank=True,
        help_text=_(
            "One change per line, 「項目：値」. For example: 施行日：2027年4月1日 ／ "
            "除名後に再入会できない期間（年）：2"
        ),
    )
    consent_received_on = models.DateField(
        _("consent form received on"),
        null=True,
        blank=True,
        help_text=_("規約第5条1: the candidate's 幹事団体加入内諾書, for a selection item."),
    )
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    explanation = models.CharField(_("count"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agendaitem_unique_number"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["rules", "other"]) | models.Q(subject__isnull=False),
                name="agendaitem_membership_items_name_organisation",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="expel") | ~models.Q(expulsion_ground=""),
                name="agendaitem_expulsion_has_ground",
            ),
        ]

    def __str__(self):
        return f"{self.meeting.title} 第{self.number}号議案 {self.title}"


class Attendance(models.Model):
    """One 幹事団体 on a meeting's roster (fixed when the notice is sent) and how it took part."""

    class Mode(models.TextChoices):
        ABSENT = "absent", _("absent")
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        PROXY = "proxy", _("written proxy")
        EMAIL = "email", _("e-mail vote")

    PRESENT_MODES = (Mode.IN_PERSON, Mode.ONLINE)

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("organisation"),
    )
    mode = models.CharField(
        _("attendance"), max_length=10, choices=Mode.choices, default=Mode.ABSENT
    )
    proxy_holder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proxy given to"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "organisation__name_kana"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="attendance_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=(models.Q(mode="proxy") & models.Q(proxy_holder__isnull=False))
                | (~models.Q(mode="proxy") & models.Q(proxy_holder__isnull=True)),
                name="attendance_proxy_holder_iff_proxy",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_mode_display()}"


class Vote(models.Model):
    """How one 幹事団体 voted (or agreed, for a written resolution) on one item."""

    class Choice(models.TextChoices):
        FOR = "for", _("for")
        AGAINST = "against", _("against")
        ABSTAIN = "abstain", _("abstain")

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="votes", verbose_name=_("agenda item")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="votes", verbose_name=_("organisation")
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["item", "organisation"], name="vote_once_per_item"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_choice_display()}"


# --- Prospects (organisations being invited) -------------------------------------------------


class Prospect(models.Model):
    """An organisation invited but not yet a member (recruitment by personal invitation)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        TRYING = "trying", _("trial participation")
        APPLIED = "applied", _("applied")
        JOINED = "joined", _("joined")
        DECLINED = "declined", _("declined")

    name = models.CharField(_("organisation name"), max_length=200)
    name_kana = models.CharField(_("organisation name (kana)"), max_length=300, blank=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=30, choices=OrganisationType.choices, blank=True
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    introduced_by = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introduced_prospects",
        verbose_name=_("introduced by"),
    )
    introduced_by_note = models.CharField(_("introduced by (note)"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_on = models.DateField(_("next step on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        ordering = ["next_step_on", "name_kana"]

    def __str__(self):
        return self.name


class TrialParticipation(models.Model):
    """An event a prospect tried (お試し参加)."""

    prospect = models.ForeignKey(
        Prospect, on_delete=models.CASCADE, related_name="trials", verbose_name=_("prospect")
    )
    event_name = models.CharField(_("event"), max_length=200)
    held_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("trial participation")
        verbose_name_plural = _("trial participations")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.event_name} ({self.held_on.isoformat()})"
