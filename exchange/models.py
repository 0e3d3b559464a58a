"""The needs and resources board (困りごと・強み・リソース) among member organisations.

A post (a need or an offer) is written by a member organisation's contact, checked by the
事務局 before other members see it, and answered through a thread between one need and one
offer (an `Exchange`), whose outcome (matched, done, withdrawn) the 事務局 reads for the
monthly report. Personal data of individuals has no place here (the form says so, a check warns).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.limits import (
    PUBLIC_TEXT_MAX,
    PUBLIC_TEXT_VALIDATOR,
    STAFF_TEXT_MAX,
    STAFF_TEXT_VALIDATOR,
)
from members.models import Membership


class Resource(models.TextChoices):
    """What is needed or offered; a need matches an offer of the same resource."""

    PEOPLE = "people", _("volunteers or helping hands")
    VENUE = "venue", _("a venue")
    TRANSPORT = "transport", _("transport or a vehicle")
    EXPERTISE = "expertise", _("expertise or skills")
    GOODS = "goods", _("goods")


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Post.Status.PUBLISHED)


class Post(models.Model):
    class Kind(models.TextChoices):
        NEED = "need", _("need")
        OFFER = "offer", _("offer")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the secretariat")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("not published")
        CLOSED = "closed", pgettext_lazy("board", "closed")

    kind = models.CharField(_("need or offer"), max_length=10, choices=Kind.choices)
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="exchange_posts",
        verbose_name=_("organisation"),
    )
    resource = models.CharField(_("kind of help"), max_length=20, choices=Resource.choices)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(
        _("details"), max_length=PUBLIC_TEXT_MAX, validators=[PUBLIC_TEXT_VALIDATOR]
    )
    activity_fields = models.ManyToManyField(
        "members.ActivityField",
        related_name="exchange_posts",
        verbose_name=_("fields of activity"),
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="exchange_posts",
        verbose_name=_("municipality"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # What the personal-data check found when the poster sent it (shown to the moderator).
    warnings = models.JSONField(_("personal data warnings"), default=list, blank=True)
    submission_token = models.UUIDField(_("submission token"), unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("posted by"),
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    moderated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("reason for not publishing"),
        blank=True,
        max_length=STAFF_TEXT_MAX,
        validators=[STAFF_TEXT_VALIDATOR],
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["body"])

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("board post")
        verbose_name_plural = _("board posts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="exchange_post_dates_in_order"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "resource", "-created_at"], name="post_board"),
            models.Index(fields=["organisation", "-created_at"], name="post_by_organisation"),
            models.Index(fields=["created_at"], name="post_created"),
        ]

    def __str__(self):
        return self.title


class Exchange(models.Model):
    """One need and one offer talking to each other; its outcome is what the 事務局 counts."""

    class Status(models.TextChoices):
        OPEN = "open", _("talking")
        MATCHED = "matched", _("matched")
        DONE = "done", _("done")
        WITHDRAWN = "withdrawn", _("withdrawn")

    need = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="exchanges_as_need", verbose_name=_("need")
    )
    offer = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="exchanges_as_offer", verbose_name=_("offer")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    started_by = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("board", "started at"), auto_now_add=True)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["need", "offer"], name="exchange_one_per_pair"),
        ]
        indexes = [
            models.Index(fields=["matched_at"], name="exchange_matched_at"),
            models.Index(fields=["done_at"], name="exchange_done_at"),
            models.Index(fields=["withdrawn_at"], name="exchange_withdrawn_at"),
        ]

    def __str__(self):
        return f"{self.need} ⇄ {self.offer}"


class Message(models.Model):
    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="messages", verbose_name=_("exchange")
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(
        _("message"), max_length=PUBLIC_TEXT_MAX, validators=[PUBLIC_TEXT_VALIDATOR]
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.organisation}: {self.created_at:%Y-%m-%d %H:%M}"


# --- The public resource map (社会資源マップ) ----------------------------------------------------


WEEKDAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]


class PlaceQuerySet(models.QuerySet):
    def public(self):
        """What the public map shows: places marked public; a member organisation's only while
        its membership is active (the directory's rule), a hub's only while the site exists."""
        active = Membership.objects.active().values("organisation_id")
        return self.filter(is_public=True).filter(
            ~Q(kind=Place.Kind.ORGANISATION) | Q(organisation_id__in=active)
        )


class Place(models.Model):
    """A point on the public resource map: a member organisation that agreed to appear, a
    子ども食堂 or 地域食堂 with its opening days, or a food hub. No person is ever a place.

    The 事務局 places it by clicking the map in the admin or typing coordinates; without them
    it stands at its municipality's centre (exchange/data/municipalities.json)."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("member organisation")
        CHILDREN_CAFETERIA = "children", _("children's cafeteria")
        COMMUNITY_CAFETERIA = "community", _("community cafeteria")
        HUB = "hub", _("food hub")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the organisation's or the site's name."),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="map_places",
        verbose_name=_("member organisation"),
        help_text=_("The member organisation this is, or that runs the cafeteria."),
    )
    site = models.ForeignKey(
        "foodhub.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="map_places",
        verbose_name=_("food hub"),
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        related_name="map_places",
        verbose_name=_("municipality"),
    )
    activity_fields = models.ManyToManyField(
        "members.ActivityField",
        blank=True,
        related_name="map_places",
        verbose_name=_("fields of activity"),
        help_text=_("A member organisation's own fields are shown as well."),
    )
    venue = models.CharField(
        _("venue"),
        max_length=200,
        blank=True,
        help_text=_("A public place (community hall, temple…), never a private home."),
    )
    description = models.TextField(
        _("description"), blank=True, max_length=PUBLIC_TEXT_MAX, validators=[PUBLIC_TEXT_VALIDATOR]
    )
    opening_note = models.CharField(
        _("opening times"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 2nd and 4th Saturday, 17:00–19:00"),
    )
    opens_mon = models.BooleanField(_("Monday"), default=False)
    opens_tue = models.BooleanField(_("Tuesday"), default=False)
    opens_wed = models.BooleanField(_("Wednesday"), default=False)
    opens_thu = models.BooleanField(_("Thursday"), default=False)
    opens_fri = models.BooleanField(_("Friday"), default=False)
    opens_sat = models.BooleanField(_("Saturday"), default=False)
    opens_sun = models.BooleanField(_("Sunday"), default=False)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    is_public = models.BooleanField(_("shown on the public map"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place on the map")
        verbose_name_plural = _("places on the map")
        ordering = ["municipality__display_order", "kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="organisation") | Q(organisation__isnull=False),
                name="place_organisation_has_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(kind="hub") | Q(site__isnull=False),
                name="place_hub_has_site",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=20,
                    latitude__lte=46,
                    longitude__gte=122,
                    longitude__lte=154,
                ),
                name="place_coordinates_in_japan",
            ),
        ]
        indexes = [
            models.Index(fields=["is_public", "municipality", "kind"], name="place_public_list"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.organisation_id:
            return self.organisation.name
        if self.site_id:
            return self.site.name
        return ""

    @property
    def opening_days(self) -> list[str]:
        return [str(label) for code, label in WEEKDAYS if getattr(self, f"opens_{code}")]
