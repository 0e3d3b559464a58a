"""Helpers shared by the workflow services: who acts in which role, and case references."""

import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..access import active_memberships
from ..models import CouncilMember

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference(prefix: str) -> str:
    """Unguessable, so a reference reveals nothing about other cases."""
    return prefix + "-" + "".join(secrets.choice(_ALPHABET) for _i in range(8))


def membership(user, council_id, *roles) -> CouncilMember:
    """The actor's membership in force in this council (with one of `roles`, if given)."""
    members = active_memberships(user).filter(council_id=council_id)
    if roles:
        members = members.filter(role__in=roles)
    member = members.select_related("agency").first()
    if member is None:
        raise ValidationError(_("You do not have the council role needed for this."))
    return member


def require_open(case) -> None:
    if case.status == case.Status.CLOSED:
        raise ValidationError(_("The case is closed."))
