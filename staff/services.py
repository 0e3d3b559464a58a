"""The secretariat's account management: invite, give and take roles, deactivate.

Roles are the five groups core.roles declares; their permissions stay as the code defines them
(this never touches a group). Nothing here can make or change a superuser. Sessions of a
deactivated account end and a person left without a role loses staff access (core.security's
signals, whatever path changed the account).
"""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import roles as role_names
from core.audit import audit
from core.notifications import notify

from .models import StaffAccount


def _check_roles(roles) -> list[str]:
    unknown = set(roles) - set(role_names.ALL_ROLES)
    if unknown:
        raise ValidationError(_("Unknown role: %(names)s.") % {"names": "、".join(sorted(unknown))})
    return [name for name in role_names.ALL_ROLES if name in set(roles)]


def staff_account_invite_check(*, email: str, roles) -> None:
    if not roles:
        raise ValidationError(_("Choose at least one role for the new account."))
    _check_roles(roles)
    if StaffAccount.objects.filter(email__iexact=email.strip()).exists():
        raise ValidationError(_("An account with this e-mail address already exists."))


def staff_account_update_check(*, account, roles, is_active: bool, actor) -> None:
    if account.is_superuser:
        raise ValidationError(_("A system administrator's account cannot be changed here."))
    roles = _check_roles(roles)
    if account.pk == actor.pk and not is_active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if account.pk == actor.pk and role_names.SECRETARIAT not in roles and not actor.is_superuser:
        raise ValidationError(_("You cannot take the secretariat role from yourself."))
    leaves_secretariat = role_names.SECRETARIAT not in roles or not is_active
    if leaves_secretariat and account.groups.filter(name=role_names.SECRETARIAT).exists():
        others = (
            StaffAccount.objects.filter(groups__name=role_names.SECRETARIAT, is_active=True)
            .exclude(pk=account.pk)
            .exists()
        )
        if not others:
            raise ValidationError(
                _("The last active secretariat account cannot lose the role or be deactivated.")
            )


def _set_roles(account, roles) -> None:
    keep = set(account.groups.exclude(name__in=role_names.ALL_ROLES).values_list("pk", flat=True))
    wanted = set(Group.objects.filter(name__in=roles).values_list("pk", flat=True))
    account.groups.set(keep | wanted)


def staff_account_invite(*, email, last_name, first_name, roles, actor) -> StaffAccount:
    """Create a staff account without a password and e-mail the person a link to set one."""
    staff_account_invite_check(email=email, roles=roles)
    roles = _check_roles(roles)
    email = email.strip()
    with transaction.atomic():
        account = StaffAccount(
            username=email.lower()[:150],
            email=email,
            last_name=last_name,
            first_name=first_name,
            is_staff=True,
            is_superuser=False,
        )
        account.set_unusable_password()
        audit(account, "staff.account.invited", actor).save()
        _set_roles(account, roles)
        transaction.on_commit(lambda: staff_account_invite_send(account=account))
    return account


def staff_account_update(*, account, last_name, first_name, roles, is_active, actor):
    """Change a staff account's name, roles and whether it may sign in."""
    staff_account_update_check(account=account, roles=roles, is_active=is_active, actor=actor)
    roles = _check_roles(roles)
    with transaction.atomic():
        account = StaffAccount.objects.select_for_update(no_key=True).get(pk=account.pk)
        account.last_name, account.first_name = last_name, first_name
        account.is_active = is_active
        account.is_staff = bool(roles)
        code = "staff.account.changed" if is_active else "staff.account.deactivated"
        audit(account, code, actor).save()
        _set_roles(account, roles)
    return account


def staff_account_invite_send(*, account) -> bool:
    """E-mail the set-password link (allauth's password-reset key); once a day per account."""
    site = settings.SITE_URL.rstrip("/")
    link = site + reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(account),
            "key": default_token_generator.make_token(account),
        },
    )
    with translation.override("ja"), timezone.override("Asia/Tokyo"):
        subject = _("[%(platform)s] Your staff account") % {"platform": settings.PLATFORM_NAME}
        day = timezone.localdate()
    return notify(
        purpose="staff.account_invite",
        target=account,
        period=day.isoformat(),
        recipient=account.email,
        subject=subject,
        template_name="staff/email/account_invite.txt",
        context={
            "account": account,
            "roles": list(account.groups.filter(name__in=role_names.ALL_ROLES)),
            "link": link,
            "login": site + reverse("account_login"),
        },
    )
