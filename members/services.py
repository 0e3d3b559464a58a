"""Every write to the member register: validated first (Japanese messages), then atomic.

Shared rows are locked with select_for_update in pk order (organisation before membership,
meeting before item) so that two secretariat members acting at once cannot, for example, both
approve an application or decide an item twice.
"""

import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.japanese import fold, format_date
from core.periods import period_passed_from

from .models import (
    DIRECTLY_REGISTERED_TYPES,
    PUBLISHABLE_FIELD_NAMES,
    REGISTER_ENTRY_FIELDS,
    AgendaItem,
    Application,
    Attendance,
    ContactEvent,
    ExpulsionGround,
    Meeting,
    MemberNotice,
    Membership,
    Organisation,
    OrganisationContact,
    RuleSet,
    Vote,
)
from .selectors import item_tally, meeting_quorum, readmission_allowed_from, rule_set_in_force

logger = logging.getLogger(__name__)

# Fields copied from an application (別紙1) or a change notice (別紙2) to the organisation.
ORGANISATION_FIELDS = tuple(
    name
    for name in REGISTER_ENTRY_FIELDS
    if name not in ("municipality", "active_municipalities", "activity_fields", "public_fields")
)
CHANGEABLE_FIELDS = (*ORGANISATION_FIELDS, "public_fields")


def _mail_after_commit(*, to: str, subject: str, template_name: str, context: dict) -> None:
    def send():
        with translation.override("ja"), timezone.override("Asia/Tokyo"):
            body = render_to_string(template_name, context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])

    transaction.on_commit(send)


def _today():
    return timezone.localdate()


def _membership_create(*, code: str, actor=None, **fields) -> Membership:
    membership = audit(Membership(**fields), code, actor)
    membership.save()
    return membership


# --- Contact tracking ------------------------------------------------------------------------


def contact_record(*, organisation, occurred_on, kind, note="", actor=None) -> ContactEvent:
    """Record an interaction and move the organisation's last-contact date forward."""
    if occurred_on > _today():
        raise ValidationError(_("A contact cannot be recorded for a future date."))
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        event = ContactEvent.objects.create(
            organisation=organisation,
            occurred_on=occurred_on,
            kind=kind,
            note=note,
            recorded_by=actor,
        )
        if organisation.last_contact_on is None or occurred_on > organisation.last_contact_on:
            organisation.last_contact_on = occurred_on
            organisation.save(update_fields=["last_contact_on"])
    return event


# --- Reminders to the secretariat ---------------------------------------------------------


