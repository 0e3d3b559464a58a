"""The register itself: organisations' entries, memberships starting and ending, contacts.

Shared helpers of the other service modules live here too (`_lock_active_membership`,
`_end_membership`, `_membership_create`, `_check_readmission_bar`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.audit import audit
from core.japanese import format_date

from ..models import (
    DIRECTLY_REGISTERED_TYPES,
    REGISTER_ENTRY_FIELDS,
    ContactEvent,
    Membership,
    Organisation,
)
from ..selectors import readmission_allowed_from

ORGANISATION_FIELDS = tuple(
    name
    for name in REGISTER_ENTRY_FIELDS
    if name not in ("municipality", "active_municipalities", "activity_fields", "public_fields")
)
CHANGEABLE_FIELDS = (*ORGANISATION_FIELDS, "public_fields")


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
        organisation = Organisation.objects.select_for_update(no_key=True).get(pk=organisation.pk)
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


# --- Membership lifecycle --------------------------------------------------------------------


def _lock_active_membership(organisation) -> Membership | None:
    return (
        Membership.objects.select_for_update(no_key=True)
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
        Organisation.objects.select_for_update(no_key=True).get(pk=organisation.pk)
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
        Organisation.objects.select_for_update(no_key=True).get(pk=membership.organisation_id)
        locked = _lock_active_membership(membership.organisation)
        if locked is None or locked.pk != membership.pk:
            raise ValidationError(_("This membership has already ended."))
        return _end_membership(
            locked, on=on, reason=Membership.EndReason.WITHDRAWN, note=note, actor=actor
        )


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


# --- The secretariat's own edits and the register import --------------------------------------


def organisation_save(*, organisation, actor) -> Organisation:
    """The secretariat creates or edits an organisation's entry in the admin (its form has
    validated the fields). Many-to-many fields are saved by the form afterwards."""
    created = organisation.pk is None
    code = "members.organisation.created" if created else "members.organisation.changed"
    with transaction.atomic():
        if not created:
            # Serialise with contact_record and notice_apply, which move fields of this row.
            Organisation.objects.select_for_update(no_key=True).get(pk=organisation.pk)
        audit(organisation, code, actor).save()
    return organisation


def register_entry_import(*, organisation, tier, started_on, actor=None) -> Membership:
    """One row of an existing register (the admin import, all or nothing per file): a new
    organisation and its membership as it stands, with the tier and joining date of the file."""
    if organisation.pk is not None:
        raise ValidationError(_("This organisation is already registered."))
    with transaction.atomic():
        audit(organisation, "members.organisation.imported", actor).save()
        return _membership_create(
            code="members.membership.imported",
            actor=actor,
            organisation=organisation,
            tier=tier,
            started_on=started_on,
        )


def register_entries_import(*, entries, actor=None) -> list[Membership]:
    """A batch of rows of an existing register (the admin import, all or nothing per file):
    each (organisation, tier, started_on) becomes a new organisation and its membership as it
    stands, written in a constant number of queries per batch, each with its labelled history
    row like register_entry_import."""
    organisations = [organisation for organisation, _tier, _started_on in entries]
    if any(organisation.pk is not None for organisation in organisations):
        raise ValidationError(_("This organisation is already registered."))
    for organisation in organisations:
        organisation.set_derived_fields()
    with transaction.atomic():
        bulk_create_with_history(
            organisations,
            Organisation,
            default_user=actor,
            default_change_reason="members.organisation.imported",
        )
        memberships = [
            Membership(organisation=organisation, tier=tier, started_on=started_on)
            for organisation, tier, started_on in entries
        ]
        bulk_create_with_history(
            memberships,
            Membership,
            default_user=actor,
            default_change_reason="members.membership.imported",
        )
    return memberships
