"""Every write of the needs and resources board.

A member organisation's contact posts a need or an offer; the 事務局 publishes or rejects it
(`post_approve`, `post_reject`); a contact answers a published post of the other kind from one
of their own (`exchange_start`), which opens one thread per pair of need and offer; messages go
back and forth (`message_send`); either side records the outcome (`exchange_set_outcome`:
matched, done, withdrawn). Every step that concerns the other side is mailed to it through
core.notifications.notify, after the commit.

Double submits: a post carries its form's submission token (unique); a pair has one exchange
(unique need, offer), so answering twice returns the thread already open.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.notifications import notify
from members.models import Membership, Organisation, OrganisationContact

from . import selectors
from .models import Exchange, Message, Post
from .personal_data import personal_data_warnings

# How far ahead a post may reach: a board, not a calendar of next year's festivals.
MAX_POST_DAYS = 366


def _require_member(organisation) -> None:
    if not Membership.objects.active().filter(organisation=organisation).exists():
        raise PermissionDenied(_("Only member organisations can use the board."))


def post_submit(
    *,
    organisation,
    kind,
    resource,
    title,
    body,
    activity_fields,
    municipality,
    starts_on: datetime.date,
    ends_on: datetime.date,
    submission_token,
    warnings_confirmed: bool,
    actor,
) -> Post:
    """A contact's need or offer, waiting for the 事務局. What the personal-data check finds must
    have been confirmed by the poster; it is kept on the post for the moderator."""
    existing = Post.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        if existing.organisation_id != organisation.pk:
            raise PermissionDenied
        return existing
    _require_member(organisation)
    errors = {}
    today = timezone.localdate()
    if ends_on < starts_on:
        errors["ends_on"] = _("The end date is before the start date.")
    elif ends_on < today:
        errors["ends_on"] = _("The dates are in the past.")
    elif starts_on > today + datetime.timedelta(days=MAX_POST_DAYS):
        errors["starts_on"] = _("Post at most a year ahead.")
    if not activity_fields:
        errors["activity_fields"] = _("Choose at least one field of activity.")
    warnings = personal_data_warnings(title, body)
    if warnings and not warnings_confirmed:
        errors["__all__"] = warnings
    if errors:
        raise ValidationError(errors)
    post = Post(
        kind=kind,
        organisation=organisation,
        resource=resource,
        title=title,
        body=body,
        municipality=municipality,
        starts_on=starts_on,
        ends_on=ends_on,
        warnings=warnings,
        submission_token=submission_token,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            audit(post, "exchange.post.submitted", actor).save()
            post.activity_fields.set(activity_fields)
    except IntegrityError:
        # The same form sent twice at once: the first one won.
        return Post.objects.get(submission_token=submission_token)
    return post


def _locked(model, pk):
    return model.objects.select_for_update(no_key=True).get(pk=pk)


def post_approve(*, post, actor) -> Post:
    """The 事務局 publishes a pending post to the other members."""
    if not actor.has_perm("exchange.change_post"):
        raise PermissionDenied
    with transaction.atomic():
        post = _locked(Post, post.pk)
        if post.status != Post.Status.PENDING:
            raise ValidationError(_("Only a post waiting for the secretariat can be published."))
        post.status = Post.Status.PUBLISHED
        post.moderated_by = actor
        post.moderated_at = timezone.now()
        audit(post, "exchange.post.published", actor).save()
        _mail_on_commit("published", post)
        for other in selectors.suggestions_for(post):
            _mail_on_commit("suggested", other, about=post)
    return post


def post_reject(*, post, reason: str, actor) -> Post:
    """The 事務局 does not publish a post (personal data, not the board's purpose…), saying why."""
    if not actor.has_perm("exchange.change_post"):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ValidationError({"rejection_reason": _("Give the reason.")})
    with transaction.atomic():
        post = _locked(Post, post.pk)
        if post.status != Post.Status.PENDING:
            raise ValidationError(_("Only a post waiting for the secretariat can be rejected."))
        post.status = Post.Status.REJECTED
        post.rejection_reason = reason.strip()
        post.moderated_by = actor
        post.moderated_at = timezone.now()
        audit(post, "exchange.post.rejected", actor).save()
        _mail_on_commit("rejected", post)
    return post


def post_close(*, post, organisation, actor) -> Post:
    """The poster takes a post off the board (found help elsewhere, the date passed…). Threads
    already open stay readable and keep their outcome."""
    if post.organisation_id != organisation.pk:
        raise PermissionDenied
    with transaction.atomic():
        post = _locked(Post, post.pk)
        if post.status == Post.Status.CLOSED:
            return post
        if post.status == Post.Status.REJECTED:
            raise ValidationError(_("This post was not published."))
        post.status = Post.Status.CLOSED
        post.closed_at = timezone.now()
        audit(post, "exchange.post.closed", actor).save()
    return post


def exchange_start(*, own_post, other_post, organisation, body: str, actor) -> Exchange:
    """Answer `other_post` from one of the organisation's own published posts of the other kind:
    opens the pair's thread with a first message (or adds it to the thread already open)."""
    _require_member(organisation)
    if own_post.organisation_id != organisation.pk:
        raise PermissionDenied
    if other_post.organisation_id == organisation.pk:
        raise ValidationError(_("You cannot answer your own post."))
    if own_post.kind == other_post.kind:
        raise ValidationError(_("Answer a need with an offer, or an offer with a need."))
    for post in (own_post, other_post):
        if post.status != Post.Status.PUBLISHED:
            raise ValidationError(_("Both posts must be on the board."))
    need, offer = (
        (own_post, other_post) if own_post.kind == Post.Kind.NEED else (other_post, own_post)
    )
    with transaction.atomic():
        # Both posts locked (in pk order): two contacts answering the same pair at the same
        # moment are served one after the other, so the second one finds the thread the first
        # opened instead of tripping over the pair's unique constraint; and neither post can
        # leave the board halfway.
        locked = Post.objects.select_for_update(no_key=True).filter(pk__in=(need.pk, offer.pk))
        if any(p.status != Post.Status.PUBLISHED for p in locked.order_by("pk")):
            raise ValidationError(_("Both posts must be on the board."))
        exchange, _created = Exchange.objects.get_or_create(
            need=need, offer=offer, defaults={"started_by": organisation}
        )
        if _created:
            audit(exchange, "exchange.exchange.started", actor).save()
        message_send(exchange=exchange, organisation=organisation, body=body, actor=actor)
    return exchange


def _require_side(exchange, organisation) -> None:
    if organisation.pk not in (exchange.need.organisation_id, exchange.offer.organisation_id):
        raise PermissionDenied


CLOSED = (Exchange.Status.DONE, Exchange.Status.WITHDRAWN)


def message_send(*, exchange, organisation, body: str, actor) -> Message:
    _require_side(exchange, organisation)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    with transaction.atomic():
        # Locked, so a message cannot slip in after the other side closed the exchange.
        if _locked(Exchange, exchange.pk).status in CLOSED:
            raise ValidationError(_("This exchange is closed."))
        message = Message.objects.create(
            exchange=exchange, organisation=organisation, author=actor, body=body
        )
        _mail_on_commit("message", message)
    return message


# From which states each outcome may be recorded.
OUTCOME_FROM = {
    Exchange.Status.MATCHED: {Exchange.Status.OPEN},
    Exchange.Status.DONE: {Exchange.Status.OPEN, Exchange.Status.MATCHED},
    Exchange.Status.WITHDRAWN: {Exchange.Status.OPEN, Exchange.Status.MATCHED},
}


def exchange_set_outcome(*, exchange, outcome, organisation, actor) -> Exchange:
    """Either side records what came of the exchange: matched (agreed), done (it took place),
    withdrawn (it will not). Pressing twice is harmless; a closed exchange stays closed."""
    _require_side(exchange, organisation)
    outcome = Exchange.Status(outcome)
    if outcome not in OUTCOME_FROM:
        raise ValidationError(_("Choose an outcome."))
    with transaction.atomic():
        locked = _locked(Exchange, exchange.pk)
        if locked.status == outcome:
            return locked
        if locked.status not in OUTCOME_FROM[outcome]:
            raise ValidationError(_("This exchange is already closed."))
        now = timezone.now()
        locked.status = outcome
        if outcome == Exchange.Status.DONE and locked.matched_at is None:
            locked.matched_at = now  # done implies agreed
        setattr(locked, f"{outcome}_at", now)
        audit(locked, f"exchange.exchange.{outcome}", actor).save()
        _mail_on_commit("outcome", locked, by=organisation)
    return locked


# --- mail ---------------------------------------------------------------------------------------


def organisation_recipients(organisation_id) -> list[str]:
    """Where the board writes to an organisation: its contacts who sign in, else its e-mail."""
    emails = sorted(
        {
            e
            for e in OrganisationContact.objects.filter(
                organisation_id=organisation_id, user__is_active=True
            ).values_list("user__email", flat=True)
            if e
        }
    )
    if emails:
        return emails
    email = Organisation.objects.filter(pk=organisation_id).values_list("email", flat=True).first()
    return [email] if email else []


def _url(name, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


SUBJECTS = {
    "published": lambda: _("[Board] your post is published"),
    "rejected": lambda: _("[Board] your post was not published"),
    "suggested": lambda: _("[Board] a post that may suit yours"),
    "message": lambda: _("[Board] a new message"),
    "outcome": lambda: _("[Board] an exchange was updated"),
}


def _mail(step, pk, about_pk=None, by_pk=None) -> int:
    """Send one step's e-mail(s); returns how many were sent now."""
    context = {"step": step}
    if step in ("published", "rejected", "suggested"):
        post = Post.objects.select_related("organisation").get(pk=pk)
        target, period, organisation_id = post, step, post.organisation_id
        context.update(post=post, url=_url("exchange-portal:post-detail", post.pk))
        if step == "published":
            context["suggestions"] = list(selectors.suggestions_for(post)[:5])
        if step == "suggested":
            about = Post.objects.select_related("organisation", "municipality").get(pk=about_pk)
            period = f"suggested-{about.pk}"
            context.update(about=about, url=_url("exchange-portal:post-detail", about.pk))
    elif step == "message":
        message = Message.objects.select_related(
            "organisation", "exchange__need", "exchange__offer"
        ).get(pk=pk)
        exchange = message.exchange
        target, period = message, "sent"
        organisation_id = (
            exchange.offer.organisation_id
            if message.organisation_id == exchange.need.organisation_id
            else exchange.need.organisation_id
        )
        context.update(
            message=message,
            exchange=exchange,
            url=_url("exchange-portal:exchange-detail", exchange.pk),
        )
    else:  # outcome
        exchange = Exchange.objects.select_related("need__organisation", "offer__organisation").get(
            pk=pk
        )
        target, period = exchange, exchange.status
        organisation_id = (
            exchange.offer.organisation_id
            if by_pk == exchange.need.organisation_id
            else exchange.need.organisation_id
        )
        context.update(exchange=exchange, url=_url("exchange-portal:exchange-detail", exchange.pk))
    sent = 0
    for recipient in organisation_recipients(organisation_id):
        sent += notify(
            purpose=f"exchange.{step}",
            target=target,
            period=period,
            recipient=recipient,
            subject=str(SUBJECTS[step]()),
            template_name="exchange/email/board.txt",
            context=context,
        )
    return sent


def _mail_on_commit(step, obj, *, about=None, by=None) -> None:
    pk, about_pk, by_pk = obj.pk, getattr(about, "pk", None), getattr(by, "pk", None)
    transaction.on_commit(lambda: _mail(step, pk, about_pk, by_pk))