def _secretariat_recipients() -> list[str]:
    from django.contrib.auth import get_user_model

    from core import roles

    return list(
        get_user_model()
        .objects.filter(groups__name=roles.SECRETARIAT, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )


def no_contact_reminders_send(*, today) -> int:
    """Remind the secretariat, once per organisation and contact baseline, of 一般団体 nearing
    the no-contact period. Never changes a membership. Returns how many e-mails were sent."""
    from core.notifications import notify

    from .selectors import general_members_nearing_no_contact

    sent = 0
    recipients = _secretariat_recipients()
    for organisation in general_members_nearing_no_contact(today=today):
        for recipient in recipients:
            sent += notify(
                purpose="members.no_contact_reminder",
                target=organisation,
                period=f"due-{organisation.due_on.isoformat()}",
                recipient=recipient,
                subject=_("[%(platform)s] No contact with %(name)s since %(date)s")
                % {
                    "platform": settings.PLATFORM_NAME,
                    "name": organisation.name,
                    "date": format_date(organisation.contact_baseline),
                },
                template_name="members/email/no_contact_reminder.txt",
                context={"due_on": organisation.due_on},
            )
    return sent


def written_resolution_reminders_send(*, today) -> int:
    """Remind 幹事団体 that have not yet replied on every item of a written resolution, from
    `reminder_days` before its reply date up to that date; once per meeting and recipient."""
    from core.notifications import notify

    sent = 0
    meetings = Meeting.objects.filter(
        kind=Meeting.Kind.WRITTEN,
        notice_sent_at__isnull=False,
        reply_by__gte=today,
    ).order_by("pk")
    for meeting in meetings:
        if today < meeting.reply_by - datetime.timedelta(days=meeting.reminder_days):
            continue
        pending = list(meeting.items.filter(outcome=AgendaItem.Outcome.PENDING))
        if not pending:
            continue
        replied_all = set(
            Vote.objects.filter(item__in=pending)
            .values("organisation_id")
            .annotate(n=models.Count("pk"))
            .filter(n=len(pending))
            .values_list("organisation_id", flat=True)
        )
        roster = Organisation.objects.filter(attendances__meeting=meeting).order_by("pk")
        for organisation in roster:
            if organisation.pk in replied_all or not organisation.email:
                continue
            sent += notify(
                purpose="members.written_resolution_reminder",
                target=meeting,
                period=f"reply-by-{meeting.reply_by.isoformat()}",
                recipient=organisation.email,
                subject=_("[%(platform)s] Reply requested by %(date)s: %(title)s")
                % {
                    "platform": settings.PLATFORM_NAME,
                    "date": format_date(meeting.reply_by),
                    "title": meeting.title,
                },
                template_name="members/email/written_resolution_reminder.txt",
                context={"meeting": meeting, "items": pending, "organisation": organisation},
            )
    return sent


def prospect_next_step_reminders_send(*, today) -> int:
    """Remind the secretariat of each prospect whose next step is due (on or before `today`),
    once per prospect and next-step date; a new date means a new reminder."""
    from core.notifications import notify

    from .models import Prospect

    sent = 0
    recipients = _secretariat_recipients()
    due = Prospect.objects.filter(
        status__in=[Prospect.Status.INVITED, Prospect.Status.TRYING],
        next_step_on__isnull=False,
        next_step_on__lte=today,
    ).order_by("next_step_on", "pk")
    for prospect in due:
        for recipient in recipients:
            sent += notify(
                purpose="members.prospect_next_step",
                target=prospect,
                period=f"next-step-{prospect.next_step_on.isoformat()}",
                recipient=recipient,
                subject=_("[%(platform)s] Next step for %(name)s (%(date)s)")
                % {
                    "platform": settings.PLATFORM_NAME,
                    "name": prospect.name,
                    "date": format_date(prospect.next_step_on),
                },
                template_name="members/email/prospect_next_step.txt",
                context={"prospect": prospect},
            )
    return sent


def applications_waiting_remind(*, today) -> int:
    """Remind the secretariat once a day of each application still waiting for review."""
    from core.notifications import notify

    sent = 0
    recipients = _secretariat_recipients()
    waiting = Application.objects.filter(status=Application.Status.SUBMITTED).order_by("pk")
    for application in waiting:
        for recipient in recipients:
            sent += notify(
                purpose="members.application_waiting",
                target=application,
                period=today.isoformat(),
                recipient=recipient,
                subject=_("[%(platform)s] Application %(reference)s is waiting for review")
                % {"platform": settings.PLATFORM_NAME, "reference": application.reference},
                template_name="members/email/application_waiting.txt",
                context={"application": application},
            )
    return sent


# --- Membership lifecycle --------------------------------------------------------------------


def _lock_active_membership(organisation) -> Membership | None:
    return (
        Membership.objects.select_for_update()
        .filter(organisation_id=organisation.pk, ended_on__isnull=True)
        .first()
    )


def _end_membership(
    membership, *, on, reason, ground="", note="", item=None, actor=None
) -> Membership:
    if on < membership.started_on:
        raise ValidationError(
            _("A membership cannot end (%(end)s) before it started (%(start)s).")
            % {"end": format_date(on), "start": format_date(membership.started_on)}
        )
    membership.ended_on = on
    membership.end_reason = reason
    membership.expulsion_ground = ground
    membership.end_note = note
    membership.ended_by_item = item
    audit(membership, f"members.membership.{reason}", actor)
    membership.save()
    return membership


def membership_register_directly(
    *, organisation, started_on, actor, tier=Membership.Tier.GENERAL
) -> Membership:
    """要領第1条: public bodies and the social welfare council are registered by the secretariat
    without an application. They join as 一般団体; a 幹事団体 is selected by resolution."""
    if organisation.organisation_type not in DIRECTLY_REGISTERED_TYPES:
        raise ValidationError(
            _(
                "Only public bodies and social welfare councils are registered directly; "
                "other organisations join through an application."
            )
        )
    if tier != Membership.Tier.GENERAL:
        raise ValidationError(
            _("A steering member is selected by resolution of the platform meeting.")
        )
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        if _lock_active_membership(organisation) is not None:
            raise ValidationError(_("This organisation is already a member."))
        return _membership_create(
            code="members.membership.registered_directly",
            actor=actor,
            organisation=organisation,
            tier=tier,
            started_on=started_on,
        )


def membership_withdraw(*, membership, on, note="", actor) -> Membership:
    """規約第6条・要領第4条1: a 一般団体 withdraws at will; its entry is struck off."""
    if membership.tier != Membership.Tier.GENERAL:
        raise ValidationError(
            _("A steering member leaves by resolution of the platform meeting, not by notice.")
        )
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        locked = _lock_active_membership(membership.organisation)
        if locked is None or locked.pk != membership.pk:
            raise ValidationError(_("This membership has already ended."))
        return _end_membership(
            locked, on=on, reason=Membership.EndReason.WITHDRAWN, note=note, actor=actor
        )


# --- Applications (要領第2条, 第5条) -----------------------------------------------------------


def _new_reference() -> str:
    # Unguessable, so a reference number reveals nothing about other applications.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "KPF-" + "".join(secrets.choice(alphabet) for _i in range(8))


def application_submit(
    *, data: dict, active_municipalities=(), activity_fields=(), submission_token=None
) -> tuple[Application, bool]:
    """Record an application. A repeated submission with the same token returns the first one.

    Returns (application, created). The applicant gets the reference number by e-mail.
    """
    errors = {}
    for declaration in (
        "declares_isolation_activity",
        "declares_no_antisocial_ties",
        "declares_agreement",
    ):
        if not data.get(declaration):
            errors[declaration] = _("This declaration is required to apply.")
    if data.get("organisation_type") in DIRECTLY_REGISTERED_TYPES:
        errors["organisation_type"] = _(
            "Public bodies and social welfare councils are registered directly by the "
            "secretariat; please contact the secretariat."
        )
    if data.get("is_reapplication") and not (data.get("reapplication_reasons") or "").strip():
        errors["reapplication_reasons"] = _(
            "When applying again, please write the reasons for re-applying."
        )
    unknown_public = set(data.get("public_fields") or []) - set(PUBLISHABLE_FIELD_NAMES)
    if unknown_public:
        errors["public_fields"] = _("Unknown field to publish.")
    if errors:
        raise ValidationError(errors)

    if submission_token is not None:
        existing = Application.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            application = Application(reference=_new_reference(), **data)
            if submission_token is not None:
                application.submission_token = submission_token
            audit(application, "members.application.submitted").save()
            application.active_municipalities.set(active_municipalities)
            application.activity_fields.set(activity_fields)
            _mail_after_commit(
                to=application.email,
                subject=_("[%(platform)s] We have received your application (%(reference)s)")
                % {"platform": settings.PLATFORM_NAME, "reference": application.reference},
                template_name="members/email/application_received.txt",
                context={"application": application},
            )
    except IntegrityError:
        # The same form posted twice at once: the unique token let only one through.
        existing = Application.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return existing, False
    return application, True


def _check_readmission_bar(organisation, *, on) -> None:
    """要領第5条2: an expelled organisation returns (一般団体 or 幹事団体) only after the bar."""
    allowed_from = readmission_allowed_from(organisation=organisation, on=on)
    if allowed_from is not None:
        raise ValidationError(
            _(
                "This organisation was expelled and cannot be re-admitted before "
                "%(date)s (要領第5条2)."
            )
            % {"date": format_date(allowed_from)}
        )


def _lock_new_organisation_name(folded_name: str) -> None:
    """Serialise creating an organisation of one name until the transaction ends, so that two
    approvals at once cannot both pass the same-name check (PostgreSQL advisory lock; SQLite
    serialises writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                [f"members.organisation.name:{folded_name}"],
            )


def application_approve(*, application, actor, reason="", on=None) -> Membership:
    """Enter an approved applicant in the register (要領第2条2, 第3条1) in one transaction.

    Re-admission of an expelled organisation is refused until the bar has passed (要領第5条2);
    the message names the first day it may be approved.
    """
    on = on or _today()
    if not (
        application.checked_activity
        and application.checked_no_antisocial
        and application.checked_is_organisation
    ):
        raise ValidationError(
            _("Complete the checklist (activities, antisocial forces, organisation) first.")
        )
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Application.Status.SUBMITTED:
            raise ValidationError(_("This application has already been decided."))
        organisation = application.organisation
        if organisation is None:
            _lock_new_organisation_name(fold(application.name))
            same_name = Organisation.objects.filter(
                search_text__startswith=fold(application.name) + " "
            ).first()
            if same_name is not None:
                raise ValidationError(
                    _(
                        "An organisation named %(name)s is already in the register. If this is "
                        "a re-application, link the application to it first."
                    )
                    % {"name": same_name.name}
                )
            organisation = Organisation()
        else:
            organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
            if _lock_active_membership(organisation) is not None:
                raise ValidationError(_("This organisation is already a member."))
            _check_readmission_bar(organisation, on=on)
        for name in ORGANISATION_FIELDS:
            setattr(organisation, name, getattr(application, name))
        organisation.municipality = application.municipality
        organisation.public_fields = application.public_fields
        organisation.last_contact_on = max(
            d for d in (organisation.last_contact_on, on) if d is not None
        )
        organisation.save()
        organisation.active_municipalities.set(application.active_municipalities.all())
        organisation.activity_fields.set(application.activity_fields.all())
        membership = _membership_create(
            code="members.membership.admitted",
            actor=actor,
            organisation=organisation,
            tier=Membership.Tier.GENERAL,
            started_on=on,
            application=application,
        )
        application.organisation = organisation
        application.status = Application.Status.APPROVED
        application.decided_on = on
        application.decided_by = actor
        application.decision_reason = reason or _("Approved.")
        audit(application, "members.application.approved", actor).save()
        _mail_after_commit(
            to=application.email,
            subject=_("[%(platform)s] Your application has been approved (%(reference)s)")
            % {"platform": settings.PLATFORM_NAME, "reference": application.reference},
            template_name="members/email/application_approved.txt",
            context={"application": application},
        )
    return membership


def application_reject(*, application, actor, reason, on=None) -> Application:
    if not (reason or "").strip():
        raise ValidationError(_("Write the reason for rejecting the application."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Application.Status.SUBMITTED:
            raise ValidationError(_("This application has already been decided."))
        application.status = Application.Status.REJECTED
        application.decided_on = on or _today()
        application.decided_by = actor
        application.decision_reason = reason
        audit(application, "members.application.rejected", actor).save()
        _mail_after_commit(
            to=application.email,
            subject=_("[%(platform)s] The result of your application (%(reference)s)")
            % {"platform": settings.PLATFORM_NAME, "reference": application.reference},
            template_name="members/email/application_rejected.txt",
            context={"application": application},
        )
    return application


# --- Member organisations' contact accounts -----------------------------------------------


def contact_invite(*, organisation, email, first_name="", last_name="", actor):
    """Give a member organisation's contact person an account and e-mail a link to set a
    password. Only current members have contacts."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress
    from allauth.account.utils import user_pk_to_url_str
    from django.contrib.auth import get_user_model
    from django.urls import reverse

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
            link = settings.SITE_URL.rstrip("/") + reverse(
                "account_reset_password_from_key",
                kwargs={
                    "uidb36": user_pk_to_url_str(user),
                    "key": default_token_generator.make_token(user),
                },
            )
            _mail_after_commit(
                to=email,
                subject=_("[%(platform)s] Your account for %(organisation)s")
                % {"platform": settings.PLATFORM_NAME, "organisation": organisation.name},
                template_name="members/email/contact_invite.txt",
                context={
                    "organisation": organisation,
                    "user": user,
                    "link": link,
                    "portal": settings.SITE_URL.rstrip("/") + reverse("members:my-organisation"),
                },
            )
    except IntegrityError as exc:
        # The same address invited twice at once: the unique username let only one through.
        raise ValidationError(_("An account with this e-mail address already exists.")) from exc
    return contact


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
        organisation = Organisation.objects.select_for_update().get(pk=notice.organisation_id)
        notice = MemberNotice.objects.select_for_update().get(pk=notice.pk)
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
        notice = MemberNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != MemberNotice.Status.PENDING:
            raise ValidationError(_("This notice has already been handled."))
        notice.status = MemberNotice.Status.DECLINED
        notice.decline_reason = reason
        notice.decided_by = actor
        notice.decided_at = timezone.now()
        audit(notice, f"members.notice.{notice.kind}.declined", actor).save()
    return notice


# --- Platform meeting (規約第8–12条) ----------------------------------------------------------

RULE_VALUE_FIELDS = (
    "quorum_numerator",
    "quorum_denominator",
    "resolution_numerator",
    "resolution_denominator",
    "written_numerator",
    "written_denominator",
    "readmission_bar_years",
    "no_contact_years",
    "no_contact_warning_days",
    "subject_may_vote",
)


def meeting_create(*, title, held_on, actor, kind=Meeting.Kind.MEETING, place="") -> Meeting:
    """A meeting applies the rule set in force on its date."""
    rule_set = rule_set_in_force(on=held_on)
    return Meeting.objects.create(
        title=title, held_on=held_on, kind=kind, place=place, rule_set=rule_set
    )


def _meeting_rules_refresh(meeting) -> None:
    """Decisions use the rule version in force on the meeting's date (規約第9条(1)). A version
    adopted after the meeting was planned may take effect on or before that date; versions the
    meeting itself adopts do not change the rules it is deciding under. Caller holds the lock."""
    in_force = (
        RuleSet.objects.filter(effective_from__lte=meeting.held_on)
        .exclude(adopted_by_item__meeting=meeting)
        .order_by("-effective_from", "-version")
        .first()
    )
    if in_force is not None and in_force.pk != meeting.rule_set_id:
        meeting.rule_set = in_force
        audit(meeting, "members.meeting.rules_in_force").save(update_fields=["rule_set"])


def _effect_date(meeting) -> datetime.date:
    """The day a passed item takes effect: a meeting's date, or for a written resolution the day
    the agreements are found to reach the threshold (規約第12条5)."""
    return _today() if meeting.kind == Meeting.Kind.WRITTEN else meeting.held_on


def _validate_proposed_rules(proposed: dict, meeting) -> None:
    unknown = set(proposed) - {*RULE_VALUE_FIELDS, "effective_from"}
    if unknown or "effective_from" not in proposed or len(proposed) < 2:
        raise ValidationError(
            _("State effective_from and at least one rule value to change (%(fields)s).")
            % {"fields": ", ".join(RULE_VALUE_FIELDS)}
        )
    try:
        effective_from = datetime.date.fromisoformat(proposed["effective_from"])
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("effective_from must be a date (YYYY-MM-DD).")) from exc
    if effective_from < meeting.held_on:
        raise ValidationError(_("New rules cannot take effect before the meeting."))
    for name in RULE_VALUE_FIELDS:
        if name in proposed and name != "subject_may_vote":
            value = proposed[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValidationError(_("Rule values must be whole numbers."))


def _check_no_contact_ground(membership, meeting, *, on=None) -> None:
    """規約第6条(1): the ground holds only after the set period without contact (1 year), counted
    from the last recorded contact (or joining) to the meeting date, by the meeting's rules."""
    organisation = membership.organisation
    baseline = max(
        d for d in (organisation.last_contact_on, membership.started_on) if d is not None
    )
    holds_from = period_passed_from(baseline, meeting.rule_set.no_contact_years)
    if (on or meeting.held_on) < holds_from:
        raise ValidationError(
            _(
                "The no-contact ground does not hold yet: the last contact was on %(last)s, so "
                "it holds from %(date)s (規約第6条(1))."
            )
            % {"last": format_date(baseline), "date": format_date(holds_from)}
        )


def agenda_item_add(
    *,
    meeting,
    kind,
    title,
    actor,
    subject=None,
    expulsion_ground="",
    description="",
    proposed_rules=None,
    consent_received_on=None,
) -> AgendaItem:
    proposed_rules = proposed_rules or {}
    if kind in (
        AgendaItem.Kind.EXPEL,
        AgendaItem.Kind.STEERING_SELECT,
        AgendaItem.Kind.STEERING_LEAVE,
    ):
        if subject is None:
            raise ValidationError(_("Name the organisation this item is about."))
        active = Membership.objects.active().filter(organisation=subject).first()
        if kind == AgendaItem.Kind.EXPEL and (
            active is None or active.tier != Membership.Tier.GENERAL
        ):
            raise ValidationError(
                _("Only a current general member can be expelled (規約第9条(3)).")
            )
        if kind == AgendaItem.Kind.EXPEL and not expulsion_ground:
            raise ValidationError(_("State the ground for expulsion (規約第6条)."))
        if kind == AgendaItem.Kind.EXPEL and expulsion_ground == ExpulsionGround.NO_CONTACT:
            _check_no_contact_ground(active, meeting)
        if kind == AgendaItem.Kind.STEERING_LEAVE and (
            active is None or active.tier != Membership.Tier.STEERING
        ):
            raise ValidationError(_("This organisation is not a steering member."))
        if kind == AgendaItem.Kind.STEERING_SELECT and (
            active is not None and active.tier == Membership.Tier.STEERING
        ):
            raise ValidationError(_("This organisation is already a steering member."))
        if kind == AgendaItem.Kind.STEERING_SELECT and active is None:
            _check_readmission_bar(subject, on=meeting.held_on)
    if kind == AgendaItem.Kind.RULES:
        _validate_proposed_rules(proposed_rules, meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        number = (meeting.items.aggregate(n=Max("number"))["n"] or 0) + 1
        return AgendaItem.objects.create(
            meeting=meeting,
            number=number,
            kind=kind,
            title=title,
            subject=subject,
            expulsion_ground=expulsion_ground if kind == AgendaItem.Kind.EXPEL else "",
            description=description,
            proposed_rules=proposed_rules,
            consent_received_on=consent_received_on
            if kind == AgendaItem.Kind.STEERING_SELECT
            else None,
        )


def meeting_send_notice(*, meeting, actor) -> int:
    """Fix the roster (the 幹事団体 now), mark the items notified and e-mail every 幹事団体.

    Items added later can be notified by sending again; proxies and e-mail votes cover only
    notified items (規約第12条3). Returns how many e-mails were sent now.
    """
    from core.notifications import notify

    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.items.exists():
            raise ValidationError(_("Add at least one agenda item before sending the notice."))
        steering = list(
            Organisation.objects.filter(
                memberships__ended_on__isnull=True,
                memberships__tier=Membership.Tier.STEERING,
            ).order_by("pk")
        )
        if not steering:
            raise ValidationError(_("There are no steering members to notify."))
        if not meeting.attendances.exists():
            Attendance.objects.bulk_create(
                [Attendance(meeting=meeting, organisation=org) for org in steering]
            )
        now = timezone.now()
        meeting.items.filter(notified_at__isnull=True).update(notified_at=now)
        meeting.notice_sent_at = now
        meeting.save(update_fields=["notice_sent_at"])
        items = list(meeting.items.order_by("number"))
        roster = list(Organisation.objects.filter(attendances__meeting=meeting).order_by("pk"))
    sent = 0
    period = f"items-{len(items)}"
    for organisation in roster:
        if not organisation.email:
            continue
        sent += notify(
            purpose="members.meeting_notice",
            target=meeting,
            period=period,
            recipient=organisation.email,
            subject=_("[%(platform)s] Notice: %(title)s")
            % {"platform": settings.PLATFORM_NAME, "title": meeting.title},
            template_name="members/email/meeting_notice.txt",
            context={"meeting": meeting, "items": items, "organisation": organisation},
        )
    return sent


def _roster_attendance(meeting, organisation) -> Attendance:
    attendance = (
        Attendance.objects.select_for_update()
        .filter(meeting=meeting, organisation=organisation)
        .first()
    )
    if attendance is None:
        raise ValidationError(
            _("%(name)s is not a steering member on this meeting's roster.")
            % {"name": organisation.name}
        )
    return attendance


def attendance_record(*, meeting, organisation, mode, actor, proxy_holder=None) -> Attendance:
    """How a 幹事団体 took part. A proxy goes in writing to another 幹事団体 on the roster."""
    if mode == Attendance.Mode.PROXY:
        if proxy_holder is None:
            raise ValidationError(_("Name the attending steering member holding the proxy."))
        if proxy_holder.pk == organisation.pk:
            raise ValidationError(_("A steering member cannot hold its own proxy."))
    else:
        proxy_holder = None
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.kind != Meeting.Kind.MEETING:
            raise ValidationError(_("A written resolution has no attendance."))
        attendance = _roster_attendance(meeting, organisation)
        if proxy_holder is not None:
            _roster_attendance(meeting, proxy_holder)
        if meeting.chair_id == organisation.pk and mode not in Attendance.PRESENT_MODES:
            meeting.chair = None
            meeting.save(update_fields=["chair"])
        attendance.mode = mode
        attendance.proxy_holder = proxy_holder
        attendance.save()
        if mode != Attendance.Mode.ABSENT and meeting.held_on <= _today():
            contact_record(
                organisation=organisation,
                occurred_on=meeting.held_on,
                kind=ContactEvent.Kind.MEETING,
                actor=actor,
            )
    return attendance


def meeting_choose_chair(*, meeting, organisation, actor) -> Meeting:
    """規約第10条2: chosen by those present; the chair then does not vote (第12条2)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if organisation is not None:
            attendance = _roster_attendance(meeting, organisation)
            if attendance.mode not in Attendance.PRESENT_MODES:
                raise ValidationError(_("The chair must be present at the meeting."))
            # Only open items: a decided item keeps the votes its outcome was computed from.
            Vote.objects.filter(
                item__meeting=meeting,
                item__outcome=AgendaItem.Outcome.PENDING,
                organisation=organisation,
            ).delete()
        meeting.chair = organisation
        meeting.save(update_fields=["chair"])
    return meeting


def vote_record(*, item, organisation, choice, actor) -> Vote:
    """Record one 幹事団体's vote (or written agreement) on an item; a later vote replaces it."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if item.outcome != AgendaItem.Outcome.PENDING:
            raise ValidationError(_("This item has already been decided."))
        _meeting_rules_refresh(meeting)
        attendance = _roster_attendance(meeting, organisation)
        if item.subject_id == organisation.pk and not meeting.rule_set.subject_may_vote:
            raise ValidationError(_("The organisation this item is about does not vote on it."))
        if meeting.kind == Meeting.Kind.WRITTEN and item.notified_at is None:
            raise ValidationError(
                _("This item has not been notified to the steering members; send the notice first.")
            )
        if meeting.kind == Meeting.Kind.MEETING:
            if meeting.chair_id == organisation.pk:
                raise ValidationError(_("The chair does not vote (規約第12条2)."))
            if attendance.mode == Attendance.Mode.ABSENT:
                raise ValidationError(_("Record how this steering member took part first."))
            if (
                attendance.mode in (Attendance.Mode.PROXY, Attendance.Mode.EMAIL)
                and item.notified_at is None
            ):
                raise ValidationError(
                    _("Proxies and e-mail votes only cover items notified in advance.")
                )
        vote, _created = Vote.objects.update_or_create(
            item=item, organisation=organisation, defaults={"choice": choice}
        )
    return vote


def _apply_item_effect(item: AgendaItem, actor) -> None:
    """規約第9条: apply a passed item's effect, linked to the item. Caller holds the item lock."""
    on = _effect_date(item.meeting)
    if item.kind == AgendaItem.Kind.EXPEL:
        Organisation.objects.select_for_update().get(pk=item.subject_id)
        membership = _lock_active_membership(item.subject)
        if membership is None or membership.tier != Membership.Tier.GENERAL:
            raise ValidationError(
                _("Only a current general member can be expelled (規約第9条(3)).")
            )
        if item.expulsion_ground == ExpulsionGround.NO_CONTACT:
            _check_no_contact_ground(membership, item.meeting, on=on)
        _end_membership(
            membership,
            on=on,
            reason=Membership.EndReason.EXPELLED,
            ground=item.expulsion_ground,
            item=item,
            actor=actor,
        )
    elif item.kind == AgendaItem.Kind.STEERING_SELECT:
        Organisation.objects.select_for_update().get(pk=item.subject_id)
        membership = _lock_active_membership(item.subject)
        if membership is None:
            _check_readmission_bar(item.subject, on=on)
        if membership is not None:
            if membership.tier == Membership.Tier.STEERING:
                raise ValidationError(_("This organisation is already a steering member."))
            _end_membership(
                membership, on=on, reason=Membership.EndReason.TIER_CHANGED, item=item, actor=actor
            )
        _membership_create(
            code="members.membership.steering_selected",
            actor=actor,
            organisation=item.subject,
            tier=Membership.Tier.STEERING,
            started_on=on,
            started_by_item=item,
        )
    elif item.kind == AgendaItem.Kind.STEERING_LEAVE:
        Organisation.objects.select_for_update().get(pk=item.subject_id)
        membership = _lock_active_membership(item.subject)
        if membership is None or membership.tier != Membership.Tier.STEERING:
            raise ValidationError(_("This organisation is not a steering member."))
        _end_membership(
            membership, on=on, reason=Membership.EndReason.STEERING_LEFT, item=item, actor=actor
        )
    elif item.kind == AgendaItem.Kind.RULES:
        rule_set_adopt(item=item, actor=actor)


def rule_set_adopt(*, item, actor) -> RuleSet:
    """A new rule version from a passed 規定の改廃 item (the only way one is created)."""
    if item.kind != AgendaItem.Kind.RULES or item.outcome != AgendaItem.Outcome.PASSED:
        raise ValidationError(_("New rules come only from a passed rules item."))
    proposed = dict(item.proposed_rules)
    _validate_proposed_rules(proposed, item.meeting)
    effective_from = datetime.date.fromisoformat(proposed.pop("effective_from"))
    base = rule_set_in_force(on=effective_from)
    if RuleSet.objects.filter(effective_from=effective_from).exists():
        raise ValidationError(_("A rule version already takes effect on that date."))
    values = {name: getattr(base, name) for name in RULE_VALUE_FIELDS}
    values.update(proposed)
    version = (RuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    rule_set = RuleSet(
        version=version, effective_from=effective_from, adopted_by_item=item, **values
    )
    rule_set.full_clean(exclude=["adopted_by_item"])
    audit(rule_set, "members.ruleset.adopted", actor).save()
    # Meetings already planned within the new version's period use it (shown in the admin at
    # once; `_meeting_rules_refresh` checks again under the lock when they vote and decide).
    planned = Meeting.objects.filter(held_on__gte=effective_from).exclude(pk=item.meeting_id)
    later = RuleSet.objects.filter(effective_from__gt=effective_from).order_by("effective_from")
    next_version = later.first()
    if next_version is not None:
        planned = planned.filter(held_on__lt=next_version.effective_from)
    planned = planned.exclude(
        items__outcome__in=[AgendaItem.Outcome.PASSED, AgendaItem.Outcome.REJECTED]
    ).exclude(rule_set=rule_set)
    for meeting in planned.select_for_update().order_by("pk"):
        meeting.rule_set = rule_set
        audit(meeting, "members.meeting.rules_in_force", actor).save(update_fields=["rule_set"])
    return rule_set


def _check_written_replies_closed(meeting, item) -> None:
    """A written resolution short of 2/3 is recorded as not passed only once no more replies
    can come: after its reply date, or when every steering member on the roster has replied."""
    if meeting.reply_by is not None and meeting.reply_by < _today():
        return
    replied = set(item.votes.values_list("organisation_id", flat=True))
    roster = set(meeting.attendances.values_list("organisation_id", flat=True))
    if item.subject_id and not meeting.rule_set.subject_may_vote:
        roster.discard(item.subject_id)
    if roster <= replied:
        return
    if meeting.reply_by is None:
        raise ValidationError(
            _(
                "Agreement has not reached the threshold and not everyone has replied; set "
                "the reply date (回答期限) and decide after it."
            )
        )
    raise ValidationError(
        _(
            "Agreement has not reached the threshold yet; replies may come until the reply "
            "date (回答期限) %(date)s."
        )
        % {"date": format_date(meeting.reply_by)}
    )


def item_decide(*, item, actor) -> AgendaItem:
    """Compute the outcome by the rules in force and apply a passed item's effect, atomically.

    A meeting without quorum cannot decide anything (規約第11条).
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        item.meeting = meeting
        if item.outcome != AgendaItem.Outcome.PENDING:
            raise ValidationError(_("This item has already been decided."))
        if meeting.notice_sent_at is None:
            raise ValidationError(
                _("Send the notice first; it fixes the roster of steering members.")
            )
        if meeting.held_on > _today():
            raise ValidationError(
                _("An outcome can be recorded from the meeting date (%(date)s) on.")
                % {"date": format_date(meeting.held_on)}
            )
        _meeting_rules_refresh(meeting)
        if item.kind == AgendaItem.Kind.STEERING_SELECT and item.consent_received_on is None:
            raise ValidationError(
                _("Record when the candidate's consent form was received first (規約第5条1).")
            )
        quorum = meeting_quorum(meeting)
        if meeting.kind == Meeting.Kind.MEETING and not quorum.met:
            raise ValidationError(
                _("No outcome can be recorded without quorum: %(quorum)s") % {"quorum": quorum.text}
            )
        tally = item_tally(item, quorum)
        if meeting.kind == Meeting.Kind.WRITTEN and not tally.passed:
            _check_written_replies_closed(meeting, item)
        if meeting.kind == Meeting.Kind.MEETING and tally.eligible == 0:
            raise ValidationError(_("Nobody present is entitled to vote on this item."))
        item.outcome = AgendaItem.Outcome.PASSED if tally.passed else AgendaItem.Outcome.REJECTED
        item.explanation = (
            tally.text if meeting.kind == Meeting.Kind.WRITTEN else f"{quorum.text}; {tally.text}"
        )
        item.decided_at = timezone.now()
        audit(item, f"members.agendaitem.{item.outcome}", actor).save()
        if tally.passed:
            _apply_item_effect(item, actor)
    return item
