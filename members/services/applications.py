"""Applications to join (要領第2条, 第3条1, 第5条): submitted on the public form, decided by the
secretariat."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.japanese import fold
from core.notifications import notify

from ..models import (
    DIRECTLY_REGISTERED_TYPES,
    PUBLISHABLE_FIELD_NAMES,
    Application,
    Membership,
    Organisation,
)
from .register import (
    ORGANISATION_FIELDS,
    _check_readmission_bar,
    _lock_active_membership,
    _membership_create,
    _today,
)


def _application_mail_queue(application, mail: str) -> None:
    """The applicant's e-mail, sent by a task once this transaction commits."""
    from ..tasks import application_mail_task

    application_mail_task.delay_on_commit(application.pk, mail)


def application_mail_send(*, application, mail: str) -> bool:
    """E-mail the applicant: "received" (the reference number), "approved" or "rejected". Once
    per application, mail and recipient; the period is the day of the event."""
    values = {"platform": settings.PLATFORM_NAME, "reference": application.reference}
    with translation.override("ja"), timezone.override("Asia/Tokyo"):
        if mail == "received":
            subject = _("[%(platform)s] We have received your application (%(reference)s)")
            day = timezone.localdate(application.submitted_at)
        elif mail == "approved":
            subject = _("[%(platform)s] Your application has been approved (%(reference)s)")
            day = application.decided_on
        elif mail == "rejected":
            subject = _("[%(platform)s] The result of your application (%(reference)s)")
            day = application.decided_on
        else:
            raise ValueError(f"unknown application mail {mail!r}")
        subject = subject % values
    return notify(
        purpose=f"members.application_{mail}",
        target=application,
        period=day.isoformat(),
        recipient=application.email,
        subject=subject,
        template_name=f"members/email/application_{mail}.txt",
        context={"application": application},
    )


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
            _application_mail_queue(application, "received")
    except IntegrityError:
        # The same form posted twice at once: the unique token let only one through.
        existing = Application.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return existing, False
    return application, True


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
        application = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
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
            organisation = Organisation.objects.select_for_update(no_key=True).get(
                pk=organisation.pk
            )
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
        _application_mail_queue(application, "approved")
    return membership


def application_reject(*, application, actor, reason, on=None) -> Application:
    if not (reason or "").strip():
        raise ValidationError(_("Write the reason for rejecting the application."))
    with transaction.atomic():
        application = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
        if application.status != Application.Status.SUBMITTED:
            raise ValidationError(_("This application has already been decided."))
        application.status = Application.Status.REJECTED
        application.decided_on = on or _today()
        application.decided_by = actor
        application.decision_reason = reason
        audit(application, "members.application.rejected", actor).save()
        _application_mail_queue(application, "rejected")
    return application


def application_review_save(*, application, actor) -> Application:
    """The secretariat's review notes on a waiting application (要領第2条3): the organisation it
    is linked to, the checklist and the reason to be given. A decided application keeps what
    it was decided on: nothing is written then."""
    review_fields = [
        "organisation",
        "checked_activity",
        "checked_no_antisocial",
        "checked_is_organisation",
        "decision_reason",
    ]
    with transaction.atomic():
        locked = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
        if locked.status != Application.Status.SUBMITTED:
            return locked
        for name in review_fields:
            setattr(locked, name, getattr(application, name))
        audit(locked, "members.application.reviewed", actor).save(update_fields=review_fields)
    return locked
