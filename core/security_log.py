"""The security log: sign-ins, failures, lockouts, sign-outs, two-factor and password changes,
roles.

What a security officer needs to answer "who tried to get in, from where, and what changed"
(ASVS 5.0 V16; 個人情報保護法ガイドライン 安全管理措置: アクセス記録). Rows are written by
`security_event_record` from allauth's and Django's signals (core.security connects them) and are
append-only: the database refuses an UPDATE (and, on PostgreSQL, a DELETE) like the food ledger.
A row never holds a password, a code or a secret: only who (or which login name), where from
(the client address as core.abuse sees it, honouring TRUSTED_PROXY_COUNT), the browser, when and
what happened.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .abuse import client_ip

USER_AGENT_MAX = 300
LOGIN_MAX = 254


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login.succeeded", _("signed in")
        LOGIN_FAILED = "login.failed", _("sign-in failed")
        LOGIN_LOCKED = "login.locked", _("sign-in refused: too many attempts")
        LOGOUT = "logout", _("signed out")
        LOGOUT_IDLE = "logout.idle", _("signed out after inactivity")
        MFA_FAILED = "mfa.failed", _("two-factor code refused")
        MFA_ADDED = "mfa.added", _("two-factor method added")
        MFA_REMOVED = "mfa.removed", _("two-factor method removed")
        MFA_RESET = "mfa.reset", _("recovery codes renewed")
        PASSWORD_RESET_REQUESTED = "password.reset_requested", _("password reset requested")
        PASSWORD_RESET = "password.reset", _("password reset")
        PASSWORD_CHANGED = "password.changed", _("password changed")
        ROLE_ADDED = "role.added", _("role given")
        ROLE_REMOVED = "role.removed", _("role taken away")
        ACCOUNT_DEACTIVATED = "account.deactivated", _("account deactivated")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("success")
        FAILURE = "failure", _("failure")
        REFUSED = "refused", _("refused")

    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    # A plain id, not a constraint: the log outlives the account and never blocks its removal.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    login = models.CharField(_("login name"), max_length=LOGIN_MAX, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_MAX, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        app_label = "core"
        verbose_name = _("security log entry")
        verbose_name_plural = _("security log")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


FAILURE_KINDS = (
    SecurityEvent.Kind.LOGIN_FAILED,
    SecurityEvent.Kind.LOGIN_LOCKED,
    SecurityEvent.Kind.MFA_FAILED,
)


def security_event_record(
    kind, *, request=None, user=None, login="", actor=None, detail="", outcome=None
) -> SecurityEvent:
    """Append one row. `login` is the name typed at a failed sign-in (it may be nobody's)."""
    if outcome is None:
        outcome = (
            SecurityEvent.Outcome.REFUSED
            if kind == SecurityEvent.Kind.LOGIN_LOCKED
            else SecurityEvent.Outcome.FAILURE
            if kind in FAILURE_KINDS
            else SecurityEvent.Outcome.SUCCESS
        )
    ip = client_ip(request) if request is not None else ""
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    if user is not None and not getattr(user, "pk", None):
        user = None
    return SecurityEvent.objects.create(
        kind=kind,
        outcome=outcome,
        user=user,
        login=(login or (user.get_username() if user is not None else ""))[:LOGIN_MAX],
        actor=actor if getattr(actor, "pk", None) else None,
        detail=str(detail)[:200],
        ip=_valid_ip(ip),
        user_agent=agent[:USER_AGENT_MAX],
    )


def _valid_ip(value):
    import ipaddress

    try:
        return str(ipaddress.ip_address(value.strip())) if value else None
    except ValueError:
        return None


def failures_on(day: datetime.date) -> dict:
    """Failed and refused sign-ins of one local day: the total and the busiest addresses."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    rows = SecurityEvent.objects.filter(
        kind__in=FAILURE_KINDS, created_at__gte=start, created_at__lt=start + datetime.timedelta(1)
    )
    by_ip = rows.values("ip").annotate(count=models.Count("pk")).order_by("-count", "ip")[:10]
    by_login = (
        rows.exclude(login="")
        .values("login")
        .annotate(count=models.Count("pk"))
        .order_by("-count", "login")[:10]
    )
    return {"day": day, "total": rows.count(), "by_ip": list(by_ip), "by_login": list(by_login)}
