"""Account safety rules that hold however an account is changed (admin form, service, shell).

- Deactivating an account ends its sessions for good: `User.session_epoch` is raised, which changes
  the session hash every session was signed with, so a later re-activation finds them all invalid.
  (While inactive, Django's backends already refuse the user on every request.)
- Removing a person's last role takes away their staff access, not only the role's permissions.

Both are model signals on purpose: accounts are edited by Django's own UserAdmin, by the members
app's contact invitations and by hand, and the rule must not depend on which path was taken.
"""

import datetime

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse
from simple_history.models import HistoricalRecords

from . import roles
from .notifications import notify_secretariat
from .security_log import SecurityEvent, failures_on, security_event_record

User = get_user_model()


def _is_account(sender) -> bool:
    # Any class of account: User itself or a proxy of it (the staff app's StaffAccount), whose
    # saves send their own class as the signal's sender.
    return isinstance(sender, type) and issubclass(sender, User)


@receiver(pre_save, dispatch_uid="core.security.end_sessions_on_deactivation")
def end_sessions_on_deactivation(sender, instance, raw=False, **kwargs):
    if not _is_account(sender) or raw or instance.pk is None or instance.is_active:
        return
    was_active = User._default_manager.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        instance.session_epoch = (instance.session_epoch or 0) + 1
        instance._security_deactivated = True  # logged by log_deactivation once saved


@receiver(
    m2m_changed, sender=User.groups.through, dispatch_uid="core.security.staff_access_follows_roles"
)
def staff_access_follows_roles(sender, instance, action, reverse, pk_set, **kwargs):
    """After a role is taken away, a person left without any role stops being staff.

    Checked when the transaction commits: the admin's form replaces the groups by removing and then
    adding, and a change from one role to another must not cost the person their access."""
    if action == "pre_clear" and reverse:  # group.user_set.clear(): remember who was in it
        instance._security_cleared_user_ids = list(instance.user_set.values_list("pk", flat=True))
        return
    if action not in ("post_remove", "post_clear"):
        return
    if not reverse:
        user_ids = [instance.pk]
    elif action == "post_clear":
        user_ids = getattr(instance, "_security_cleared_user_ids", [])
    else:
        user_ids = list(pk_set or ())
    transaction.on_commit(lambda: remove_staff_access_without_role(user_ids))


def remove_staff_access_without_role(user_ids) -> int:
    """Staff access ends for those of `user_ids` who hold no role (superusers excepted)."""
    return (
        User.objects.filter(pk__in=user_ids, is_staff=True, is_superuser=False)
        .exclude(groups__name__in=roles.ALL_ROLES)
        .update(is_staff=False)
    )


# --- The security log: who signed in, failed, was locked out; two-factor, passwords, roles -------


def _current_request():
    """The request being served (simple-history's middleware keeps it), for role changes made
    in the admin: the signal itself carries no request."""
    return getattr(HistoricalRecords.context, "request", None)


@receiver(user_logged_in, dispatch_uid="core.security.log_login")
def log_login(sender, request, user, **kwargs):
    security_event_record(SecurityEvent.Kind.LOGIN_SUCCEEDED, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="core.security.log_logout")
def log_logout(sender, request, user, **kwargs):
    """Every sign-out through Django's logout(): allauth's and the admin's pages, and the idle
    timeout below. (A session that simply expires sends no request, so nothing can record it;
    its last activity is the last event of that account.)"""
    if user is None:  # signing out while not signed in
        return
    idle = getattr(request, "_security_idle_logout", False)
    kind = SecurityEvent.Kind.LOGOUT_IDLE if idle else SecurityEvent.Kind.LOGOUT
    security_event_record(kind, request=request, user=user)


def logout_idle(request) -> None:
    """End the session of someone away too long (the council workspace's idle timeout); the
    security log records it as such."""
    request._security_idle_logout = True
    logout(request)


