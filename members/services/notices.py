"""Member organisations' contact accounts (the portal) and their notices: 変更届 (別紙2) and
退会届 (別紙3), applied or declined by the secretariat (要領第3条2, 第4条1)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.japanese import format_date
from core.notifications import notify

from ..models import ContactEvent, MemberNotice, Membership, Organisation, OrganisationContact
from .register import (
    CHANGEABLE_FIELDS,
    _lock_active_membership,
    _today,
    contact_record,
    membership_withdraw,
)

# --- Member organisations' contact accounts -----------------------------------------------


def contact_invite(*, organisation, email, first_name="", last_name="", actor):
    """Give a member organisation's contact person an account and e-mail a link to set a
    password (by a task once the transaction commits). Only current members have contacts."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from ..tasks import contact_invite_mail_task

    User = get_user_model()
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError(_("Enter the contact person's e-mail address."))
    if not Membership.objects.active().filter(organisation=organisation).exists():
        raise ValidationError(_("Only a current member can have contact accounts."))
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("An account with this e-mail address already exists."))
    try:
        with transaction.atomic():
            user = User(username=email, email=email, first_name=first_name, last_name=last_name)
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            contact = OrganisationContact.objects.create(organisation=organisation, user=user)
            contact_invite_mail_task.delay_on_commit(contact.pk)
    except IntegrityError as exc:
        # The same address invited twice at once: the unique username let only one through.
        raise ValidationError(_("An account with this e-mail address already exists.")) from exc
    return contact


def contact_invite_send(*, contact) -> bool:
    """E-mail a new contact person the link to set a password and the portal's address. Once per
    contact account and recipient; the period is the day of the invitation."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse

    user, organisation = contact.user, contact.organisation
    site = settings.SITE_URL.rstrip("/")
    link = site + reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    with translation.override("ja"), timezone.override("Asia/Tokyo"):
        subject = _("[%(platform)s] Your account for %(organisation)s") % {
            "platform": settings.PLATFORM_NAME,
            "organisation": organisation.name,
        }
        day = timezone.localdate(contact.invited_at)
    return notify(
        purpose="members.contact_invite",
        target=contact,
        period=day.isoformat(),
        recipient=user.email,
        subject=subject,
        template_name="members/email/contact_invite.txt",
        context={
            "organisation": organisation,
            "user": user,
            "link": link,
            "portal": site + reverse("members:my-organisation"),
        },
    )


def contact_remove(*, contact, actor) -> None:
    """The secretariat removes a contact person's link to the organisation (the portal is
    closed to them; the user account itself stays, as it may be used elsewhere)."""
    with transaction.atomic():
        audit(contact, "members.contact.removed", actor).delete()


# --- Change and withdrawal notices (別紙2・別紙3) ---------------------------------------------


def notice_submit(*, organisation, kind, actor, changes=None, reason="", effective_on=None):
    """A member organisation's 変更届 or 退会届. One pending notice of each kind at a time."""
    effective_on = effective_on or _today()
    changes = changes or {}
    if not Membership.objects.active().filter(organisation=organisation).exists():
        raise ValidationError(_("Only a current member can submit a notice."))
    if kind == MemberNotice.Kind.CHANGE:
        unknown = set(changes) - set(CHANGEABLE_FIELDS)
        if unknown or not changes:
            raise ValidationError(_("State at least one item that has changed."))
    elif kind == MemberNotice.Kind.WITHDRAWAL:
        membership = Membership.objects.active().get(organisation=organisation)
        if membership.tier != Membership.Tier.GENERAL:
            raise ValidationError(
                _("A steering member leaves by resolution of the platform meeting, not by notice.")
            )
    try:
        with transaction.atomic():
            return MemberNotice.objects.create(
                organisation=organisation,
                kind=kind,
                changes=changes,
                reason=reason,
                effective_on=effective_on,
                submitted_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("A notice of this kind is already waiting for the secretariat.")
        ) from exc


def notice_apply(*, notice, actor) -> MemberNotice:
    """The secretariat applies a notice: the change or the withdrawal, in one transaction."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update(no_key=True).get(
            pk=notice.organisation_id
        )
        notice = MemberNotice.objects.select_for_update(no_key=True).get(pk=notice.pk)
        if notice.status != MemberNotice.Status.PENDING:
            raise ValidationError(_("This notice has already been handled."))
        if notice.kind == MemberNotice.Kind.CHANGE:
            for name, value in notice.changes.items():
                setattr(organisation, name, value)
            organisation.full_clean(exclude=["municipality"])
            audit(organisation, "members.organisation.changed_by_notice", actor).save()
            contact_record(
                organisation=organisation,
                occurred_on=min(notice.submitted_at.date(), _today()),
                kind=ContactEvent.Kind.NOTICE,
                actor=actor,
            )
        else:
            if notice.effective_on > _today():
                raise ValidationError(
                    _("Apply the withdrawal on or after its date (%(date)s).")
                    % {"date": format_date(notice.effective_on)}
                )
            membership = _lock_active_membership(organisation)
            if membership is None:
                raise ValidationError(_("This membership has already ended."))
            membership_withdraw(
                membership=membership, on=notice.effective_on, note=notice.reason, actor=actor
            )
        notice.status = MemberNotice.Status.APPLIED
        notice.decided_by = actor
        notice.decided_at = timezone.now()
        audit(notice, f"members.notice.{notice.kind}.applied", actor).save()
    return notice


def notice_decline(*, notice, actor, reason) -> MemberNotice:
    if not (reason or "").strip():
        raise ValidationError(_("Write the reason for declining the notice."))
    with transaction.atomic():
        notice = MemberNotice.objects.select_for_update(no_key=True).get(pk=notice.pk)
        if notice.status != MemberNotice.Status.PENDING:
            raise ValidationError(_("This notice has already been handled."))
        notice.status = MemberNotice.Status.DECLINED
        notice.decline_reason = reason
        notice.decided_by = actor
        notice.decided_at = timezone.now()
        audit(notice, f"members.notice.{notice.kind}.declined", actor).save()
    return notice
