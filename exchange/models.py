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

from core.limits import PUBLIC_TEXT_MAX


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
        CLOSED = "closed", _("closed")

    kind = models.CharField(_("need or offer"), max_length=10, choices=Kind.choices)
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="exchange_posts",
        verbose_name=_("organisation"),
    )
    resource = models.CharField(_("what"), max_length=20, choices=Resource.choices)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("details"), max_length=PUBLIC_TEXT_MAX)
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
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
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
    rejection_reason = models.TextField(_("reason for not publishing"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

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
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

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
    body = models.TextField(_("message"), max_length=PUBLIC_TEXT_MAX)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.organisation}: {self.created_at:%Y-%m-%d %H:%M}"