@receiver(user_login_failed, dispatch_uid="core.security.log_login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password; only the login name is kept.
    login = credentials.get("email") or credentials.get("username") or ""
    user = User._default_manager.filter(email__iexact=login).first() if login else None
    security_event_record(SecurityEvent.Kind.LOGIN_FAILED, request=request, user=user, login=login)


def log_lockout(request, login):
    user = User._default_manager.filter(email__iexact=login).first() if login else None
    security_event_record(SecurityEvent.Kind.LOGIN_LOCKED, request=request, user=user, login=login)


@receiver(mfa_signals.authenticator_added, dispatch_uid="core.security.log_mfa_added")
def log_mfa_added(sender, request, user, authenticator, **kwargs):
    security_event_record(
        SecurityEvent.Kind.MFA_ADDED, request=request, user=user, detail=authenticator.type
    )


@receiver(mfa_signals.authenticator_removed, dispatch_uid="core.security.log_mfa_removed")
def log_mfa_removed(sender, request, user, authenticator, **kwargs):
    security_event_record(
        SecurityEvent.Kind.MFA_REMOVED, request=request, user=user, detail=authenticator.type
    )


@receiver(mfa_signals.authenticator_reset, dispatch_uid="core.security.log_mfa_reset")
def log_mfa_reset(sender, request, user, authenticator, **kwargs):
    security_event_record(
        SecurityEvent.Kind.MFA_RESET, request=request, user=user, detail=authenticator.type
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="core.security.log_mfa_failed")
def log_mfa_failed(sender, request, user, authenticator=None, **kwargs):
    detail = getattr(authenticator, "type", "")
    security_event_record(SecurityEvent.Kind.MFA_FAILED, request=request, user=user, detail=detail)


@receiver(account_signals.password_reset, dispatch_uid="core.security.log_password_reset")
def log_password_reset(sender, request, user, **kwargs):
    security_event_record(SecurityEvent.Kind.PASSWORD_RESET, request=request, user=user)


@receiver(account_signals.password_changed, dispatch_uid="core.security.log_password_changed")
def log_password_changed(sender, request, user, **kwargs):
    security_event_record(SecurityEvent.Kind.PASSWORD_CHANGED, request=request, user=user)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="core.security.log_role_change")
def log_role_change(sender, instance, action, reverse, pk_set, model, **kwargs):
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    kind = (
        SecurityEvent.Kind.ROLE_ADDED if action == "post_add" else SecurityEvent.Kind.ROLE_REMOVED
    )
    request = _current_request()
    actor = getattr(request, "user", None)
    if reverse:  # group.user_set.add(users)
        pairs = [(user, instance.name) for user in User._default_manager.filter(pk__in=pk_set)]
    else:
        names = model._default_manager.filter(pk__in=pk_set).values_list("name", flat=True)
        pairs = [(instance, name) for name in names]
    for user, role in pairs:
        security_event_record(kind, request=request, user=user, actor=actor, detail=role)


@receiver(post_save, dispatch_uid="core.security.log_deactivation")
def log_deactivation(sender, instance, created, raw=False, **kwargs):
    if not _is_account(sender) or raw or created:
        return
    if not getattr(instance, "_security_deactivated", False):
        return
    instance._security_deactivated = False
    request = _current_request()
    security_event_record(
        SecurityEvent.Kind.ACCOUNT_DEACTIVATED,
        request=request,
        user=instance,
        actor=getattr(request, "user", None),
    )


# --- The daily summary to the secretariat when sign-in failures spike ----------------------------


def security_failures_alert(*, day: datetime.date) -> int:
    """Mail the secretariat the day's failed sign-ins if there were at least
    SECURITY_FAILED_LOGIN_ALERT of them. Once per person per day (core.notifications). Returns
    how many mails were sent now."""
    threshold = settings.SECURITY_FAILED_LOGIN_ALERT
    summary = failures_on(day)
    if summary["total"] < threshold:
        return 0
    return notify_secretariat(
        purpose="core.security.failed_logins",
        period=day.isoformat(),
        subject=f"【セキュリティ】ログイン失敗が多発しています（{day:%Y-%m-%d}：{summary['total']}件）",
        template_name="core/email/security_failures.txt",
        context={
            "summary": summary,
            "threshold": threshold,
            "log_url": settings.SITE_URL.rstrip("/")
            + reverse("admin:core_securityevent_changelist"),
        },
    )


# --- The security log in the admin: read-only, for the secretariat and the auditors --------------


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "outcome", "login", "user", "ip", "detail", "actor")
    list_filter = ("kind", "outcome", "created_at")
    search_fields = ("login", "ip")
    list_select_related = ("user", "actor")
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def rate_limited(request):
    """allauth's answer to a rate-limited request (ROOT_URLCONF.handler429), logged when it is a
    sign-in (the per-address limit on the login page)."""
    from allauth.core.internal.ratelimit import handler429

    if request.path == reverse("account_login") and request.method == "POST":
        log_lockout(request, request.POST.get("login", ""))
    return handler429(request)
